package com.callcenter.lisa.emulator;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the emulator knows about one model: the request rules it enforces and how it answers. Read
 * from model-profiles.json by {@link ModelProfiles}; see that file for the meaning of each field.
 *
 * @param id the model id the profile was looked up for
 * @param source "model", "family gemini-3" or "default": where the rules came from
 * @param thinking {@link #LEVEL}, {@link #BUDGET} or {@link #ANY}
 * @param defaultThinkingLevel level used when the request names none (null: no thinking)
 * @param defaultThinkingBudget budget used when the request names none (0: no thinking)
 * @param rejects generationConfig field (camelCase) to the 400 message, {@code %s} = model id
 */
record ModelProfile(
        String id,
        String source,
        String displayName,
        int inputTokenLimit,
        int outputTokenLimit,
        String thinking,
        List<String> thinkingLevels,
        String defaultThinkingLevel,
        int defaultThinkingBudget,
        Map<String, Integer> levelThoughtTokens,
        boolean budgetZeroAllowed,
        Map<String, String> rejects,
        Set<String> ignores,
        int minCacheTokens,
        boolean thoughtSignatures,
        boolean rejectsTrailingModelTurn) {

    static final String LEVEL = "level";
    static final String BUDGET = "budget";
    static final String ANY = "any";

    /** Thought tokens for a dynamic thinking budget (-1): the emulator's fixed stand-in. */
    static final int DYNAMIC_BUDGET_THOUGHTS = 256;

    /**
     * thoughtsTokenCount for a level or budget ({@code budget} null = not sent): a level costs its
     * table value; a budget N > 0 costs N / 4 (a model seldom uses its whole budget), -1 (dynamic)
     * {@value #DYNAMIC_BUDGET_THOUGHTS}, 0 nothing.
     */
    int thoughtTokens(String level, Integer budget) {
        if (level != null) {
            return levelThoughtTokens.getOrDefault(level, 0);
        }
        if (budget != null) {
            return budget < 0 ? DYNAMIC_BUDGET_THOUGHTS : budget / 4;
        }
        if (defaultThinkingLevel != null) {
            return levelThoughtTokens.getOrDefault(defaultThinkingLevel, 0);
        }
        return defaultThinkingBudget < 0 ? DYNAMIC_BUDGET_THOUGHTS : defaultThinkingBudget / 4;
    }
}
