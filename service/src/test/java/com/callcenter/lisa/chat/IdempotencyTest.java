package com.callcenter.lisa.chat;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.ServiceTest;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A message sent again with its Idempotency-Key is answered once: one Gemini call, one turn. */
@Tag("database")
class IdempotencyTest extends ServiceTest {

    @Test
    void aRepeatInSequenceGetsTheSameAnswerWithoutAskingGeminiAgain() {
        String id = api.newSession();
        String key = UUID.randomUUID().toString();

        Api.Response first = chat(id, "Was kostet der Tarif?", key);
        Api.Response second = chat(id, "Was kostet der Tarif?", key);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json()).isEqualTo(first.json());
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void concurrentRepeatsWaitForTheFirstAndGetItsAnswer() throws Exception {
        String id = api.newSession();
        String key = UUID.randomUUID().toString();
        upstream.script(
                ScriptedAnswer.text("Gerne, der Tarif kostet 20 Euro im Monat.").delayed(Duration.ofMillis(800)));

        List<Api.Response> responses = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Api.Response>> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(clients.submit(() -> chat(id, "Was kostet der Tarif?", key)));
            }
            for (Future<Api.Response> response : sent) {
                responses.add(response.get());
            }
        }

        JsonNode first = responses.getFirst().json();
        assertThat(first.get("reply").asString()).isEqualTo("Gerne, der Tarif kostet 20 Euro im Monat.");
        for (Api.Response response : responses) {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(first);
        }
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void theSameKeyWithAnotherMessageIsRefusedAndChangesNothing() {
        String id = api.newSession();
        String key = UUID.randomUUID().toString();
        chat(id, "Erste Frage", key);

        Api.Response reused = chat(id, "Ganz andere Frage", key);

        assertProblem(reused, 422, "idempotency-key-reused");
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void aFailedRequestRunsAgainWhenRepeated() {
        String id = api.newSession();
        String key = UUID.randomUUID().toString();
        upstream.script(ScriptedAnswer.fixture(fixture("errors/503-overloaded.json")));

        Api.Response failed = chat(id, "Hallo", key);
        Api.Response repeated = chat(id, "Hallo", key);
        Api.Response again = chat(id, "Hallo", key);

        assertProblem(failed, 503, "upstream-unavailable");
        assertThat(repeated.status()).as(repeated.body()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(repeated.json());
        assertThat(upstream.requests()).hasSize(2);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void keysBelongToTheirSession() {
        String key = UUID.randomUUID().toString();
        String one = api.newSession();
        String other = api.newSession();

        chat(one, "Hallo", key);
        Api.Response elsewhere = chat(other, "Hallo", key);

        assertThat(elsewhere.status()).isEqualTo(200);
        assertThat(elsewhere.json().get("sessionId").asString()).isEqualTo(other);
        assertThat(upstream.requests()).hasSize(2);
    }

    @Test
    void aStreamedRepeatGetsTheStoredReplyAsOneDelta() {
        String id = api.newSession();
        String key = UUID.randomUUID().toString();

        EventStream.Result first = EventStream.chat(port, id, "Hallo", Map.of("Idempotency-Key", key));
        EventStream.Result second = EventStream.chat(port, id, "Hallo", Map.of("Idempotency-Key", key));
        Api.Response asJson = chat(id, "Hallo", key);

        JsonNode done = first.only("done").json();
        assertThat(second.only("done").json()).isEqualTo(done);
        assertThat(second.deltaText()).isEqualTo(done.get("reply").asString());
        assertThat(asJson.json()).isEqualTo(done);
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void malformedKeysAreRefused() {
        String id = api.newSession();
        for (String key : new String[] {"x".repeat(256), "mit leerzeichen", ""}) {
            Api.Response response = chat(id, "Hallo", key);
            assertProblem(response, 400, "invalid-idempotency-key");
        }
        assertThat(upstream.requests()).isEmpty();
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    private Api.Response chat(String sessionId, String message, String key) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + sessionId + "/chat"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("message", message)))));
    }
}
