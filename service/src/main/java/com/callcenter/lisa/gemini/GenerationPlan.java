package com.callcenter.lisa.gemini;

import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.SafetySetting;
import com.google.genai.types.ThinkingConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The generation settings ({@code lisa.gemini.generation.*}) checked against the rules of every configured
 * model (primary and fallbacks), and what each model is sent.
 *
 * <p>One set of settings serves every model, and each model is sent only what it takes:
 * <ul>
 *   <li>a setting a model answers with an error (a penalty for gemini-3.5-flash-lite, a thinking level
 *       the model does not have) stops the start: every turn on that model would fail;</li>
 *   <li>a setting a model ignores (temperature for gemini-3.5-flash-lite) is left out for that model,
 *       with a warning, so the operator knows it has no effect there;</li>
 *   <li>thinking is per family: {@code thinking-level} goes to Gemini 3 models, {@code thinking-budget}
 *       to Gemini 2.5 models, so a Gemini 3 primary with a Gemini 2.5 fallback can have both set. A
 *       thinking setting no configured model takes stops the start; a model whose family's setting is
 *       unset thinks at its default (a warning says so).</li>
 * </ul>
 * A model the table does not list gets its family's rules by name prefix, or none (sent as configured).
 */
public final class GenerationPlan {

    private final Map<String, ModelRules> rules;
    private final Map<String, GenerateContentConfig> configs;
    private final List<String> warnings;
    private final GeminiProperties properties;

    private GenerationPlan(
            Map<String, ModelRules> rules,
            Map<String, GenerateContentConfig> configs,
            List<String> warnings,
            GeminiProperties properties) {
        this.rules = rules;
        this.configs = configs;
        this.warnings = List.copyOf(warnings);
        this.properties = properties;
    }

    /**
     * Checks the settings against {@code properties.model()} and {@code fallbackModels}.
     *
     * @throws GenerationSettingsRejectedException naming every setting some configured model rejects
     */
    public static GenerationPlan check(GeminiProperties properties, List<String> fallbackModels, ModelTable table) {
        Set<String> models = new LinkedHashSet<>();
        models.add(properties.model());
        models.addAll(fallbackModels);
        Map<String, ModelRules> rules = new LinkedHashMap<>();
        models.forEach(model -> rules.put(model, table.rules(model)));

        GeminiProperties.Generation generation = properties.generation();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, GenerateContentConfig> configs = new LinkedHashMap<>();
        for (ModelRules model : rules.values()) {
            if (!model.listed()) {
                warnings.add(
                        model.known()
                                ? "Model " + model.model() + " is not in the model table (" + ModelTable.RESOURCE
                                        + "): it is treated by the rules of its family, " + model.family()
                                        + " (by its name); check Google's model page for what it accepts."
                                : "Model " + model.model() + " is not in the model table (" + ModelTable.RESOURCE
                                        + ") and matches no model family: its generation settings are sent unchecked.");
            }
            Set<GenerationSetting> sent = EnumSet.noneOf(GenerationSetting.class);
            for (GenerationSetting setting : GenerationSetting.values()) {
                if (setting.valueIn(generation) == null) {
                    continue;
                }
                Verdict verdict = judge(setting, generation, model, rules.values());
                switch (verdict.kind) {
                    case SEND -> sent.add(setting);
                    case LEAVE_OUT -> {
                        if (verdict.message != null) {
                            warnings.add(verdict.message);
                        }
                    }
                    case REJECT -> problems.add(verdict.message);
                }
            }
            configs.put(model.model(), config(properties, sent));
        }
        if (!problems.isEmpty()) {
            throw new GenerationSettingsRejectedException(problems);
        }
        return new GenerationPlan(Map.copyOf(rules), Map.copyOf(configs), warnings, properties);
    }

    /** What to send {@code model}; a model not configured at start-up gets every setting, unchecked. */
    public GenerateContentConfig configFor(String model) {
        GenerateContentConfig config = configs.get(model);
        return config != null ? config : config(properties, EnumSet.allOf(GenerationSetting.class));
    }

    /** The rules each configured model is checked by, primary first. */
    public Map<String, ModelRules> rules() {
        return rules;
    }

    /** Settings that have no effect on some model, and models the table does not know. */
    public List<String> warnings() {
        return warnings;
    }

    private enum Kind {
        SEND,
        LEAVE_OUT,
        REJECT
    }

    private record Verdict(Kind kind, String message) {
        static final Verdict SEND = new Verdict(Kind.SEND, null);
    }

    private static Verdict judge(
            GenerationSetting setting,
            GeminiProperties.Generation generation,
            ModelRules model,
            Iterable<ModelRules> all) {
        String assignment = setting.assignment(generation);
        if (model.rejects().contains(setting)) {
            return new Verdict(
                    Kind.REJECT,
                    assignment + " is not accepted by " + model.model()
                            + " (Google answers a request that sets " + setting.tableName()
                            + " with an error for this model); "
                            + "remove it, or choose models that take it.");
        }
        if (model.ignores().contains(setting)) {
            return new Verdict(
                    Kind.LEAVE_OUT,
                    assignment + " has no effect on " + model.model()
                            + " (Google documents that this model ignores a custom " + setting.tableName()
                            + "); it is not sent to that model.");
        }
        return switch (setting) {
            case THINKING_LEVEL -> thinkingLevel(generation, model, all);
            case THINKING_BUDGET -> thinkingBudget(generation, model, all);
            case MAX_OUTPUT_TOKENS ->
                model.outputTokens() != null && generation.maxOutputTokens() > model.outputTokens()
                        ? new Verdict(
                                Kind.REJECT,
                                assignment + " is more than " + model.model() + " can write ("
                                        + model.outputTokens() + " output tokens); set " + setting.property() + "="
                                        + model.outputTokens() + " or less.")
                        : Verdict.SEND;
            default -> Verdict.SEND;
        };
    }

    private static Verdict thinkingLevel(
            GeminiProperties.Generation generation, ModelRules model, Iterable<ModelRules> all) {
        String assignment = GenerationSetting.THINKING_LEVEL.assignment(generation);
        String level = generation.thinkingLevel().trim().toUpperCase(Locale.ROOT);
        return switch (model.thinking()) {
            case UNKNOWN -> Verdict.SEND;
            case LEVEL ->
                model.thinkingLevels().contains(level)
                        ? Verdict.SEND
                        : new Verdict(
                                Kind.REJECT,
                                assignment + " is not accepted by " + model.model() + " (it takes "
                                        + String.join(", ", model.thinkingLevels()) + "); set "
                                        + GenerationSetting.THINKING_LEVEL.property() + "=" + nearestLevel(level, model)
                                        + " instead, or remove it.");
            case BUDGET -> {
                if (anyTakes(all, ModelRules.Thinking.LEVEL)) {
                    yield new Verdict(
                            Kind.LEAVE_OUT,
                            generation.thinkingBudget() != null
                                    ? null
                                    : model.model() + " is not sent " + assignment + " (" + model.family()
                                            + " models take thinking-budget) and thinks at its default; set "
                                            + GenerationSetting.THINKING_BUDGET.property() + " to choose for it.");
                }
                yield new Verdict(
                        Kind.REJECT,
                        assignment + " is not accepted by " + model.model() + " ("
                                + model.family() + " models take thinking-budget); set "
                                + GenerationSetting.THINKING_BUDGET.property() + "=" + budgetFor(level)
                                + " (thinking tokens; -1 = the model decides) instead, or remove it.");
            }
        };
    }

    private static Verdict thinkingBudget(
            GeminiProperties.Generation generation, ModelRules model, Iterable<ModelRules> all) {
        String assignment = GenerationSetting.THINKING_BUDGET.assignment(generation);
        return switch (model.thinking()) {
            case UNKNOWN, BUDGET -> Verdict.SEND;
            case LEVEL -> {
                if (anyTakes(all, ModelRules.Thinking.BUDGET)) {
                    yield new Verdict(
                            Kind.LEAVE_OUT,
                            generation.thinkingLevel() != null
                                    ? null
                                    : model.model() + " is not sent " + assignment + " (" + model.family()
                                            + " models take thinking-level) and thinks at its default; set "
                                            + GenerationSetting.THINKING_LEVEL.property() + " to choose for it.");
                }
                yield new Verdict(
                        Kind.REJECT,
                        assignment + " is not accepted by " + model.model() + " ("
                                + model.family() + " models take thinking-level); set "
                                + GenerationSetting.THINKING_LEVEL.property() + "="
                                + nearestLevel(levelFor(generation.thinkingBudget()), model)
                                + " instead, or remove it.");
            }
        };
    }

    private static boolean anyTakes(Iterable<ModelRules> all, ModelRules.Thinking thinking) {
        for (ModelRules model : all) {
            if (model.thinking() == thinking) {
                return true;
            }
        }
        return false;
    }

    /** A thinking budget's rough equivalent, only to word the suggestion (Google publishes no mapping). */
    private static String levelFor(int budget) {
        if (budget < 0) {
            return "MEDIUM";
        }
        return budget == 0 ? "MINIMAL" : budget <= 1024 ? "LOW" : budget <= 8192 ? "MEDIUM" : "HIGH";
    }

    private static String budgetFor(String level) {
        return switch (level) {
            case "MINIMAL" -> "0";
            case "LOW" -> "1024";
            case "MEDIUM" -> "8192";
            case "HIGH" -> "24576";
            default -> "-1";
        };
    }

    /** The model's level closest to {@code level}: the same if it has it, else the next one up, else its least. */
    private static String nearestLevel(String level, ModelRules model) {
        List<String> order = List.of("MINIMAL", "LOW", "MEDIUM", "HIGH");
        int wanted = order.indexOf(level);
        if (wanted >= 0) {
            for (int i = wanted; i < order.size(); i++) {
                if (model.thinkingLevels().contains(order.get(i))) {
                    return order.get(i);
                }
            }
        }
        return model.thinkingLevels().isEmpty() ? "LOW" : model.thinkingLevels().getFirst();
    }

    private static GenerateContentConfig config(GeminiProperties properties, Set<GenerationSetting> sent) {
        GeminiProperties.Generation generation = properties.generation();
        GenerateContentConfig.Builder config = GenerateContentConfig.builder();
        if (sent.contains(GenerationSetting.TEMPERATURE)) {
            config.temperature(generation.temperature().floatValue());
        }
        if (sent.contains(GenerationSetting.TOP_P)) {
            config.topP(generation.topP().floatValue());
        }
        if (sent.contains(GenerationSetting.TOP_K)) {
            config.topK(generation.topK().floatValue());
        }
        if (sent.contains(GenerationSetting.FREQUENCY_PENALTY)) {
            config.frequencyPenalty(generation.frequencyPenalty().floatValue());
        }
        if (sent.contains(GenerationSetting.PRESENCE_PENALTY)) {
            config.presencePenalty(generation.presencePenalty().floatValue());
        }
        if (sent.contains(GenerationSetting.MAX_OUTPUT_TOKENS)) {
            config.maxOutputTokens(generation.maxOutputTokens());
        }
        boolean level = sent.contains(GenerationSetting.THINKING_LEVEL) && generation.thinkingLevel() != null;
        boolean budget = sent.contains(GenerationSetting.THINKING_BUDGET) && generation.thinkingBudget() != null;
        if (level || budget) {
            ThinkingConfig.Builder thinking = ThinkingConfig.builder();
            if (level) {
                thinking.thinkingLevel(generation.thinkingLevel().trim().toUpperCase(Locale.ROOT));
            }
            if (budget) {
                thinking.thinkingBudget(generation.thinkingBudget());
            }
            config.thinkingConfig(thinking.build());
        }
        if (!properties.safety().isEmpty()) {
            config.safetySettings(properties.safety().entrySet().stream()
                    .map(e -> SafetySetting.builder()
                            .category(e.getKey())
                            .threshold(e.getValue())
                            .build())
                    .toList());
        }
        return config.build();
    }
}
