package com.callcenter.lisa.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.LisaApplication;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EmulatorReply;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestPostgres;
import com.callcenter.lisa.support.TestUpstream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Conversations live in the database: stopping and starting the service loses nothing, and a message
 * repeated with its Idempotency-Key after the restart is answered from the store.
 */
class RestartTest {

    @Test
    void conversationsSurviveARestartOnFileH2() {
        survivesRestart("jdbc:h2:file:" + TestDatabases.freshH2File(), "sa", "");
    }

    @Test
    void conversationsSurviveARestartOnPostgres() {
        survivesRestart(TestPostgres.freshDatabase(), "postgres", "postgres");
    }

    private static void survivesRestart(String url, String user, String password) {
        String active;
        String ended;
        JsonNode before;
        JsonNode keyed;
        String key = java.util.UUID.randomUUID().toString();
        try (ConfigurableApplicationContext first = start(url, user, password)) {
            Api api = api(first);
            active = api.newSession();
            ended = api.newSession();
            api.chat(active, "Erste Frage");
            api.chat(active, "Zweite Frage");
            api.chat(ended, "Tschüss");
            api.delete("/api/v1/sessions/" + ended);
            keyed = chatWithKey(api, active, "Zweite Frage, nochmal?", key).json();
            before = api.get("/api/v1/sessions/" + active).json();
        }

        try (ConfigurableApplicationContext second = start(url, user, password)) {
            Api api = api(second);
            JsonNode after = api.get("/api/v1/sessions/" + active).json();
            assertThat(after).isEqualTo(before);
            assertThat(api.get("/api/v1/sessions/" + ended).json().get("status").asString())
                    .isEqualTo("ended");

            // The app retries the message whose answer it never got: the stored turn, no Gemini call.
            int calls = TestUpstream.emulator().requests().size();
            Api.Response repeated = chatWithKey(api, active, "Zweite Frage, nochmal?", key);
            assertThat(repeated.status()).as(repeated.body()).isEqualTo(200);
            assertThat(repeated.json()).isEqualTo(keyed);
            assertThat(TestUpstream.emulator().requests()).hasSize(calls);

            // The conversation goes on where it stopped: Gemini gets the history from before the restart.
            JsonNode fourth = api.chat(active, "Vierte Frage").json();
            assertThat(EmulatorReply.contentsCount(fourth.get("reply").asString()))
                    .isEqualTo(7);
            assertThat(api.get("/api/v1/sessions/" + active).json().get("messages"))
                    .hasSize(8);
        }
    }

    static ConfigurableApplicationContext start(String url, String user, String password) {
        // Command-line arguments: they outrank application.yml, as the environment would in production.
        return new SpringApplicationBuilder(LisaApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + url,
                        "--spring.datasource.username=" + user,
                        "--spring.datasource.password=" + password,
                        "--lisa.gemini.base-url=" + TestUpstream.emulator().baseUrl(),
                        "--lisa.gemini.api-key=" + TestUpstream.API_KEY);
    }

    private static Api.Response chatWithKey(Api api, String session, String message, String key) {
        return api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + session + "/chat"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        Api.json(java.util.Map.of("message", message)))));
    }

    static Api api(ConfigurableApplicationContext context) {
        return new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }
}
