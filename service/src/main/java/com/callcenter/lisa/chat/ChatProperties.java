package com.callcenter.lisa.chat;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How one chat turn is shaped.
 *
 * @param maxMessageChars longest customer message accepted, in characters
 * @param maxInputTokens  estimated input budget of one Gemini call (persona + history + message); the
 *                        oldest whole turns are left out of the call beyond it, never out of the history
 * @param fallbackReply   what Lisa says when Gemini returns no text (safety block, output budget spent
 *                        on thinking, blocked prompt, unknown finish reason)
 * @param idempotency     how repeats of a request with the same Idempotency-Key are recognised
 */
@ConfigurationProperties("lisa.chat")
public record ChatProperties(
        @DefaultValue("4000") int maxMessageChars,
        @DefaultValue("16000") int maxInputTokens,
        @DefaultValue("Entschuldigung, dazu kann ich gerade nichts sagen. Können Sie Ihre Frage bitte anders formulieren?")
        String fallbackReply,
        @DefaultValue Idempotency idempotency) {

    /**
     * @param ttl          how long a key is remembered; a repeat after that is a new message
     * @param lease        how long a running request holds its key against repeats on other instances; only
     *                     matters when the instance running it dies. Longer than the maximum wait plus
     *                     Gemini's timeout times the retry attempts.
     * @param pollInterval how often a repeat that waits for the running request looks for its outcome
     */
    public record Idempotency(
            @DefaultValue("24h") Duration ttl,
            @DefaultValue("3m") Duration lease,
            @DefaultValue("100ms") Duration pollInterval) {
    }
}
