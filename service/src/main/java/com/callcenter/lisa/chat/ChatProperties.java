package com.callcenter.lisa.chat;

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
 */
@ConfigurationProperties("lisa.chat")
public record ChatProperties(
        @DefaultValue("4000") int maxMessageChars,
        @DefaultValue("16000") int maxInputTokens,
        @DefaultValue("Entschuldigung, dazu kann ich gerade nichts sagen. Können Sie Ihre Frage bitte anders formulieren?")
        String fallbackReply) {
}
