package com.callcenter.lisa.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.ServiceTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The OpenAPI description documents every path, field and error status of the contract. */
class ApiDescriptionTest extends ServiceTest {

    @Test
    void describesTheContract() {
        JsonNode doc = api.get("/v3/api-docs").json();

        JsonNode paths = doc.get("paths");
        assertThat(paths.has("/api/v1/sessions")).isTrue();
        assertThat(paths.has("/api/v1/sessions/{id}")).isTrue();
        assertThat(paths.has("/api/v1/sessions/{id}/chat")).isTrue();
        assertThat(paths.has("/api/v1/health")).isTrue();
        JsonNode chat = paths.get("/api/v1/sessions/{id}/chat").get("post").get("responses");
        for (String status : new String[] {"200", "400", "404", "409", "413", "502", "503", "504"}) {
            assertThat(chat.has(status)).as("chat documents " + status).isTrue();
        }
        assertThat(chat.get("503").get("headers").has("Retry-After")).isTrue();
        assertThat(chat.get("400").get("content").has("application/problem+json"))
                .isTrue();
        assertThat(chat.get("422").get("content").has("application/problem+json"))
                .isTrue();
        assertThat(chat.get("200").get("content").has("application/json")).isTrue();
        assertThat(chat.get("200").get("content").has("text/event-stream")).isTrue();

        JsonNode schemas = doc.get("components").get("schemas");
        assertThat(schemas.get("ChatReply").get("properties").propertyNames())
                .contains("sessionId", "reply", "finishReason", "model", "usage", "createdAt");
        assertThat(schemas.get("SessionView").get("properties").propertyNames())
                .contains("id", "status", "persona", "createdAt", "lastActivity", "metadata", "context", "messages");
        assertThat(schemas.get("SessionView")
                        .get("properties")
                        .get("context")
                        .get("type")
                        .asString())
                .isEqualTo("object");
        assertThat(schemas.get("CreateSessionRequest")
                        .get("properties")
                        .get("context")
                        .get("description")
                        .asString())
                .contains("invalid-context");
        assertThat(schemas.get("Usage").get("properties").propertyNames())
                .contains("promptTokens", "replyTokens", "totalTokens");
        assertThat(doc.get("info").get("description").asString()).contains("urn:lisa:problem:session-not-found");
    }

    @Test
    void metricsAreExposedForPrometheus() {
        api.chat(api.newSession(), "Hallo");
        String metrics = management.get("/actuator/prometheus").body();
        assertThat(metrics).contains("http_server_requests_seconds");
    }
}
