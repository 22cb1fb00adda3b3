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

/** Conversations live in the database: stopping and starting the service loses nothing. */
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
        try (ConfigurableApplicationContext first = start(url, user, password)) {
            Api api = api(first);
            active = api.newSession();
            ended = api.newSession();
            api.chat(active, "Erste Frage");
            api.chat(active, "Zweite Frage");
            api.chat(ended, "Tschüss");
            api.delete("/api/v1/sessions/" + ended);
            before = api.get("/api/v1/sessions/" + active).json();
        }

        try (ConfigurableApplicationContext second = start(url, user, password)) {
            Api api = api(second);
            JsonNode after = api.get("/api/v1/sessions/" + active).json();
            assertThat(after).isEqualTo(before);
            assertThat(api.get("/api/v1/sessions/" + ended).json().get("status").asString()).isEqualTo("ended");

            // The conversation goes on where it stopped: Gemini gets the history from before the restart.
            JsonNode third = api.chat(active, "Dritte Frage").json();
            assertThat(EmulatorReply.contentsCount(third.get("reply").asString())).isEqualTo(5);
            assertThat(api.get("/api/v1/sessions/" + active).json().get("messages")).hasSize(6);
        }
    }

    static ConfigurableApplicationContext start(String url, String user, String password) {
        // Command-line arguments: they outrank application.yml, as the environment would in production.
        return new SpringApplicationBuilder(LisaApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + user,
                "--spring.datasource.password=" + password,
                "--lisa.gemini.base-url=" + TestUpstream.emulator().baseUrl(),
                "--lisa.gemini.api-key=" + TestUpstream.API_KEY);
    }

    static Api api(ConfigurableApplicationContext context) {
        return new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }
}
