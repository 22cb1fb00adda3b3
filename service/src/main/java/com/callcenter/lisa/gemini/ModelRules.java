package com.callcenter.lisa.gemini;

import java.util.List;
import java.util.Set;

/**
 * What one model accepts, resolved from the model table: the model's own entry over its family's.
 *
 * @param model                    the model name as configured
 * @param family                   the family's name, e.g. "Gemini 3"; null when no family matched
 * @param listed                   whether the table names this model itself (else only its family, or nothing)
 * @param thinking                 which thinking setting the model takes
 * @param thinkingLevels           the levels it takes when {@code thinking} is LEVEL, in order from least thinking
 * @param defaultThinkingLevel     the level it thinks at when none is sent; null when not documented
 * @param ignores                  settings the model accepts but does not use
 * @param rejects                  settings the model answers with an error
 * @param rejectsLastTurnFromModel whether a request whose last contents entry has role {@code model} is an error
 * @param contextTokens            input limit; null = not known
 * @param outputTokens             reply limit (thinking included); null = not known
 * @param minCacheTokens           shortest prompt prefix implicit caching discounts; null = not known
 * @param thoughtSignatures        whether reply parts carry {@code thoughtSignature}
 */
public record ModelRules(
        String model,
        String family,
        boolean listed,
        Thinking thinking,
        List<String> thinkingLevels,
        String defaultThinkingLevel,
        Set<GenerationSetting> ignores,
        Set<GenerationSetting> rejects,
        boolean rejectsLastTurnFromModel,
        Integer contextTokens,
        Integer outputTokens,
        Integer minCacheTokens,
        boolean thoughtSignatures) {

    public ModelRules {
        thinkingLevels = List.copyOf(thinkingLevels);
        ignores = Set.copyOf(ignores);
        rejects = Set.copyOf(rejects);
    }

    /** How a model is told how much to think. */
    public enum Thinking {
        /** {@code thinkingConfig.thinkingLevel} (Gemini 3); {@code thinkingBudget} is an error. */
        LEVEL,
        /** {@code thinkingConfig.thinkingBudget} (Gemini 2.5); {@code thinkingLevel} is an error. */
        BUDGET,
        /** Not known: whatever is configured is sent. */
        UNKNOWN
    }

    /** A model neither the table nor any family prefix knows: no rules, everything is sent. */
    static ModelRules unknown(String model) {
        return new ModelRules(
                model,
                null,
                false,
                Thinking.UNKNOWN,
                List.of(),
                null,
                Set.of(),
                Set.of(),
                false,
                null,
                null,
                null,
                false);
    }

    boolean known() {
        return family != null;
    }
}
