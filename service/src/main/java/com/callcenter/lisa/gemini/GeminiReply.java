package com.callcenter.lisa.gemini;

/**
 * Lisa's answer as Gemini produced it.
 *
 * @param text         the reply's visible text, thinking parts left out; empty when Gemini gave none or
 *                     stopped it for its content (SAFETY, RECITATION, …)
 * @param finishReason Gemini's finish reason as sent (unknown values kept), or {@code PROMPT_BLOCKED[_<reason>]}
 *                     when the prompt itself was blocked and no candidate came back
 * @param model        the model that answered
 * @param modelParts   the reply's model content as Gemini sent it, as JSON ({@code {"role":"model","parts":[...]}}:
 *                     text, function calls and thought signatures; thought text left out), to be sent back
 *                     unchanged in later turns; null when there is nothing to send back (no parts, or a
 *                     reply stopped for its content)
 */
public record GeminiReply(String text, String finishReason, String model, TokenUsage usage, String modelParts) {

    public GeminiReply(String text, String finishReason, String model, TokenUsage usage) {
        this(text, finishReason, model, usage, null);
    }

    public boolean isEmpty() {
        return text.isBlank();
    }
}
