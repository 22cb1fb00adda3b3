package com.callcenter.lisa.gemini;

/**
 * Tokens of one call as Gemini counted them.
 *
 * @param totalTokens includes thinking tokens, which are billed but not part of the reply
 */
public record TokenUsage(int promptTokens, int replyTokens, int totalTokens) {
}
