package com.callcenter.lisa.chat;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How one chat turn is shaped (how long a message may be is {@link com.callcenter.lisa.text.MessageLimit}).
 *
 * @param maxInputTokens  estimated input budget of one Gemini call (persona + history + message); the
 *                        oldest whole turns are left out of the call beyond it, never out of the history
 * @param fallbackReply   what Lisa says when Gemini returns no text (safety block, output budget spent
 *                        on thinking, blocked prompt, unknown finish reason)
 * @param idempotency     how repeats of a request with the same Idempotency-Key are recognised
 * @param maxToolRounds   rounds of tool calls one turn may make (each round: Gemini asks for tools, the
 *                        service calls them, the results go back in a further Gemini request); after the
 *                        last round Gemini is asked once more with function calling off, so it answers in words
 */
@ConfigurationProperties("lisa.chat")
public record ChatProperties(
        @DefaultValue("16000") int maxInputTokens,

        @DefaultValue(
                "Entschuldigung, dazu kann ich gerade nichts sagen. Können Sie Ihre Frage bitte anders formulieren?")
        String fallbackReply,

        @DefaultValue Idempotency idempotency,
        @DefaultValue("4") int maxToolRounds) {

    /**
     * How long a claim lasts, checked at start-up by {@link ClaimTimingRules}.
     *
     * @param ttl           how long a key is remembered; a repeat after that is a new message
     * @param lease         how long a running request holds its key without being renewed: a repeat on any
     *                      instance waits for it meanwhile. Its instance renews it while the turn runs, so
     *                      it only runs out when that instance died (or lost the database) - then a repeat
     *                      takes over at most this long after the last renewal
     * @param renewInterval how often an instance renews the leases of the requests it is running; at most a
     *                      third of the lease, so that two missed renewals in a row (a database blip) do
     *                      not free a request that is still running
     * @param pollInterval  how often a repeat that waits for the running request looks for its outcome; at
     *                      most the renewal interval
     */
    public record Idempotency(
            @DefaultValue("24h") Duration ttl,
            @DefaultValue("15s") Duration lease,
            @DefaultValue("5s") Duration renewInterval,
            @DefaultValue("100ms") Duration pollInterval) {}
}
