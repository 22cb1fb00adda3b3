package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-model request rules of {@link ModelProfile}, enforced with Gemini's 400 INVALID_ARGUMENT
 * bodies, and the thinking settings a request ends up with. Messages are the live ones quoted in
 * recorded fixtures and public issue threads, except where a comment says a text is invented.
 */
final class RequestRules {

    private RequestRules() {}

    /**
     * The thinking a reply shows.
     *
     * @param level the level in effect (sent or the model's default), null for budget models
     * @param thoughtTokens usageMetadata.thoughtsTokenCount
     * @param includeThoughts whether the reply starts with a {@code "thought": true} summary part
     */
    record Thinking(String level, int thoughtTokens, boolean includeThoughts) {}

    /** Checks a generateContent / streamGenerateContent request against the model's profile. */
    static Thinking check(ModelRequest request, ModelProfile profile) throws ApiError {
        JsonNode generation = request.generationConfig();
        JsonNode thinking = ModelRequest.field(generation, "thinkingConfig", "thinking_config");
        JsonNode levelNode = ModelRequest.field(thinking, "thinkingLevel", "thinking_level");
        JsonNode budgetNode = ModelRequest.field(thinking, "thinkingBudget", "thinking_budget");
        boolean hasLevel = present(levelNode);
        boolean hasBudget = present(budgetNode);
        if (hasLevel && hasBudget) {
            // live body, recorded in vercel-ai/issue-22372-live-errors.json
            throw ErrorBodies.invalidArgument("You can only set only one of thinking budget and thinking level.");
        }
        String level = null;
        if (hasLevel) {
            level = levelNode.asText().toUpperCase(Locale.ROOT);
            if (!List.of("MINIMAL", "LOW", "MEDIUM", "HIGH").contains(level)) {
                // the proto-JSON form of an unknown enum value, as for other enum fields
                throw ErrorBodies.invalidArgument(
                        "Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), "
                                + levelNode);
            }
        }
        Integer budget = null;
        if (hasBudget) {
            if (!budgetNode.canConvertToInt()
                    && !(budgetNode.isTextual() && budgetNode.asText().matches("-?\\d{1,9}"))) {
                throw ErrorBodies.invalidArgument(
                        "Invalid value at 'generation_config.thinking_config.thinking_budget' (TYPE_INT32), "
                                + budgetNode);
            }
            budget = budgetNode.isTextual() ? Integer.parseInt(budgetNode.asText()) : budgetNode.intValue();
        }
        switch (profile.thinking()) {
            case ModelProfile.LEVEL -> {
                if (hasBudget) {
                    // INVENTED: no live text found for a thinking budget sent to a model that takes only
                    // levels; modelled on the live "Thinking level is not supported for this model."
                    throw ErrorBodies.invalidArgument(
                            "Thinking budget is not supported for this model. Please use thinking level instead.");
                }
                if (hasLevel && !profile.thinkingLevels().contains(level)) {
                    // live body, recorded in vercel-ai/google-gemini-3.7-flash-thinking-levels.json
                    throw ErrorBodies.invalidArgument("Thinking level "
                            + level
                            + " is not supported for this model. Please retry with other thinking level.");
                }
            }
            case ModelProfile.BUDGET -> {
                if (hasLevel) {
                    // live body quoted in RooCodeInc/Roo-Code#10700 (gemini-2.5-flash)
                    throw ErrorBodies.invalidArgument("Thinking level is not supported for this model.");
                }
                if (budget != null && budget == 0 && !profile.budgetZeroAllowed()) {
                    // live text of gemini-2.5-pro, which cannot stop thinking
                    throw ErrorBodies.invalidArgument("Budget 0 is invalid. This model only works in thinking mode.");
                }
            }
            default -> {}
        }
        for (Map.Entry<String, String> rejected : profile.rejects().entrySet()) {
            if (present(ModelRequest.field(generation, rejected.getKey(), snake(rejected.getKey())))) {
                throw ErrorBodies.invalidArgument(rejected.getValue().formatted(profile.id()));
            }
        }
        if (profile.rejectsTrailingModelTurn()) {
            List<JsonNode> contents = request.contents();
            JsonNode last = contents.get(contents.size() - 1);
            JsonNode parts = last.path("parts");
            boolean endsWithFunctionResponse = !parts.isEmpty()
                    && present(
                            ModelRequest.field(parts.get(parts.size() - 1), "functionResponse", "function_response"));
            if ("model".equals(last.path("role").asText()) && !endsWithFunctionResponse) {
                // live body quoted in LibreChat-AI/agents#323 (gemini-3.6-flash, gemini-3.5-flash-lite)
                throw ErrorBodies.invalidArgument(
                        "Requests ending with a model turn are not supported unless the last part is a function response.");
            }
        }
        String effectiveLevel =
                ModelProfile.LEVEL.equals(profile.thinking()) && level == null ? profile.defaultThinkingLevel() : level;
        int thoughts = ModelProfile.LEVEL.equals(profile.thinking())
                ? profile.thoughtTokens(effectiveLevel, null)
                : profile.thoughtTokens(level, budget);
        boolean include = ModelRequest.field(thinking, "includeThoughts", "include_thoughts")
                .asBoolean(false);
        return new Thinking(effectiveLevel, thoughts, include && thoughts > 0);
    }

    private static boolean present(JsonNode node) {
        return !node.isMissingNode() && !node.isNull();
    }

    /** frequencyPenalty -> frequency_penalty. */
    static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }
}
