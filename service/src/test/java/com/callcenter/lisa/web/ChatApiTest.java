package com.callcenter.lisa.web;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EmulatorReply;
import com.callcenter.lisa.support.ServiceTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One chat turn over the API: the reply contract, what Gemini is sent, and every error status. */
class ChatApiTest extends ServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Each turn's config is built once per instruction: two conversations of different callers never mix theirs. */
    @Test
    void eachConversationSendsItsOwnCallContextOnEveryTurn() {
        Map<String, String> sessions = Map.of(
                "Erika Muster", session("{\"context\": {\"customer\": {\"name\": \"Erika Muster\"}}}"),
                "Max Beispiel", session("{\"context\": {\"customer\": {\"name\": \"Max Beispiel\"}}}"));
        for (int turn = 1; turn <= 2; turn++) {
            for (var session : sessions.entrySet()) {
                assertThat(api.chat(session.getValue(), "Frage " + turn).status())
                        .isEqualTo(200);
                String instruction = JSON.readTree(upstream.requests().getLast().body())
                        .get("systemInstruction")
                        .toString();
                assertThat(instruction).contains(session.getKey());
                sessions.keySet().stream()
                        .filter(other -> !other.equals(session.getKey()))
                        .forEach(other -> assertThat(instruction).doesNotContain(other));
            }
        }
    }

    private String session(String body) {
        Api.Response created = api.post("/api/v1/sessions", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    @Test
    void replyHasTheContractFields() {
        String id = api.newSession();

        Api.Response response = api.chat(id, "Was kostet der Tarif?");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode reply = response.json();
        assertThat(reply.get("sessionId").asString()).isEqualTo(id);
        assertThat(EmulatorReply.lastMessage(reply.get("reply").asString())).isEqualTo("Was kostet der Tarif?");
        assertThat(EmulatorReply.contentsCount(reply.get("reply").asString())).isEqualTo(1);
        assertThat(reply.get("finishReason").asString()).isEqualTo("STOP");
        assertThat(reply.get("model").asString()).isEqualTo("gemini-3.5-flash-lite");
        JsonNode usage = reply.get("usage");
        assertThat(usage.get("promptTokens").asInt()).isPositive();
        assertThat(usage.get("replyTokens").asInt()).isPositive();
        assertThat(usage.get("totalTokens").asInt())
                .isEqualTo(usage.get("promptTokens").asInt()
                        + usage.get("replyTokens").asInt());
        assertThat(Instant.parse(reply.get("createdAt").asString()))
                .isBefore(Instant.now().plusSeconds(1));
    }

    @Test
    void geminiSeesPersonaAndWholeHistoryInOrder() {
        String id = api.newSession();
        api.chat(id, "Erste Frage");
        api.chat(id, "Zweite Frage");

        JsonNode third = api.chat(id, "Dritte Frage").json();

        // The emulator states how many contents it got: 2 earlier turns (4 entries) + the new message.
        assertThat(EmulatorReply.contentsCount(third.get("reply").asString())).isEqualTo(5);
        assertThat(EmulatorReply.lastMessage(third.get("reply").asString())).isEqualTo("Dritte Frage");
        RecordedRequest last = upstream.requests().getLast();
        JsonNode sent = JSON.readTree(last.body());
        assertThat(last.path()).startsWith("/v1beta/models/gemini-3.5-flash-lite:generateContent");
        assertThat(sent.get("systemInstruction").toString()).contains("Lisa");
        JsonNode contents = sent.get("contents");
        assertThat(contents).hasSize(5);
        assertThat(contents.get(0).get("role").asString()).isEqualTo("user");
        assertThat(contents.get(0).get("parts").get(0).get("text").asString()).isEqualTo("Erste Frage");
        assertThat(contents.get(1).get("role").asString()).isEqualTo("model");
        assertThat(contents.get(2).get("parts").get(0).get("text").asString()).isEqualTo("Zweite Frage");
        assertThat(contents.get(3).get("role").asString()).isEqualTo("model");
        assertThat(contents.get(4).get("parts").get(0).get("text").asString()).isEqualTo("Dritte Frage");

        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(messages.get(i).get("role").asString()).isEqualTo(i % 2 == 0 ? "user" : "assistant");
            assertThat(messages.get(i).get("createdAt").asString()).isNotBlank();
        }
        assertThat(messages.get(5).get("content").asString())
                .isEqualTo(third.get("reply").asString());
    }

    @Test
    void sendsConfiguredGenerationSettings() {
        String id = api.newSession();
        api.chat(id, "Hallo");
        JsonNode sent = JSON.readTree(upstream.requests().getLast().body());
        assertThat(sent.get("generationConfig").get("maxOutputTokens").asInt()).isEqualTo(1024);
    }

    @Test
    void blankMessageIs400AndChangesNothing() {
        String id = api.newSession();
        assertProblem(api.chat(id, "   "), 400, "blank-message");
        assertProblem(api.post("/api/v1/sessions/" + id + "/chat", "{}"), 400, "blank-message");
        assertThat(upstream.requests()).isEmpty();
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    @Test
    void messageOverTheLimitIs400() {
        String id = api.newSession();
        assertThat(api.chat(id, "x".repeat(4000)).status()).isEqualTo(200);
        Api.Response tooLong = api.chat(id, "x".repeat(4001));
        assertProblem(tooLong, 400, "message-too-long");
        assertThat(tooLong.json().get("detail").asString()).contains("4001").contains("4000");
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void malformedChatBodyIs400() {
        String id = api.newSession();
        assertProblem(api.post("/api/v1/sessions/" + id + "/chat", "not json"), 400, "invalid-request");
        assertProblem(api.post("/api/v1/sessions/" + id + "/chat", "[1,2]"), 400, "invalid-request");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void bodyOverTheSizeLimitIs413() {
        String id = api.newSession();
        String big = Api.json(Map.of("message", "x".repeat(70 * 1024)));
        assertProblem(api.post("/api/v1/sessions/" + id + "/chat", big), 413, "payload-too-large");

        // Without a Content-Length (chunked), the limit applies while reading.
        Api.Response chunked = api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + id + "/chat"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))));
        assertProblem(chunked, 413, "payload-too-large");
        assertThat(upstream.requests()).isEmpty();
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    @Test
    void overloadedAndInternalErrorsAre503() {
        String id = api.newSession();
        upstream.script(
                ScriptedAnswer.fixture(fixture("errors/503-overloaded.json")),
                ScriptedAnswer.fixture(fixture("errors/500-internal.json")));

        Api.Response overloaded = api.chat(id, "Hallo");
        assertProblem(overloaded, 503, "upstream-unavailable");
        assertThat(overloaded.header("Retry-After")).isNotBlank();
        assertThat(overloaded.json().get("detail").asString()).contains("overloaded");
        Api.Response internal = api.chat(id, "Hallo");
        assertProblem(internal, 503, "upstream-unavailable");
        assertThat(internal.header("Retry-After")).isNotBlank();
        assertUnchanged(id);
    }

    @Test
    void upstreamDeadlineExceededIs504() {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.fixture(fixture("errors/504-deadline-exceeded.json")));
        assertProblem(api.chat(id, "Hallo"), 504, "upstream-timeout");
        assertUnchanged(id);
    }

    @Test
    void permanentRejectionsAre502WithActionableDetail() {
        String id = api.newSession();
        upstream.script(
                ScriptedAnswer.fixture(fixture("errors/400-input-too-long.json")),
                ScriptedAnswer.fixture(fixture("errors/403-api-key-leaked.json")),
                ScriptedAnswer.fixture(
                        fixture("firebase-vertexai-sdk-test-data/googleai/unary-failure-unknown-model.json")));

        Api.Response tooLong = api.chat(id, "Hallo");
        assertProblem(tooLong, 502, "upstream-rejected");
        assertThat(tooLong.json().get("detail").asString()).contains("400").contains("token");
        assertThat(tooLong.json().get("upstreamStatus").asInt()).isEqualTo(400);
        assertThat(tooLong.header("Retry-After")).isNull();

        Api.Response leaked = api.chat(id, "Hallo");
        assertProblem(leaked, 502, "upstream-rejected");
        assertThat(leaked.json().get("detail").asString()).contains("403").containsIgnoringCase("leaked");

        // a 404 for the model means the model is gone: 503 model-unavailable, naming what to set
        Api.Response unknownModel = api.chat(id, "Hallo");
        assertProblem(unknownModel, 503, "model-unavailable");
        assertThat(unknownModel.json().get("detail").asString()).contains("404").contains("GEMINI_MODEL");
        assertUnchanged(id);
    }

    @Test
    void connectionDroppedIs503AndStoresNothing() {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.dropAfter("{\"candidates\": [", 200, "application/json"));
        Api.Response response = api.chat(id, "Hallo");
        assertThat(response.status()).as(response.body()).isIn(503, 504);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertUnchanged(id);
    }

    @Test
    void aFailedTurnLeavesTheNextTurnUnaffected() {
        String id = api.newSession();
        api.chat(id, "Erste");
        upstream.script(ScriptedAnswer.fixture(fixture("errors/503-overloaded.json")));
        assertThat(api.chat(id, "Zweite").status()).isEqualTo(503);

        JsonNode retried = api.chat(id, "Zweite").json();

        assertThat(EmulatorReply.contentsCount(retried.get("reply").asString())).isEqualTo(3);
        assertThat(EmulatorReply.lastMessage(retried.get("reply").asString())).isEqualTo("Zweite");
        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(2).get("content").asString()).isEqualTo("Zweite");
    }

    @Test
    void healthReportsUpstreamOutcomesWithoutCallingGemini() {
        String id = api.newSession();
        api.chat(id, "Hallo");
        int calls = upstream.requests().size();

        JsonNode up = api.get("/api/v1/health").json();
        assertThat(up.get("status").asString()).isEqualTo("UP");
        assertThat(up.get("database").get("status").asString()).isEqualTo("UP");
        assertThat(up.get("upstream").get("mode").asString()).isEqualTo("google");
        assertThat(up.get("upstream").get("lastSuccess").asString()).isNotBlank();

        upstream.script(ScriptedAnswer.fixture(fixture("errors/503-overloaded.json")));
        api.chat(id, "Hallo");
        Api.Response degraded = api.get("/api/v1/health");
        assertThat(degraded.status()).isEqualTo(200);
        assertThat(degraded.json().get("status").asString()).isEqualTo("DEGRADED");
        assertThat(degraded.json().get("upstream").get("lastError").get("kind").asString())
                .isEqualTo("UNAVAILABLE");
        assertThat(degraded.json()
                        .get("upstream")
                        .get("lastError")
                        .get("upstreamStatus")
                        .asInt())
                .isEqualTo(503);

        api.chat(id, "Hallo");
        assertThat(api.get("/api/v1/health").json().get("status").asString()).isEqualTo("UP");
        assertThat(upstream.requests()).hasSize(calls + 2);
    }

    private void assertUnchanged(String id) {
        JsonNode session = api.get("/api/v1/sessions/" + id).json();
        assertThat(session.get("messages")).isEmpty();
        assertThat(session.get("status").asString()).isEqualTo("active");
    }
}
