package com.callcenter.lisa.gemini;

/**
 * Lisa's answer as Gemini produced it.
 *
 * @param text         the reply's visible text, thinking parts left out; empty when Gemini gave none or
 *                     stopped it for its content (SAFETY, RECITATION, …)
 * @param finishReason Gemini's finish reason as sent (unknown values kept), or {@code PROMPT_BLOCKED[_<reason>]}
 *                     when the prompt itself was blocked and no candidate came back
 * @param model        the model that answered
 */
public record GeminiReply(String text, String finishReason, String model, TokenUsage usage) {

    public boolean isEmpty() {
        return text.isBlank();
    }
}
