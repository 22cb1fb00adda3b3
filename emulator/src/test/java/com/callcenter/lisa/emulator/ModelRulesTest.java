package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import com.google.genai.types.ThinkingConfig;
import com.google.genai.types.ThinkingLevel;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-model rules of model-profiles.json, through the real SDK: each rejected setting is a 400
 * INVALID_ARGUMENT with Google's text, the accepted ones answer, and thinking shows in usage.
 */
@ExtendWith(EmulatorExtension.class)
class ModelRulesTest {

    static GeminiEmulator emu;
    static Client client;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Content> HELLO = List.of(
            Content.builder().role("user").parts(Part.fromText("Hallo Lisa")).build());

    private static GenerateContentConfig thinking(ThinkingConfig thinking) {
        return GenerateContentConfig.builder().thinkingConfig(thinking).build();
    }

    private static ClientException rejected(String model, GenerateContentConfig config) {
        return rejected(model, HELLO, config);
    }

    private static ClientException rejected(String model, List<Content> contents, GenerateContentConfig config) {
        try {
            client.models.generateContent(model, contents, config);
        } catch (ClientException e) {
            return e;
        }
        throw new AssertionError("expected a 400 from " + model);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "gemini-3.5-flash-lite",
                "gemini-3.1-flash-lite",
                "gemini-3.6-flash",
                "gemini-3.8-flash",
                "gemini-3.9-flash-preview"
            })
    void aThinkingBudgetIsRefusedByGemini3Models(String model) {
        ClientException e = rejected(
                model, thinking(ThinkingConfig.builder().thinkingBudget(1024).build()));

        assertThat(e.code()).isEqualTo(400);
        assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.message())
                .contains("Thinking budget is not supported for this model. Please use thinking level instead.");
        assertThat(emu.counters()).containsEntry("bad_request", 1L).containsEntry("ok", 0L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.5-pro"})
    void aThinkingLevelIsRefusedByGemini25Models(String model) {
        ClientException e = rejected(
                model,
                thinking(ThinkingConfig.builder()
                        .thinkingLevel(ThinkingLevel.Known.LOW)
                        .build()));

        assertThat(e.code()).isEqualTo(400);
        assertThat(e.message()).contains("Thinking level is not supported for this model.");
    }

    @Test
    void minimalIsRefusedByGemini38FlashOnlyAndTheBodyIsGooglesShape() throws Exception {
        ClientException e = rejected(
                "gemini-3.8-flash",
                thinking(ThinkingConfig.builder()
                        .thinkingLevel(ThinkingLevel.Known.MINIMAL)
                        .build()));
        assertThat(e.message())
                .contains(
                        "Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.");

        GenerateContentResponse minimalOnLite = client.models.generateContent(
                "gemini-3.5-flash-lite",
                HELLO,
                thinking(ThinkingConfig.builder()
                        .thinkingLevel(ThinkingLevel.Known.MINIMAL)
                        .build()));
        assertThat(minimalOnLite.text()).startsWith("Hallo, hier ist Lisa!");

        HttpResponse<String> raw = Http.post(
                emu,
                "/v1beta/models/gemini-3.8-flash:generateContent",
                "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"Hi\"}]}],"
                        + " \"generationConfig\": {\"thinkingConfig\": {\"thinkingLevel\": \"MINIMAL\"}}}");
        assertThat(raw.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(raw.body());
        assertThat(body.path("error").path("code").asInt()).isEqualTo(400);
        assertThat(body.path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(body.path("error").path("message").asText())
                .isEqualTo(
                        "Thinking level MINIMAL is not supported for this model. Please retry with other thinking level.");
    }

    @Test
    void snakeCaseFieldsAreCheckedToo() throws Exception {
        HttpResponse<String> budget = Http.post(
                emu,
                "/v1beta/models/gemini-3.6-flash:generateContent",
                "{\"contents\": [{\"parts\": [{\"text\": \"Hi\"}]}],"
                        + " \"generation_config\": {\"thinking_config\": {\"thinking_budget\": 128}}}");
        HttpResponse<String> penalty = Http.post(
                emu,
                "/v1beta/models/gemini-3.5-flash-lite:generateContent",
                "{\"contents\": [{\"parts\": [{\"text\": \"Hi\"}]}],"
                        + " \"generation_config\": {\"presence_penalty\": 0.1}}");

        assertThat(budget.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(budget.body()).at("/error/message").asText())
                .startsWith("Thinking budget is not supported");
        assertThat(penalty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(penalty.body()).at("/error/message").asText())
                .isEqualTo("Penalty is not enabled for models/gemini-3.5-flash-lite");
    }

    @Test
    void levelAndBudgetTogetherAreRefusedWithTheLiveText() {
        ClientException e = rejected(
                "gemini-3.6-flash",
                thinking(ThinkingConfig.builder()
                        .thinkingLevel(ThinkingLevel.Known.LOW)
                        .thinkingBudget(512)
                        .build()));

        assertThat(e.message()).contains("You can only set only one of thinking budget and thinking level.");
    }

    @Test
    void gemini25ProCannotTurnThinkingOff() {
        ClientException e = rejected(
                "gemini-2.5-pro",
                thinking(ThinkingConfig.builder().thinkingBudget(0).build()));

        assertThat(e.message()).contains("Budget 0 is invalid. This model only works in thinking mode.");
    }

    @Test
    void penaltiesAreRefusedBy35FlashLiteAndSamplingSettingsIgnored() {
        ClientException frequency = rejected(
                "gemini-3.5-flash-lite",
                GenerateContentConfig.builder().frequencyPenalty(0.5f).build());
        ClientException presence = rejected(
                "gemini-3.5-flash-lite",
                GenerateContentConfig.builder().presencePenalty(0.5f).build());

        assertThat(frequency.message()).contains("Penalty is not enabled for models/gemini-3.5-flash-lite");
        assertThat(presence.message()).contains("Penalty is not enabled for models/gemini-3.5-flash-lite");
        GenerateContentResponse sampled = client.models.generateContent(
                "gemini-3.5-flash-lite",
                HELLO,
                GenerateContentConfig.builder()
                        .temperature(0.2f)
                        .topP(0.5f)
                        .topK(10f)
                        .build());
        assertThat(sampled.text()).startsWith("Hallo, hier ist Lisa!");
        GenerateContentResponse penalisedOnOtherModel = client.models.generateContent(
                "gemini-3.8-flash",
                HELLO,
                GenerateContentConfig.builder().frequencyPenalty(0.5f).build());
        assertThat(penalisedOnOtherModel.text()).startsWith("Hallo, hier ist Lisa!");
    }

    @Test
    void contentsEndingWithTheModelAreRefusedBy35FlashLite() {
        List<Content> prefill = List.of(
                Content.builder().role("user").parts(Part.fromText("Hallo")).build(),
                Content.builder()
                        .role("model")
                        .parts(Part.fromText("Guten Tag, ich"))
                        .build());

        ClientException e = rejected("gemini-3.5-flash-lite", prefill, null);

        assertThat(e.code()).isEqualTo(400);
        assertThat(e.message())
                .contains(
                        "Requests ending with a model turn are not supported unless the last part is a function response.");
        assertThat(client.models
                        .generateContent("gemini-3.8-flash", prefill, null)
                        .text())
                .startsWith("Hallo, hier ist Lisa!");
    }

    @Test
    void aRefusedRequestDoesNotUseUpAScriptedAnswer() {
        emu.script(ScriptedAnswer.text("Skript"));

        rejected(
                "gemini-3.5-flash-lite",
                GenerateContentConfig.builder().presencePenalty(1f).build());

        assertThat(client.models
                        .generateContent("gemini-3.5-flash-lite", HELLO, null)
                        .text())
                .isEqualTo("Skript");
    }

    @Test
    void thoughtTokensFollowTheLevelAndCountInTheTotal() {
        GenerateContentResponseUsageMetadata high = client.models
                .generateContent("gemini-3.8-flash", HELLO, null)
                .usageMetadata()
                .orElseThrow();
        GenerateContentResponseUsageMetadata low = client.models
                .generateContent(
                        "gemini-3.8-flash",
                        HELLO,
                        thinking(ThinkingConfig.builder()
                                .thinkingLevel(ThinkingLevel.Known.LOW)
                                .build()))
                .usageMetadata()
                .orElseThrow();
        GenerateContentResponseUsageMetadata minimal = client.models
                .generateContent("gemini-3.5-flash-lite", HELLO, null)
                .usageMetadata()
                .orElseThrow();
        GenerateContentResponseUsageMetadata budget = client.models
                .generateContent(
                        "gemini-2.5-flash",
                        HELLO,
                        thinking(ThinkingConfig.builder().thinkingBudget(400).build()))
                .usageMetadata()
                .orElseThrow();
        GenerateContentResponseUsageMetadata off = client.models
                .generateContent("gemini-2.5-flash", HELLO, null)
                .usageMetadata()
                .orElseThrow();

        assertThat(high.thoughtsTokenCount()).hasValue(1024); // 3.8-flash's default level HIGH
        assertThat(low.thoughtsTokenCount()).hasValue(64);
        assertThat(minimal.thoughtsTokenCount()).isEmpty(); // MINIMAL: 0, left out like every 0
        assertThat(budget.thoughtsTokenCount()).hasValue(100); // a quarter of the budget
        assertThat(off.thoughtsTokenCount()).isEmpty();
        for (GenerateContentResponseUsageMetadata usage : List.of(high, low, minimal, budget, off)) {
            assertThat(usage.totalTokenCount().orElseThrow())
                    .isEqualTo(usage.promptTokenCount().orElseThrow()
                            + usage.candidatesTokenCount().orElse(0)
                            + usage.thoughtsTokenCount().orElse(0));
        }
    }

    @Test
    void includeThoughtsAddsAThoughtPartBeforeTheReply() {
        GenerateContentResponse response = client.models.generateContent(
                "gemini-3.6-flash",
                HELLO,
                thinking(ThinkingConfig.builder().includeThoughts(true).build()));

        List<Part> parts = response.candidates()
                .orElseThrow()
                .get(0)
                .content()
                .orElseThrow()
                .parts()
                .orElseThrow();
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).thought()).hasValue(true);
        assertThat(parts.get(0).text().orElseThrow()).contains("MEDIUM");
        assertThat(parts.get(1).thought()).isEmpty();
        assertThat(response.text()).startsWith("Hallo, hier ist Lisa!"); // the SDK skips thoughts
    }

    @Test
    void aStreamWithThoughtsStartsWithAThoughtChunkAndCountsThemOnEveryChunk() {
        List<GenerateContentResponse> chunks = new java.util.ArrayList<>();
        try (com.google.genai.ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(
                "gemini-3.8-flash",
                HELLO,
                thinking(ThinkingConfig.builder()
                        .thinkingLevel(ThinkingLevel.Known.MEDIUM)
                        .includeThoughts(true)
                        .build()))) {
            stream.forEach(chunks::add);
        }

        Part first = chunks.get(0)
                .candidates()
                .orElseThrow()
                .get(0)
                .content()
                .orElseThrow()
                .parts()
                .orElseThrow()
                .get(0);
        assertThat(first.thought()).hasValue(true);
        assertThat(chunks)
                .allSatisfy(c -> assertThat(c.usageMetadata().orElseThrow().thoughtsTokenCount())
                        .hasValue(256));
        assertThat(chunks.stream().skip(1).map(GenerateContentResponse::text).reduce("", String::concat))
                .startsWith("Hallo, hier ist Lisa! Ich habe 1 Nachricht erhalten.");
    }

    @Test
    void unknownModelsOfAKnownFamilyGetItsRulesAndOthersNone() {
        assertThat(rejected(
                                "gemini-3.9-flash",
                                thinking(ThinkingConfig.builder()
                                        .thinkingBudget(100)
                                        .build()))
                        .code())
                .isEqualTo(400);
        GenerateContentResponse lax = client.models.generateContent(
                "some-future-model",
                HELLO,
                GenerateContentConfig.builder()
                        .frequencyPenalty(1f)
                        .thinkingConfig(
                                ThinkingConfig.builder().thinkingBudget(100).build())
                        .build());
        assertThat(lax.text()).startsWith("Hallo, hier ist Lisa!");
    }
}
