package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestPostgres;
import com.callcenter.lisa.support.TestUpstream;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generation settings are checked at start-up against the model table for the primary and every
 * fallback model: what a model rejects stops the start with what to set instead, what it ignores is a
 * warning and is not sent, an unknown model warns and still works. Started as an operator would
 * (command-line settings), talking to the emulator over HTTP through the SDK.
 */
@ExtendWith(OutputCaptureExtension.class)
class ModelRulesStartupTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final GeminiEmulator upstream = TestUpstream.emulator();

    @BeforeEach
    void resetUpstream() {
        upstream.reset();
    }

    @Test
    void gemini3ModelRefusesAThinkingBudget(CapturedOutput output) {
        assertRefused(
                output,
                new String[] {"--lisa.gemini.generation.thinking-budget=512"},
                "lisa.gemini.generation.thinking-budget=512 is not accepted by gemini-3.5-flash-lite (Gemini 3 models "
                        + "take thinking-level); set lisa.gemini.generation.thinking-level=LOW instead, or remove it.");
    }

    @Test
    void gemini25ModelRefusesAThinkingLevel(CapturedOutput output) {
        assertRefused(
                output,
                new String[] {"--lisa.gemini.model=gemini-2.5-flash-lite", "--lisa.gemini.generation.thinking-level=LOW"
                },
                "lisa.gemini.generation.thinking-level=LOW is not accepted by gemini-2.5-flash-lite (Gemini 2.5 models "
                        + "take thinking-budget); set lisa.gemini.generation.thinking-budget=1024");
    }

    @Test
    void flash38RefusesTheMinimalLevel(CapturedOutput output) {
        assertRefused(
                output,
                new String[] {"--lisa.gemini.model=gemini-3.8-flash", "--lisa.gemini.generation.thinking-level=MINIMAL"
                },
                "lisa.gemini.generation.thinking-level=MINIMAL is not accepted by gemini-3.8-flash (it takes LOW, "
                        + "MEDIUM, HIGH); set lisa.gemini.generation.thinking-level=LOW instead, or remove it.");
    }

    @Test
    void flashLiteRefusesAFrequencyPenalty(CapturedOutput output) {
        assertRefused(
                output,
                new String[] {"--lisa.gemini.generation.frequency-penalty=0.5"},
                "lisa.gemini.generation.frequency-penalty=0.5 is not accepted by gemini-3.5-flash-lite");
    }

    @Test
    void aFallbackModelThatRejectsASettingStopsTheStartToo(CapturedOutput output) {
        // The primary takes a presence penalty; the fallback would answer every turn with an error.
        assertRefused(
                output,
                new String[] {
                    "--lisa.gemini.model=gemini-2.5-flash-lite",
                    "--lisa.gemini.generation.presence-penalty=0.3",
                    "--lisa.quota.fallback-models[0].name=gemini-3.5-flash-lite"
                },
                "lisa.gemini.generation.presence-penalty=0.3 is not accepted by gemini-3.5-flash-lite");
        assertThat(output.getAll()).doesNotContain("is not accepted by gemini-2.5-flash-lite");
    }

    @Test
    void aSettingTheModelIgnoresOnlyWarnsAndIsNotSent(CapturedOutput output) {
        try (ServiceProcess service =
                start("--lisa.gemini.generation.temperature=0.7", "--lisa.gemini.generation.top-k=40")) {
            JsonNode reply = chat(service);

            assertThat(reply.get("model").asString()).isEqualTo("gemini-3.5-flash-lite");
            assertThat(output.getAll())
                    .containsPattern("WARN .*lisa.gemini.generation.temperature=0.7 has no effect on "
                            + "gemini-3.5-flash-lite .*it is not sent to that model")
                    .containsPattern("WARN .*lisa.gemini.generation.top-k=40 has no effect on gemini-3.5-flash-lite");
            JsonNode config = lastGenerationConfig();
            assertThat(config.has("temperature")).as(config.toString()).isFalse();
            assertThat(config.has("topK")).as(config.toString()).isFalse();
            assertThat(config.get("maxOutputTokens").asInt()).isEqualTo(1024);
        }
    }

    @Test
    void settingsAModelTakesAreSent() {
        try (ServiceProcess service = start(
                "--lisa.gemini.model=gemini-2.5-flash-lite",
                "--lisa.gemini.generation.temperature=0.7",
                "--lisa.gemini.generation.top-p=0.9",
                "--lisa.gemini.generation.top-k=40",
                "--lisa.gemini.generation.frequency-penalty=0.5",
                "--lisa.gemini.generation.presence-penalty=0.25",
                "--lisa.gemini.generation.thinking-budget=0")) {
            chat(service);

            JsonNode config = lastGenerationConfig();
            assertThat(config.get("temperature").asDouble()).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(config.get("topP").asDouble()).isEqualTo(0.9, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(config.get("topK").asDouble()).isEqualTo(40);
            assertThat(config.get("frequencyPenalty").asDouble()).isEqualTo(0.5);
            assertThat(config.get("presencePenalty").asDouble()).isEqualTo(0.25);
            assertThat(config.get("thinkingConfig").get("thinkingBudget").asInt())
                    .isZero();
            assertThat(config.get("thinkingConfig").has("thinkingLevel")).isFalse();
        }
    }

    @Test
    void aGemini3ModelIsSentTheThinkingLevelAndNeverABudget() {
        try (ServiceProcess service = start("--lisa.gemini.generation.thinking-level=low")) {
            chat(service);

            RecordedRequest request = lastGeneration();
            assertThat(request.model()).isEqualTo("gemini-3.5-flash-lite");
            JsonNode thinking =
                    JSON.readTree(request.body()).get("generationConfig").get("thinkingConfig");
            assertThat(thinking.get("thinkingLevel").asString()).isEqualTo("LOW");
            assertThat(thinking.has("thinkingBudget")).as(thinking.toString()).isFalse();
        }
    }

    @Test
    void mixedFamiliesGetEachTheirOwnThinkingSetting(CapturedOutput output) {
        // A Gemini 3 primary and a Gemini 2.5 fallback: thinking-level goes to the one, thinking-budget to
        // the other. The primary may serve one request a minute, so the second message goes to the fallback.
        try (ServiceProcess service = start(
                "--lisa.gemini.generation.thinking-level=LOW",
                "--lisa.gemini.generation.thinking-budget=0",
                "--lisa.quota.budget.requests-per-minute=1",
                "--lisa.quota.max-wait=5s",
                "--lisa.quota.fallback-models[0].name=gemini-2.5-flash-lite",
                "--lisa.quota.fallback-models[0].budget.requests-per-minute=0")) {
            String id = service.api().newSession();
            JsonNode first = service.api().chat(id, "eins").json();
            JsonNode second = service.api().chat(id, "zwei").json();

            assertThat(first.get("model").asString()).isEqualTo("gemini-3.5-flash-lite");
            assertThat(second.get("model").asString()).isEqualTo("gemini-2.5-flash-lite");
            List<RecordedRequest> sent = generations();
            JsonNode primary =
                    JSON.readTree(sent.get(0).body()).get("generationConfig").get("thinkingConfig");
            JsonNode fallback =
                    JSON.readTree(sent.get(1).body()).get("generationConfig").get("thinkingConfig");
            assertThat(primary.toString()).isEqualTo("{\"thinkingLevel\":\"LOW\"}");
            assertThat(fallback.toString()).isEqualTo("{\"thinkingBudget\":0}");
            assertThat(output.getAll()).doesNotContain("is not accepted by");
        }
    }

    @Test
    void aFallbackOfAnotherFamilyWithoutItsThinkingSettingThinksAtItsDefault(CapturedOutput output) {
        try (ServiceProcess service = start(
                "--lisa.gemini.generation.thinking-level=LOW",
                "--lisa.quota.fallback-models[0].name=gemini-2.5-flash-lite")) {
            assertThat(output.getAll())
                    .containsPattern("WARN .*gemini-2.5-flash-lite is not sent "
                            + "lisa.gemini.generation.thinking-level=LOW \\(Gemini 2.5 models take thinking-budget\\) and thinks "
                            + "at its default; set lisa.gemini.generation.thinking-budget to choose for it.");
            assertThat(service.bean(GenerationPlan.class)
                            .configFor("gemini-2.5-flash-lite")
                            .thinkingConfig())
                    .isEmpty();
            chat(service);
            assertThat(lastGenerationConfig()
                            .get("thinkingConfig")
                            .get("thinkingLevel")
                            .asString())
                    .isEqualTo("LOW");
        }
    }

    @Test
    void aModelTheTableDoesNotKnowWarnsAndWorksByItsFamilysRules(CapturedOutput output) {
        try (ServiceProcess service =
                start("--lisa.gemini.model=gemini-3.9-pro", "--lisa.gemini.generation.thinking-level=HIGH")) {
            JsonNode reply = chat(service);

            assertThat(output.getAll())
                    .containsPattern("WARN .*Model gemini-3.9-pro is not in the model table "
                            + "\\(gemini/models.yml\\): it is treated by the rules of its family, Gemini 3");
            assertThat(reply.get("model").asString()).isEqualTo("gemini-3.9-pro");
            assertThat(lastGeneration().model()).isEqualTo("gemini-3.9-pro");
            assertThat(lastGenerationConfig()
                            .get("thinkingConfig")
                            .get("thinkingLevel")
                            .asString())
                    .isEqualTo("HIGH");
        }
        // By its family's rules a budget is refused for it too.
        assertThatThrownBy(() -> start(
                                "--lisa.gemini.model=gemini-3.9-pro", "--lisa.gemini.generation.thinking-budget=512")
                        .close())
                .hasRootCauseInstanceOf(GenerationSettingsRejectedException.class);
    }

    @Test
    void aModelOfNoKnownFamilyWarnsAndIsSentWhatIsConfigured(CapturedOutput output) {
        try (ServiceProcess service =
                start("--lisa.gemini.model=acme-chat-1", "--lisa.gemini.generation.thinking-budget=128")) {
            JsonNode reply = chat(service);

            assertThat(output.getAll())
                    .containsPattern("WARN .*Model acme-chat-1 is not in the model table "
                            + "\\(gemini/models.yml\\) and matches no model family");
            assertThat(reply.get("model").asString()).isEqualTo("acme-chat-1");
            assertThat(lastGenerationConfig()
                            .get("thinkingConfig")
                            .get("thinkingBudget")
                            .asInt())
                    .isEqualTo(128);
        }
    }

    @Test
    void withoutGeminiModelTheDefaultIsGemini35FlashLite() {
        try (ServiceProcess service = start()) {
            JsonNode reply = chat(service);

            assertThat(reply.get("model").asString()).isEqualTo("gemini-3.5-flash-lite");
            assertThat(service.api()
                            .get("/api/v1/health")
                            .json()
                            .get("upstream")
                            .get("model")
                            .asString())
                    .isEqualTo("gemini-3.5-flash-lite");
            assertThat(lastGeneration().path()).startsWith("/v1beta/models/gemini-3.5-flash-lite:generateContent");
        }
    }

    private static void assertRefused(CapturedOutput output, String[] settings, String expected) {
        assertThatThrownBy(() -> start(settings).close())
                .hasRootCauseInstanceOf(GenerationSettingsRejectedException.class);
        assertThat(output.getAll())
                .contains("Generation settings that a configured Gemini model answers with an error")
                .contains(expected)
                .contains("GEMINI_MODEL, lisa.quota.fallback-models[i].name");
    }

    private static ServiceProcess start(String... settings) {
        String database =
                TestDatabases.postgres() ? TestPostgres.freshDatabase() : "jdbc:h2:file:" + TestDatabases.freshH2File();
        return ServiceProcess.start(upstream.baseUrl(), database, settings);
    }

    private static JsonNode chat(ServiceProcess service) {
        var response = service.api().chat(service.api().newSession(), "Hallo");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<RecordedRequest> generations() {
        return upstream.requests().stream()
                .filter(r -> "generateContent".equals(r.kind()))
                .toList();
    }

    private static RecordedRequest lastGeneration() {
        return generations().getLast();
    }

    private static JsonNode lastGenerationConfig() {
        return JSON.readTree(lastGeneration().body()).get("generationConfig");
    }
}
