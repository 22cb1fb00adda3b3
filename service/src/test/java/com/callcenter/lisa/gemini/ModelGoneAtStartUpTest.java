package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.ModelRules;
import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.emulator.Retirement;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The start-up look-up of every configured model: a fallback model Gemini does not serve is logged as an
 * error and shown in health, and the service starts and serves with the others. Only models.get is used.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "lisa.gemini.model=" + ModelGoneAtStartUpTest.PRIMARY,
            "lisa.quota.fallback-models[0].name=" + ModelGoneAtStartUpTest.GONE
        })
class ModelGoneAtStartUpTest {

    static final String PRIMARY = "gemini-3.5-flash-lite";
    static final String GONE = "gemini-2.5-flash";

    /** The fallback model is retired before the service starts. */
    static final GeminiEmulator upstream = start();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void upstreamAndDatabase(DynamicPropertyRegistry registry) {
        TestUpstream.register(registry, upstream);
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @Test
    void aRetiredFallbackModelIsLoggedAndShownAndTheServiceStillServes(CapturedOutput output) {
        // at start-up: one models.get per configured model, no generation request
        assertThat(upstream.requests()).extracting(RecordedRequest::kind).containsOnly("get");
        assertThat(upstream.requests()).extracting(RecordedRequest::model).containsExactlyInAnyOrder(PRIMARY, GONE);
        assertThat(output.getOut())
                .containsPattern("ERROR .*ModelAvailability .*Gemini does not serve the configured model " + GONE);
        assertThat(output.getOut()).contains("lisa.quota.fallback-models[0].name");

        Api api = new Api(port);
        JsonNode health = api.get("/api/v1/health").json();
        assertThat(health.get("status").asString()).isEqualTo("DEGRADED");
        JsonNode availability = health.get("availability");
        assertThat(availability.get(0).get("model").asString()).isEqualTo(PRIMARY);
        assertThat(availability.get(0).get("status").asString()).isEqualTo("AVAILABLE");
        assertThat(availability.get(1).get("model").asString()).isEqualTo(GONE);
        assertThat(availability.get(1).get("status").asString()).isEqualTo("UNAVAILABLE");
        assertThat(availability.get(1).get("reason").asString()).contains("404", "not found");
        assertThat(availability.get(1).get("whatToSet").asString()).contains("lisa.quota.fallback-models[0].name");

        Api.Response reply = api.chat(api.newSession(), "Guten Tag");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("model").asString()).isEqualTo(PRIMARY);
        assertThat(upstream.requests())
                .filteredOn(r -> GONE.equals(r.model()))
                .extracting(RecordedRequest::kind)
                .containsOnly("get");
    }

    private static GeminiEmulator start() {
        try {
            return GeminiEmulator.start(EmulatorConfig.defaults()
                    .withApiKey(TestUpstream.API_KEY)
                    .withModelRules(ModelRules.DEFAULTS.withRetired(GONE, Retirement.NOT_FOUND)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
