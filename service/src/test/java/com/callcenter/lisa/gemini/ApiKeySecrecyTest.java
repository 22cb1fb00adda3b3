package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import com.callcenter.lisa.support.TestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * The Gemini key never appears in a response or a log line, whatever happens upstream. The maximum
 * wait is below the 429's retryDelay (7 s), so the 429 is answered at once instead of waiting out the
 * pause and the limit it lowers (up to the default minute); it comes last, as it leaves the model paused.
 */
// Alone, at the end (support/BesideTheSuite): it looks for "Gemini call to" in the log, which a service started beside
// it may print too.
@Isolated
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "lisa.quota.max-wait=5s")
class ApiKeySecrecyTest extends ServiceTest {

    @Test
    void keyNeverLeaksThroughResponsesOrLogs(CapturedOutput output) {
        String id = api.newSession();
        StringBuilder responses = new StringBuilder();
        responses.append(api.chat(id, "Hallo").body());
        // An upstream (or a proxy in front of it) that echoes the key back in its error message.
        upstream.script(ScriptedAnswer.status(400, """
                {"error": {"code": 400, "message": "API key %s is not valid for this project.", "status": "INVALID_ARGUMENT"}}
                """.formatted(TestUpstream.API_KEY)));
        Api.Response echoed = api.chat(id, "Hallo");
        assertThat(echoed.status()).isEqualTo(502);
        assertThat(echoed.json().get("detail").asString()).contains("[redacted]");
        responses.append(echoed.body());
        for (String fixture : new String[] {
            "errors/403-api-key-leaked.json",
            "errors/503-overloaded.json",
            "firebase-vertexai-sdk-test-data/googleai/unary-failure-api-key.json",
            "errors/429-rpm-free-tier.json"
        }) {
            upstream.script(ScriptedAnswer.fixture(fixture(fixture)));
            responses.append(api.chat(id, "Hallo").body());
        }
        responses.append(api.get("/api/v1/sessions/" + id).body());
        responses.append(api.get("/api/v1/health").body());
        responses.append(management.get("/actuator/prometheus").body());
        responses.append(api.get("/v3/api-docs").body());
        responses.append(management.get("/actuator/health").body());

        assertThat(responses.toString()).doesNotContain(TestUpstream.API_KEY);
        assertThat(output.getAll()).doesNotContain(TestUpstream.API_KEY);
        // The log did record the failures, so it was not silent.
        assertThat(output.getAll()).contains("Gemini call to");
    }

    @Test
    void settingsNeverPrintTheKey() {
        GeminiProperties properties = new GeminiProperties(
                TestUpstream.API_KEY,
                "http://x",
                "v1beta",
                "m",
                java.time.Duration.ofSeconds(30),
                8,
                new GeminiProperties.Generation(null, 10, null, null, null, null, null, null),
                null,
                false);
        assertThat(properties.toString()).doesNotContain(TestUpstream.API_KEY).contains("[redacted]");
        assertThat(new GeminiEndpoint("http://x", TestUpstream.API_KEY, false, null).toString())
                .doesNotContain(TestUpstream.API_KEY);
    }
}
