package com.callcenter.lisa.web;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The REST contract of sessions: shapes, status codes and problem types. */
@Tag("database")
class SessionApiTest extends ServiceTest {

    @Test
    void createsSessionWithoutBody() {
        Api.Response created = api.post("/api/v1/sessions", null);

        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.get("id").asString();
        assertThat(UUID.fromString(id).version()).isEqualTo(4);
        assertThat(created.header("Location")).isEqualTo("/api/v1/sessions/" + id);
        assertThat(body.get("status").asString()).isEqualTo("active");
        assertThat(body.get("persona").asString()).isEqualTo("lisa");
        assertThat(body.get("createdAt").asString()).isNotBlank();
        assertThat(body.get("lastActivity").asString()).isNotBlank();
        assertThat(body.get("metadata").isObject()).isTrue();
        assertThat(body.get("messages").isArray()).isTrue();
        assertThat(body.get("messages")).isEmpty();
        // read back from the store: a session without metadata has an empty object, as created
        assertThat(api.get("/api/v1/sessions/" + id).json().get("metadata").toString())
                .isEqualTo("{}");
    }

    @Test
    void createsSessionWithPersonaAndMetadata() {
        Api.Response created = api.post(
                "/api/v1/sessions",
                Api.json(Map.of("persona", "lisa", "metadata", Map.of("customer", "K-1001", "campaign", "winter"))));

        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();
        JsonNode read = api.get("/api/v1/sessions/" + id).json();
        assertThat(read.get("metadata").get("customer").asString()).isEqualTo("K-1001");
        assertThat(read.get("metadata").get("campaign").asString()).isEqualTo("winter");
    }

    @Test
    void sessionIdsAreUniqueAndRandom() {
        String a = api.newSession();
        String b = api.newSession();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void refusesTooMuchMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 17; i++) {
            metadata.put("k" + i, "v");
        }
        assertProblem(api.post("/api/v1/sessions", Api.json(Map.of("metadata", metadata))), 400, "invalid-request");
    }

    @Test
    void refusesMetadataKeyOrValueTooLong() {
        assertProblem(
                api.post("/api/v1/sessions", Api.json(Map.of("metadata", Map.of("k".repeat(65), "v")))),
                400,
                "invalid-request");
        assertProblem(
                api.post("/api/v1/sessions", Api.json(Map.of("metadata", Map.of("k", "v".repeat(513))))),
                400,
                "invalid-request");
        Api.Response atLimit =
                api.post("/api/v1/sessions", Api.json(Map.of("metadata", Map.of("k".repeat(64), "v".repeat(512)))));
        assertThat(atLimit.status()).isEqualTo(201);
    }

    @Test
    void refusesNonStringMetadataValues() {
        assertProblem(api.post("/api/v1/sessions", "{\"metadata\": {\"k\": {\"nested\": 1}}}"), 400, "invalid-request");
    }

    @Test
    void refusesUnknownPersona() {
        Api.Response response = api.post("/api/v1/sessions", Api.json(Map.of("persona", "bob")));
        assertProblem(response, 400, "unknown-persona");
        assertThat(response.json().get("detail").asString()).contains("bob").contains("lisa");
    }

    @Test
    void refusesMalformedJson() {
        assertProblem(api.post("/api/v1/sessions", "{\"persona\": "), 400, "invalid-request");
    }

    @Test
    void refusesWrongContentType() {
        Api.Response response = api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertProblem(response, 415, "unsupported-media-type");
    }

    @Test
    void unknownSessionIs404() {
        String unknown = UUID.randomUUID().toString();
        assertProblem(api.get("/api/v1/sessions/" + unknown), 404, "session-not-found");
        assertProblem(api.delete("/api/v1/sessions/" + unknown), 404, "session-not-found");
        assertProblem(api.chat(unknown, "Hallo"), 404, "session-not-found");
    }

    @Test
    void malformedSessionIdIs400() {
        assertProblem(api.get("/api/v1/sessions/not-a-uuid"), 400, "invalid-session-id");
        assertProblem(api.delete("/api/v1/sessions/12345"), 400, "invalid-session-id");
        assertProblem(api.chat("not-a-uuid", "Hallo"), 400, "invalid-session-id");
    }

    @Test
    void deleteEndsSessionIdempotentlyAndKeepsHistory() {
        String id = api.newSession();
        assertThat(api.chat(id, "Guten Tag").status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

        JsonNode ended = api.get("/api/v1/sessions/" + id).json();
        assertThat(ended.get("status").asString()).isEqualTo("ended");
        assertThat(ended.get("messages")).hasSize(2);

        Api.Response chat = api.chat(id, "Noch da?");
        assertProblem(chat, 409, "session-closed");
        assertThat(chat.json().get("sessionStatus").asString()).isEqualTo("ended");
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void unknownPathIsProblem404() {
        assertProblem(api.get("/api/v1/nothing-here"), 404, "not-found");
    }

    @Test
    void wrongMethodIsProblem405() {
        assertProblem(
                api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions")).PUT(HttpRequest.BodyPublishers.noBody())),
                405,
                "method-not-allowed");
    }
}
