package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.EmulatorReply;
import com.callcenter.lisa.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The input budget and the fallback line are configuration, applied end to end. */
@TestPropertySource(
        properties = {
            // Lisa's instruction (prompt + sample catalogue) is ~1,000 tokens; this leaves ~1,000 for history and
            // message.
            "lisa.chat.max-input-tokens=2100",
            "lisa.chat.fallback-reply=Einen Moment bitte, das muss ich nachsehen.",
            "lisa.gemini.generation.temperature=0.4",
            "lisa.gemini.generation.max-output-tokens=300",
            // A model that takes a custom temperature (gemini-3.5-flash-lite ignores it) and no MINIMAL level.
            "lisa.gemini.model=gemini-3.8-flash",
            "lisa.gemini.generation.thinking-level=LOW",
            "lisa.gemini.safety.HARM_CATEGORY_HARASSMENT=BLOCK_ONLY_HIGH"
        })
class HistoryTrimmingTest extends ServiceTest {

    @Test
    void oldTurnsAreLeftOutOfTheCallButKeptInTheHistory() {
        String id = api.newSession();
        String padding = " bitte ausführlich".repeat(20); // ~360 characters, ~90 tokens per message
        int lastCount = 0;
        for (int t = 1; t <= 8; t++) {
            JsonNode reply = api.chat(id, "Frage " + t + padding).json();
            lastCount = EmulatorReply.contentsCount(reply.get("reply").asString());
            assertThat(lastCount % 2).as("whole turns only").isEqualTo(1);
        }

        assertThat(lastCount).isLessThan(15);
        assertThat(lastCount).isGreaterThan(1);
        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(16);
        assertThat(messages.get(0).get("content").asString()).startsWith("Frage 1 ");
    }

    @Test
    void generationAndSafetySettingsAreSentWithEveryTurn() {
        api.chat(api.newSession(), "Hallo");

        JsonNode sent = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(upstream.requests().getLast().body());
        JsonNode generation = sent.get("generationConfig");
        assertThat(generation.get("temperature").asDouble()).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(generation.get("maxOutputTokens").asInt()).isEqualTo(300);
        assertThat(generation.get("thinkingConfig").get("thinkingLevel").asText())
                .isEqualTo("LOW");
        assertThat(generation.get("thinkingConfig").has("thinkingBudget")).isFalse();
        assertThat(sent.get("safetySettings").get(0).get("category").asString()).isEqualTo("HARM_CATEGORY_HARASSMENT");
        assertThat(sent.get("safetySettings").get(0).get("threshold").asString())
                .isEqualTo("BLOCK_ONLY_HIGH");
    }

    @Test
    void emptyReplyGivesTheConfiguredFallback() {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.fixture(
                fixture("pydantic-ai/gen-max-tokens-empty-content-gemini-2.5-pro.response.json")));

        JsonNode reply = api.chat(id, "Hallo").json();

        assertThat(reply.get("reply").asString()).isEqualTo("Einen Moment bitte, das muss ich nachsehen.");
        assertThat(reply.get("finishReason").asString()).isEqualTo("MAX_TOKENS");
    }
}
