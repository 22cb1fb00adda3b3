package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.Fixtures;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.emulator.Retirement;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A model Gemini no longer serves (404 NOT_FOUND: shut down, or "no longer available to new users"), over
 * real HTTP through the SDK against the emulator's retired models: no retry, the same turn goes to the next
 * model at once, health says why and what to set, and the free models.get call (never a generation) finds
 * the model again after the re-check interval (a moved clock, not real waiting).
 */
@Import(MovableTime.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "lisa.gemini.model=" + ModelGoneTest.PRIMARY,
            "lisa.quota.fallback-models[0].name=" + ModelGoneTest.FALLBACK,
            // transient failures would be retried: a 404 must not be
            "lisa.quota.retry.max-attempts=3",
            "lisa.quota.retry.base-delay=10ms",
            "lisa.gemini.model-check.recheck-interval=10m",
            "lisa.gemini.model-check.poll=100ms"
        })
class ModelGoneTest {

    static final String PRIMARY = "gemini-2.5-flash-lite";
    static final String FALLBACK = "gemini-3.5-flash-lite";
    private static final List<String> GENERATION = List.of("generateContent", "streamGenerateContent");

    static final GeminiEmulator upstream = start();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    Api api;

    @DynamicPropertySource
    static void upstreamAndDatabase(DynamicPropertyRegistry registry) {
        TestUpstream.register(registry, upstream);
    }

    @BeforeEach
    void connect() {
        upstream.reset();
        api = new Api(port);
    }

    /** Every model back and found again, so that each test starts with all of them available. */
    @AfterEach
    void everyModelBack() {
        upstream.reset();
        clock.advance(Duration.ofMinutes(11));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(availability())
                        .allSatisfy(m -> assertThat(m.get("status").asString()).isEqualTo("AVAILABLE")));
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @Test
    void aRetiredPrimaryIsSkippedAtOnceAndComesBackWhenModelsGetFindsIt() {
        upstream.retire(PRIMARY, Retirement.NEW_USERS);
        String id = api.newSession();

        Api.Response first = api.chat(id, "Guten Tag");

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("model").asString()).isEqualTo(FALLBACK);
        assertThat(first.json().get("attempts").asInt()).isEqualTo(2);
        // one call to the primary (its 404, not retried), then the same turn on the fallback model
        assertThat(upstream.requests())
                .extracting(RecordedRequest::model, RecordedRequest::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(PRIMARY, "generateContent"),
                        org.assertj.core.groups.Tuple.tuple(FALLBACK, "generateContent"));

        JsonNode health = api.get("/api/v1/health").json();
        assertThat(health.get("status").asString()).isEqualTo("DEGRADED");
        JsonNode primary = health.get("availability").get(0);
        assertThat(primary.get("model").asString()).isEqualTo(PRIMARY);
        assertThat(primary.get("status").asString()).isEqualTo("UNAVAILABLE");
        assertThat(primary.get("reason").asString()).contains("404", "no longer available to new users");
        assertThat(primary.get("whatToSet").asString()).contains("GEMINI_MODEL");
        assertThat(primary.get("nextCheckAt").asString()).isNotBlank();
        assertThat(health.get("availability").get(1).get("status").asString()).isEqualTo("AVAILABLE");

        // the next turn goes straight to the fallback model: no second call to the gone one
        Api.Response second = api.chat(id, "Was kostet der Tarif?");
        assertThat(second.json().get("model").asString()).isEqualTo(FALLBACK);
        assertThat(second.json().get("attempts").asInt()).isEqualTo(1);
        assertThat(generationsTo(PRIMARY)).isEqualTo(1);
        assertThat(lookUpsOf(PRIMARY)).isZero(); // not due before the interval

        upstream.unretire(PRIMARY);
        clock.advance(Duration.ofMinutes(10));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(availability().get(0).get("status").asString())
                                .isEqualTo("AVAILABLE"));

        assertThat(lookUpsOf(PRIMARY)).isEqualTo(1);
        assertThat(upstream.requests())
                .filteredOn(r -> "get".equals(r.kind()))
                .allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
        assertThat(generationsTo(PRIMARY)).isEqualTo(1); // the check never generated anything
        Api.Response third = api.chat(id, "Und im Ausland?");
        assertThat(third.status()).as(third.body()).isEqualTo(200);
        assertThat(third.json().get("model").asString()).isEqualTo(PRIMARY);
        assertThat(api.get("/api/v1/health").json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void aStreamedTurnMovesToTheFallbackModelToo() {
        upstream.retire(PRIMARY);
        String id = api.newSession();

        EventStream.Result stream = EventStream.chat(port, id, "Guten Tag");

        assertThat(stream.status()).as(stream.body()).isEqualTo(200);
        assertThat(stream.named("error")).isEmpty();
        assertThat(stream.only("done").json().get("model").asString()).isEqualTo(FALLBACK);
        assertThat(stream.deltaText()).isNotEmpty();
        assertThat(upstream.requests())
                .extracting(RecordedRequest::model, RecordedRequest::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(PRIMARY, "streamGenerateContent"),
                        org.assertj.core.groups.Tuple.tuple(FALLBACK, "streamGenerateContent"));
    }

    @Test
    void googlesRecordedUnknownModelAnswerMovesTheTurnToTheFallbackModel() {
        upstream.script(ScriptedAnswer.fixture(
                Fixtures.path("firebase-vertexai-sdk-test-data/googleai/unary-failure-unknown-model.json")));
        String id = api.newSession();

        Api.Response reply = api.chat(id, "Guten Tag");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("model").asString()).isEqualTo(FALLBACK);
        assertThat(generationsTo(PRIMARY)).isEqualTo(1);
        assertThat(availability().get(0).get("status").asString()).isEqualTo("UNAVAILABLE");
        assertThat(availability().get(0).get("reason").asString()).contains("404", "not found");
    }

    @Test
    void aModelStillGoneIsLookedUpAgainAfterEachInterval() {
        upstream.retire(PRIMARY);
        String id = api.newSession();
        assertThat(api.chat(id, "Guten Tag").json().get("model").asString()).isEqualTo(FALLBACK);

        clock.advance(Duration.ofMinutes(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> lookUpsOf(PRIMARY) == 1);

        JsonNode primary = availability().get(0);
        assertThat(primary.get("status").asString()).isEqualTo("UNAVAILABLE");
        assertThat(primary.get("reason").asString()).contains("404", "not found");
        assertThat(primary.get("lastCheckedAt").asString()).isNotBlank();
        assertThat(api.chat(id, "Noch da?").json().get("model").asString()).isEqualTo(FALLBACK);
        assertThat(generationsTo(PRIMARY)).isEqualTo(1);
        assertThat(lookUpsOf(PRIMARY)).isEqualTo(1); // next one only after another interval
    }

    @Test
    void noModelLeftAnswersModelUnavailableNamingWhatToSet() {
        upstream.retire(PRIMARY);
        upstream.retire(FALLBACK, Retirement.NEW_USERS);
        String id = api.newSession();

        Api.Response refused = api.chat(id, "Guten Tag");

        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        JsonNode problem = refused.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:lisa:problem:model-unavailable");
        assertThat(problem.get("detail").asString())
                .contains(PRIMARY, FALLBACK, "GEMINI_MODEL", "lisa.quota.fallback-models[0].name");
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(generationsTo(PRIMARY)).isEqualTo(1);
        assertThat(generationsTo(FALLBACK)).isEqualTo(1);

        // known gone: refused on arrival, nothing sent to Gemini
        Api.Response again = api.chat(id, "Hallo?");
        assertThat(again.status()).isEqualTo(503);
        assertThat(again.json().get("type").asString()).isEqualTo("urn:lisa:problem:model-unavailable");
        assertThat(upstream.requests()).hasSize(2);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    private JsonNode availability() {
        return api.get("/api/v1/health").json().get("availability");
    }

    private static long generationsTo(String model) {
        return upstream.requests().stream()
                .filter(r -> model.equals(r.model()) && GENERATION.contains(r.kind()))
                .count();
    }

    private static long lookUpsOf(String model) {
        return upstream.requests().stream()
                .filter(r -> model.equals(r.model()) && "get".equals(r.kind()))
                .count();
    }

    private static GeminiEmulator start() {
        try {
            return GeminiEmulator.start(EmulatorConfig.defaults().withApiKey(TestUpstream.API_KEY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
