package com.callcenter.lisa.gemini;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * One of the generation settings an operator can set under {@code lisa.gemini.generation.*}, named as
 * in the configuration and in the model table ({@code gemini/models.yml}).
 */
public enum GenerationSetting {
    TEMPERATURE("temperature", GeminiProperties.Generation::temperature),
    TOP_P("top-p", GeminiProperties.Generation::topP),
    TOP_K("top-k", GeminiProperties.Generation::topK),
    FREQUENCY_PENALTY("frequency-penalty", GeminiProperties.Generation::frequencyPenalty),
    PRESENCE_PENALTY("presence-penalty", GeminiProperties.Generation::presencePenalty),
    THINKING_LEVEL("thinking-level", GeminiProperties.Generation::thinkingLevel),
    THINKING_BUDGET("thinking-budget", GeminiProperties.Generation::thinkingBudget),
    MAX_OUTPUT_TOKENS("max-output-tokens", GeminiProperties.Generation::maxOutputTokens);

    private final String name;
    private final Function<GeminiProperties.Generation, Object> value;

    GenerationSetting(String name, Function<GeminiProperties.Generation, Object> value) {
        this.name = name;
        this.value = value;
    }

    /** The name in the model table, e.g. {@code top-p}. */
    String tableName() {
        return name;
    }

    /** The full property, e.g. {@code lisa.gemini.generation.top-p}. */
    String property() {
        return "lisa.gemini.generation." + name;
    }

    /** What the operator set, or null when unset. */
    Object valueIn(GeminiProperties.Generation generation) {
        return value.apply(generation);
    }

    /** {@code lisa.gemini.generation.top-p=0.9}, as an operator would write it. */
    String assignment(GeminiProperties.Generation generation) {
        return property() + "=" + valueIn(generation);
    }

    static Optional<GenerationSetting> byTableName(String name) {
        return Arrays.stream(values())
                .filter(setting -> setting.name.equals(name))
                .findFirst();
    }
}
