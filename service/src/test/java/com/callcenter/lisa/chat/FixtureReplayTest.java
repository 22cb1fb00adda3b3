package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.ServiceTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Each recorded Gemini answer (emulator/src/test/resources/gemini-fixtures) replayed by the emulator as
 * the upstream answer, the unary ones to the JSON chat, the streamed ones to the streaming chat: what the client
 * gets, and what the history keeps. The 429 fixtures change the quota state and are in
 * {@link com.callcenter.lisa.quota.ThrottlingFixturesTest}.
 */
class FixtureReplayTest extends ServiceTest {

    private static final String FALLBACK = "Entschuldigung, dazu kann ich gerade nichts sagen.";
    private static final String FB = "firebase-vertexai-sdk-test-data/";

    /** fixture, HTTP status for the client, reply text it contains (or problem type), finish reason. */
    static Stream<Arguments> replies() {
        return Stream.of(
                Arguments.of(
                        FB + "googleai/unary-success-basic-reply-short.json",
                        "located in **Mountain View, California**",
                        "STOP",
                        22),
                Arguments.of(
                        FB + "googleai/unary-success-basic-reply-long.json",
                        "professional-quality coffee at home",
                        "STOP",
                        -1),
                Arguments.of(FB + "googleai/unary-failure-finish-reason-safety.json", FALLBACK, "SAFETY", 20),
                Arguments.of(
                        FB + "vertexai/unary-failure-prompt-blocked-safety.json", FALLBACK, "PROMPT_BLOCKED_SAFETY", 0),
                Arguments.of(FB + "googleai/unary-failure-only-prompt-feedback.json", FALLBACK, "PROMPT_BLOCKED", 0),
                Arguments.of(FB + "googleai/unary-failure-with-message-no-content.json", FALLBACK, "OTHER", -1),
                Arguments.of(
                        FB + "vertexai/unary-failure-unknown-enum-finish-reason.json",
                        null,
                        "FAKE_NEW_FINISH_REASON",
                        -1),
                Arguments.of(
                        "pydantic-ai/gen-max-tokens-gemini-2.5-flash.response.json",
                        "The capital of France is",
                        "MAX_TOKENS",
                        5),
                Arguments.of(
                        "pydantic-ai/gen-max-tokens-empty-content-gemini-2.5-pro.response.json",
                        FALLBACK,
                        "MAX_TOKENS",
                        -1),
                Arguments.of("pydantic-ai/gen-multiturn-gemini-2.5-flash.response.json", null, "STOP", -1),
                Arguments.of("pydantic-ai/gen-safety-blocked-gemini-1.5-flash.response.json", FALLBACK, "SAFETY", -1),
                Arguments.of("pydantic-ai/gen-system-instruction-gemini-2.0-flash.response.json", null, "STOP", -1),
                Arguments.of(
                        "pydantic-ai/gen-thoughts-count-gemini-2.5-pro.response.json",
                        "The capital of France is **Paris**.",
                        "STOP",
                        8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void replyFixtureGivesTheClient200(String file, String expectedText, String finishReason, int replyTokens) {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.fixture(fixture(file)));

        Api.Response response = api.chat(id, "Hallo Lisa");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode reply = response.json();
        String text = reply.get("reply").asString();
        assertThat(text).isNotBlank();
        if (expectedText != null) {
            assertThat(text).contains(expectedText);
        }
        assertThat(reply.get("finishReason").asString()).startsWith(finishReason);
        if (replyTokens >= 0) {
            assertThat(reply.get("usage").get("replyTokens").asInt()).isEqualTo(replyTokens);
        }
        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).get("content").asString()).isEqualTo(text);
    }

    @org.junit.jupiter.api.Test
    void thoughtSummaryIsNotPartOfTheReply() {
        String id = api.newSession();
        upstream.script(
                ScriptedAnswer.fixture(fixture(FB + "googleai/unary-success-thinking-reply-thought-summary.json")));

        JsonNode reply = api.chat(id, "Hallo").json();

        JsonNode recorded = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(readFixture(FB + "googleai/unary-success-thinking-reply-thought-summary.json"));
        StringBuilder visible = new StringBuilder();
        StringBuilder thoughts = new StringBuilder();
        for (JsonNode part : recorded.get("candidates").get(0).get("content").get("parts")) {
            (part.path("thought").asBoolean(false) ? thoughts : visible)
                    .append(part.get("text").asString());
        }
        assertThat(thoughts).isNotEmpty();
        assertThat(reply.get("reply").asString()).isEqualTo(visible.toString());
        assertThat(reply.get("reply").asString())
                .doesNotContain(thoughts.toString().substring(0, 40));
    }

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of(FB + "googleai/unary-failure-api-key.json", 502, "upstream-rejected", null),
                // a 404 for the model: the model is gone (no fallback configured here)
                Arguments.of(FB + "googleai/unary-failure-unknown-model.json", 503, "model-unavailable", null),
                Arguments.of(
                        FB + "googleai/unary-failure-generativelanguage-api-not-enabled.json",
                        502,
                        "upstream-rejected",
                        null),
                Arguments.of("vercel-ai/issue-8943-gemini-2.5-flash-error.json", 502, "upstream-rejected", null),
                Arguments.of("errors/500-internal.json", 503, "upstream-unavailable", null),
                Arguments.of("errors/503-overloaded.json", 503, "upstream-unavailable", null),
                Arguments.of("errors/504-deadline-exceeded.json", 504, "upstream-timeout", null),
                Arguments.of("errors/400-input-too-long.json", 502, "upstream-rejected", null),
                Arguments.of("errors/403-api-key-leaked.json", 502, "upstream-rejected", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void errorFixtureGivesAProblemAndStoresNothing(String file, int status, String type, String retryAfter) {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.fixture(fixture(file)));

        Api.Response response = api.chat(id, "Hallo");

        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("type").asString()).isEqualTo("urn:lisa:problem:" + type);
        if (status == 503) {
            assertThat(response.header("Retry-After")).isNotBlank();
        }
        if (retryAfter != null) {
            assertThat(response.header("Retry-After")).isEqualTo(retryAfter);
        }
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    /** streamed fixture, text the reply contains (null: any), finish reason. */
    static Stream<Arguments> streams() {
        return Stream.of(
                Arguments.of(FB + "googleai/streaming-success-basic-reply-short.txt", "Cheyenne", "STOP"),
                Arguments.of(FB + "googleai/streaming-success-basic-reply-long.txt", null, "STOP"),
                Arguments.of(FB + "googleai/streaming-success-thinking-reply-thought-summary.txt", null, "STOP"),
                Arguments.of(FB + "googleai/streaming-success-finish-message.txt", null, "STOP"),
                Arguments.of(
                        FB + "googleai/streaming-failure-prompt-blocked-safety.txt", FALLBACK, "PROMPT_BLOCKED_SAFETY"),
                Arguments.of(FB + "googleai/streaming-failure-recitation-no-content.txt", FALLBACK, "RECITATION"),
                Arguments.of(FB + "vertexai/streaming-failure-finish-reason-safety.txt", FALLBACK, "SAFETY"),
                // Its error object after two chunks is not framed as an SSE event, so the SDK (like any SSE
                // reader) never sees it: the two chunks, both finished with STOP, are the reply.
                Arguments.of(FB + "vertexai/streaming-failure-error-mid-stream.txt", "First Second", "STOP"),
                Arguments.of("pydantic-ai/stream-sse-gemini-2.0-flash-exp.response.sse", null, "STOP"),
                Arguments.of("pydantic-ai/stream-sse-thoughts-gemini-2.5-flash.response.sse", null, "STOP"),
                Arguments.of("vercel-ai/google-stream-gemini-3.7-flash-2026-09-14.chunks.txt", null, "STOP"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void streamFixtureThroughTheStreamingChat(String file, String expectedText, String finishReason) {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.fixture(fixture(file)));

        EventStream.Result stream = EventStream.chat(port, id, "Hallo Lisa");

        assertThat(stream.status()).as(stream.body()).isEqualTo(200);
        assertThat(stream.named("error")).isEmpty();
        JsonNode reply = stream.only("done").json();
        String text = reply.get("reply").asString();
        assertThat(text).isNotBlank();
        if (expectedText != null) {
            assertThat(text).contains(expectedText);
        }
        if (!text.startsWith(FALLBACK)) {
            assertThat(stream.deltaText()).isEqualTo(text);
        }
        assertThat(reply.get("finishReason").asString()).isEqualTo(finishReason);
        assertThat(upstream.requests().getFirst().path()).contains(":streamGenerateContent");
        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).get("content").asString()).isEqualTo(text);
    }

    @org.junit.jupiter.api.Test
    void streamedThoughtsAreNeverSent() {
        String file = FB + "googleai/streaming-success-thinking-reply-thought-summary.txt";
        upstream.script(ScriptedAnswer.fixture(fixture(file)));

        EventStream.Result stream = EventStream.chat(port, api.newSession(), "Hallo");

        StringBuilder thoughts = new StringBuilder();
        for (String line : readFixture(file).split("\\R")) {
            if (line.startsWith("data:")) {
                JsonNode chunk =
                        tools.jackson.databind.json.JsonMapper.builder().build().readTree(line.substring(5));
                for (JsonNode part :
                        chunk.path("candidates").path(0).path("content").path("parts")) {
                    if (part.path("thought").asBoolean(false)) {
                        thoughts.append(part.get("text").asString());
                    }
                }
            }
        }
        assertThat(thoughts).isNotEmpty();
        assertThat(stream.deltaText())
                .isNotBlank()
                .doesNotContain(thoughts.toString().substring(0, 30));
        assertThat(stream.deltaText())
                .isEqualTo(stream.only("done").json().get("reply").asString());
    }

    private static String readFixture(String relative) {
        try {
            return java.nio.file.Files.readString(fixture(relative));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
