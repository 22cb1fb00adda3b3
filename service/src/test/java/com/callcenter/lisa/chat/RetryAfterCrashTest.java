package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.BesideTheSuite;
import com.callcenter.lisa.support.ServiceJvm;
import com.callcenter.lisa.support.TestPostgres;
import com.callcenter.lisa.support.TestUpstream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Messages sent with an Idempotency-Key are mid-turn (Gemini is slow) when the service process is killed
 * with SIGKILL; the app retries each with its key. The retries are served within seconds, each message
 * makes exactly one turn, and a further repeat gets that turn without another Gemini call. Runs on file
 * H2 in the default pass and on PostgreSQL in the postgres pass.
 */
@BesideTheSuite
class RetryAfterCrashTest {

    private static final int CLIENTS = 6;
    private static final String[] SETTINGS = {
        "--lisa.quota.budget.requests-per-minute=0",
        "--lisa.quota.budget.input-tokens-per-minute=0",
        "--lisa.quota.budget.requests-per-day=0",
        // The store check's patience (production 1 s): on a loaded 2-core test machine a check of a healthy
        // database took over 2 s once, and the retries measured here were refused as a store outage.
        "--lisa.store.probe-timeout=5s"
    };

    /** One client's message in flight: its session and key. */
    record InFlight(String sessionId, String message, String key) {}

    /**
     * The killed instance starts again (same host and port, so the same default instance id): it releases
     * its predecessor's claims before taking requests. The lease is long here (3 minutes, what it used to
     * be) so that only that release can explain a fast retry.
     */
    @Test
    void retriesAreServedAtOnceWhenTheKilledInstanceStartsAgain() throws Exception {
        String database = freshDatabase();
        String[] settings = settings("--lisa.chat.idempotency.lease=3m");
        try (GeminiEmulator upstream = slowUpstream()) {
            int port = ServiceJvm.freePort();
            List<InFlight> inFlight;
            try (ServiceJvm first = ServiceJvm.start(port, upstream.baseUrl(), database, settings)) {
                inFlight = sendAndKill(first, upstream);
            }
            try (ServiceJvm again = ServiceJvm.start(port, upstream.baseUrl(), database, settings)) {
                Duration longest = retryAll(again.api(), inFlight, upstream);
                System.out.printf(
                        "Retry after kill -9, same instance restarted: longest wait %d ms%n", longest.toMillis());
                assertThat(longest).isLessThan(Duration.ofSeconds(5));
                assertThat(again.log()).contains("Released " + CLIENTS + " idempotency keys");
            }
        }
    }

    /**
     * The killed instance never comes back; another instance (another id) gets the retries. It takes
     * the requests over when their lease, no longer renewed, runs out: within the default 15 s.
     */
    @Test
    void retriesOnAnotherInstanceAreServedOnceTheDeadInstancesLeaseRunsOut() throws Exception {
        String database = freshDatabase();
        try (GeminiEmulator upstream = slowUpstream()) {
            List<InFlight> inFlight;
            try (ServiceJvm dead = ServiceJvm.start(
                    ServiceJvm.freePort(), upstream.baseUrl(), database, settings("--lisa.instance-id=lisa-a"))) {
                inFlight = sendAndKill(dead, upstream);
            }
            try (ServiceJvm other = ServiceJvm.start(
                    ServiceJvm.freePort(), upstream.baseUrl(), database, settings("--lisa.instance-id=lisa-b"))) {
                Duration longest = retryAll(other.api(), inFlight, upstream);
                System.out.printf("Retry after kill -9, another instance: longest wait %d ms%n", longest.toMillis());
                assertThat(longest).isLessThan(Duration.ofSeconds(20));
            }
        }
    }

    /** Gemini answers the first messages only after a minute: they are mid-turn when the service dies. */
    private static GeminiEmulator slowUpstream() throws Exception {
        GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.defaults().withApiKey(TestUpstream.API_KEY));
        upstream.script(ScriptedAnswer.text("Diese Antwort kommt nie an.")
                .delayed(Duration.ofMinutes(1))
                .times(CLIENTS));
        return upstream;
    }

    /** Sends one keyed message per session, waits until Gemini has all of them, and kills the service. */
    private static List<InFlight> sendAndKill(ServiceJvm service, GeminiEmulator upstream) throws Exception {
        List<InFlight> inFlight = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            inFlight.add(new InFlight(
                    service.api().newSession(),
                    "Was kostet der Tarif " + i + "?",
                    UUID.randomUUID().toString()));
        }
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sent = new ArrayList<>();
            for (InFlight message : inFlight) {
                sent.add(clients.submit(() -> chat(service.api(), message)));
            }
            await("every message mid-turn")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> TestUpstream.modelCalls(upstream) == CLIENTS);
            service.kill();
            for (Future<?> first : sent) {
                assertThat(first)
                        .failsWithin(Duration.ofSeconds(10))
                        .withThrowableThat()
                        .havingCause()
                        .isInstanceOf(UncheckedIOException.class);
            }
        }
        return inFlight;
    }

    /**
     * Every client retries at once with its key; returns the longest wait. Each gets a 200, its session
     * has exactly one turn, and a further repeat returns the same answer without asking Gemini.
     */
    private static Duration retryAll(Api api, List<InFlight> inFlight, GeminiEmulator upstream) throws Exception {
        List<Future<Api.Response>> retries = new ArrayList<>();
        List<Future<Duration>> waits = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (InFlight message : inFlight) {
                Future<Api.Response> retry = clients.submit(() -> chat(api, message));
                retries.add(retry);
                long start = System.nanoTime();
                waits.add(clients.submit(() -> {
                    retry.get();
                    return Duration.ofNanos(System.nanoTime() - start);
                }));
            }
        }
        Duration longest = Duration.ZERO;
        int calls = TestUpstream.modelCalls(upstream);
        for (int i = 0; i < inFlight.size(); i++) {
            InFlight message = inFlight.get(i);
            Api.Response retry = retries.get(i).get();
            assertThat(retry.status()).as(retry.body()).isEqualTo(200);
            longest = Stream.of(longest, waits.get(i).get())
                    .max(Duration::compareTo)
                    .orElseThrow();
            assertThat(api.get("/api/v1/sessions/" + message.sessionId()).json().get("messages"))
                    .hasSize(2);
            Api.Response again = chat(api, message);
            assertThat(again.json()).isEqualTo(retry.json());
        }
        assertThat(TestUpstream.modelCalls(upstream))
                .as("repeats answered from the store")
                .isEqualTo(calls);
        assertThat(calls)
                .as("one call per message before the kill, one per retry")
                .isEqualTo(2 * CLIENTS);
        return longest;
    }

    private static Api.Response chat(Api api, InFlight message) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + message.sessionId() + "/chat"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", message.key())
                .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("message", message.message())))));
    }

    private static String[] settings(String... more) {
        return Stream.concat(Stream.of(SETTINGS), Stream.of(more)).toArray(String[]::new);
    }

    private static String freshDatabase() {
        // Several instances share one store only on PostgreSQL; H2's start-up release is the same SQL.
        return TestPostgres.freshDatabase();
    }
}
