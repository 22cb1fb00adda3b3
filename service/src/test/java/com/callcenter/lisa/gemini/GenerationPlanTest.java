package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.ThinkingConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up check's decisions, model by model, without starting the service. */
class GenerationPlanTest {

    private final ModelTable table = ModelTable.load();

    @Test
    void everyProblemOfEveryModelIsNamedAtOnce() {
        var generation = new GeminiProperties.Generation(null, 1024, "MINIMAL", null, null, null, 0.5, null);

        assertThatThrownBy(() -> plan("gemini-3.5-flash-lite", generation, "gemini-3.8-flash"))
                .isInstanceOfSatisfying(
                        GenerationSettingsRejectedException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "lisa.gemini.generation.frequency-penalty=0.5 is not accepted by gemini-3.5-flash-lite "
                                                + "(Google answers a request that sets frequency-penalty with an error for "
                                                + "this model); remove it, or choose models that take it.",
                                        "lisa.gemini.generation.thinking-level=MINIMAL is not accepted by gemini-3.8-flash (it "
                                                + "takes LOW, MEDIUM, HIGH); set lisa.gemini.generation.thinking-level=LOW "
                                                + "instead, or remove it."));
    }

    @Test
    void bothThinkingSettingsWithOnlyGemini3ModelsRefuseTheBudget() {
        var generation = new GeminiProperties.Generation(null, 1024, "LOW", 20000, null, null, null, null);

        assertThatThrownBy(() -> plan("gemini-3.5-flash-lite", generation, "gemini-3.8-flash"))
                .isInstanceOfSatisfying(
                        GenerationSettingsRejectedException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "lisa.gemini.generation.thinking-budget=20000 is not accepted by gemini-3.5-flash-lite "
                                                + "(Gemini 3 models take thinking-level); set "
                                                + "lisa.gemini.generation.thinking-level=HIGH instead, or remove it.",
                                        "lisa.gemini.generation.thinking-budget=20000 is not accepted by gemini-3.8-flash "
                                                + "(Gemini 3 models take thinking-level); set "
                                                + "lisa.gemini.generation.thinking-level=HIGH instead, or remove it."));
    }

    @Test
    void aLevelNoGemini3ModelHasIsRefusedAndALowerCaseOneIsSentInGooglesSpelling() {
        assertThatThrownBy(() -> plan(
                        "gemini-3.6-flash",
                        new GeminiProperties.Generation(null, 1024, "FAST", null, null, null, null, null)))
                .hasMessageContaining("thinking-level=FAST is not accepted by gemini-3.6-flash (it takes MINIMAL, "
                        + "LOW, MEDIUM, HIGH)");

        GenerationPlan plan = plan(
                "gemini-3.6-flash",
                new GeminiProperties.Generation(null, 1024, "medium", null, null, null, null, null));
        assertThat(plan.configFor("gemini-3.6-flash")
                        .thinkingConfig()
                        .flatMap(ThinkingConfig::thinkingLevel)
                        .map(Object::toString))
                .contains("MEDIUM");
    }

    @Test
    void aReplyCapBeyondTheModelsOutputLimitIsRefused() {
        assertThatThrownBy(() -> plan(
                        "gemini-2.5-flash-lite",
                        new GeminiProperties.Generation(null, 100_000, null, null, null, null, null, null)))
                .hasMessage("lisa.gemini.generation.max-output-tokens=100000 is more than gemini-2.5-flash-lite can "
                        + "write (65536 output tokens); set lisa.gemini.generation.max-output-tokens=65536 or less.");
    }

    @Test
    void ignoredSettingsAreLeftOutOnlyForTheModelThatIgnoresThem() {
        GenerationPlan plan = plan(
                "gemini-3.5-flash-lite",
                new GeminiProperties.Generation(0.4, 1024, null, null, 0.8, null, null, null),
                "gemini-3.8-flash");

        GenerateContentConfig lite = plan.configFor("gemini-3.5-flash-lite");
        GenerateContentConfig flash = plan.configFor("gemini-3.8-flash");
        assertThat(lite.temperature()).isEmpty();
        assertThat(lite.topP()).isEmpty();
        assertThat(lite.maxOutputTokens()).contains(1024);
        assertThat(flash.temperature()).contains(0.4f);
        assertThat(flash.topP()).contains(0.8f);
        assertThat(plan.warnings())
                .containsExactly(
                        "lisa.gemini.generation.temperature=0.4 has no effect on gemini-3.5-flash-lite (Google documents "
                                + "that this model ignores a custom temperature); it is not sent to that model.",
                        "lisa.gemini.generation.top-p=0.8 has no effect on gemini-3.5-flash-lite (Google documents that "
                                + "this model ignores a custom top-p); it is not sent to that model.");
    }

    private GenerationPlan plan(String model, GeminiProperties.Generation generation, String... fallbacks) {
        GeminiProperties properties = new GeminiProperties(
                null, "http://localhost", "v1beta", model, Duration.ofSeconds(30), 8, generation, null, false);
        return GenerationPlan.check(properties, List.of(fallbacks), table);
    }
}
