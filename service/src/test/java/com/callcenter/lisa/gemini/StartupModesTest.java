package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.LisaApplication;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EmulatorReply;
import com.callcenter.lisa.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Without a key the service refuses to start and says what to set; demo mode needs no key at all. */
@ExtendWith(OutputCaptureExtension.class)
class StartupModesTest {

    @Test
    void refusesToStartWithoutKeyAndSaysWhatToSet(CapturedOutput output) {
        assertThatThrownBy(() -> start("--lisa.gemini.api-key=").close())
                .hasRootCauseInstanceOf(MissingApiKeyException.class);
        assertThat(output.getAll())
                .contains("No Gemini API key: GEMINI_API_KEY is not set.")
                .contains("LISA_DEMO=true");
    }

    @Test
    void demoModeAnswersFromTheBuiltInEmulatorAndSaysSo(CapturedOutput output) {
        try (ConfigurableApplicationContext context = start("--lisa.gemini.api-key=", "--lisa.gemini.demo=true")) {
            Api api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
            String id = api.newSession();

            JsonNode reply = api.chat(id, "Hallo Demo").json();

            assertThat(reply.get("model").asString()).isEqualTo("demo:gemini-3.5-flash-lite");
            assertThat(EmulatorReply.lastMessage(reply.get("reply").asString())).isEqualTo("Hallo Demo");
            JsonNode health = api.get("/api/v1/health").json();
            assertThat(health.get("upstream").get("mode").asString()).isEqualTo("demo");
            assertThat(health.get("upstream").get("model").asString()).isEqualTo("demo:gemini-3.5-flash-lite");
            assertThat(output.getAll()).contains("DEMO MODE");
        }
    }

    private static ConfigurableApplicationContext start(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--server.port=0";
        all[1] = "--spring.datasource.url=jdbc:h2:file:" + TestDatabases.freshH2File();
        System.arraycopy(args, 0, all, 2, args.length);
        return new SpringApplicationBuilder(LisaApplication.class).run(all);
    }
}
