package com.callcenter.lisa.gemini;

/**
 * Tokens of one call as Gemini counted them ({@code usageMetadata}; counters Gemini left out are 0).
 *
 * @param promptTokens  all input tokens, the cached ones included ({@code promptTokenCount})
 * @param replyTokens   tokens of the reply ({@code candidatesTokenCount})
 * @param totalTokens   includes thinking tokens, which are billed but not part of the reply
 * @param cachedTokens  input tokens served from Gemini's implicit cache, billed at the cached price
 *                      ({@code cachedContentTokenCount}); part of {@code promptTokens}
 * @param thoughtTokens thinking tokens, billed as output ({@code thoughtsTokenCount})
 */
public record TokenUsage(int promptTokens, int replyTokens, int totalTokens, int cachedTokens, int thoughtTokens) {

    /** Counts without the cache and thinking breakdown (calls that did not report one). */
    public TokenUsage(int promptTokens, int replyTokens, int totalTokens) {
        this(promptTokens, replyTokens, totalTokens, 0, 0);
    }
}
