package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What tests can read back: recorded requests (secrets redacted), counters, reset. */
@ExtendWith(EmulatorExtension.class)
class IntrospectionTest {

    static GeminiEmulator emu; // started, reset and closed by EmulatorExtension

    @Test
    void sdkRequestIsRecordedWithTheKeyRedacted() {
        Sdk.client(emu).models.generateContent("gemini-2.5-flash", "Was kostet das?", null);

        RecordedRequest request = emu.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(request.model()).isEqualTo("gemini-2.5-flash");
        assertThat(request.kind()).isEqualTo("generateContent");
        assertThat(request.header("X-Goog-Api-Key")).isEqualTo("REDACTED");
        assertThat(request.headers()).containsKey("user-agent").doesNotContainValue(EmulatorConfig.DEFAULT_API_KEY);
        assertThat(request.body()).contains("\"text\":\"Was kostet das?\"").contains("\"role\":\"user\"");
    }

    @Test
    void queryKeyAndAuthorizationHeaderAreRedactedOtherParametersKept() {
        Http.send(Http.request(emu, "/v1/models/m:streamGenerateContent?alt=sse&key=emulator-key")
                .header("Authorization", "Bearer geheim")
                .POST(HttpRequest.BodyPublishers.ofString(Http.ONE_MESSAGE))
                .build());

        RecordedRequest request = emu.requests().get(0);
        assertThat(request.path()).isEqualTo("/v1/models/m:streamGenerateContent?alt=sse&key=REDACTED");
        assertThat(request.kind()).isEqualTo("streamGenerateContent");
        assertThat(request.header("authorization")).isEqualTo("REDACTED");
        assertThat(request.toString()).doesNotContain("emulator-key").doesNotContain("geheim");
    }

    @Test
    void requestsOutsideTheApiAreRecordedWithoutModelAndKind() {
        Http.send(Http.request(emu, "/healthz").GET().build());

        assertThat(emu.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).isEqualTo("/healthz");
            assertThat(r.model()).isNull();
            assertThat(r.kind()).isNull();
            assertThat(r.body()).isEmpty();
        });
    }

    @Test
    void countersHaveEveryOutcomeFromTheStart() {
        assertThat(emu.counters())
                .containsOnlyKeys(
                        "ok",
                        "scripted",
                        "quota_rpm",
                        "quota_tpm",
                        "quota_rpd",
                        "auth_failed",
                        "model_not_found",
                        "bad_request",
                        "not_found",
                        "internal_error")
                .allSatisfy((k, v) -> assertThat(v).isZero());
    }

    @Test
    void resetClearsRequestsCountersScriptAndResponseIds() {
        Client client = Sdk.client(emu);
        client.models.generateContent("m", "eins", null);
        emu.script(ScriptedAnswer.text("nie gesendet"));

        emu.reset();

        assertThat(emu.requests()).isEmpty();
        assertThat(emu.counters().values()).containsOnly(0L);
        var response = client.models.generateContent("m", "zwei", null);
        assertThat(response.text()).startsWith("Hallo, hier ist Lisa!");
        assertThat(response.responseId()).hasValue("emu-00000001");
    }

    @Test
    void requestListIsASnapshot() {
        List<RecordedRequest> before = emu.requests();
        Sdk.client(emu).models.countTokens("m", "Hallo", null);

        assertThat(before).isEmpty();
        assertThat(emu.requests()).hasSize(1);
        assertThatThrownBy(() -> emu.requests().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void baseUrlHasNoTrailingSlashAndClosedEmulatorFreesItsPort() throws Exception {
        GeminiEmulator other = GeminiEmulator.start(EmulatorConfig.defaults());
        int port = other.port();
        assertThat(other.baseUrl()).isEqualTo("http://127.0.0.1:" + port);

        other.close();
        other.close(); // idempotent

        try (GeminiEmulator again =
                GeminiEmulator.start(EmulatorConfig.defaults().withPort(port))) {
            assertThat(again.port()).isEqualTo(port);
        }
    }
}
