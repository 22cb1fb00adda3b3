package com.callcenter.lisa.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.BesideTheSuite;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.TestUpstream;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The database stops under a running service and comes back: health answers within a second, DOWN
 * with the reason in words, never 500; chats are refused at once with 503 storage-unavailable and
 * {@code Retry-After}, spending no quota; when the database is back, both recover without a restart.
 *
 * <p>Runs on a PostgreSQL server of its own (a fixed port and data folder, so it can be stopped and
 * started again), once: the pom leaves it out of the suite's second, PostgreSQL execution.
 */
@BesideTheSuite
class DatabaseOutageTest {

    /** A Java class name such as java.net.ConnectException, or any exception's simple name. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("\\b[a-z]+\\.[a-z]+(\\.[a-zA-Z_$]+)*\\.[A-Z]\\w*|\\w*Exception\\b");

    private static final Duration HEALTH_BOUND = Duration.ofSeconds(1);
    private static final Duration REFUSAL_BOUND = Duration.ofMillis(1500);

    /** PostgreSQL's data, kept over the stop and restart within a test; JUnit deletes it after stop() stopped the server. */
    @TempDir
    Path dataDirectory;

    private int port;
    private EmbeddedPostgres postgres;
    private ServiceProcess service;
    private GeminiEmulator upstream;

    @BeforeEach
    void startDatabase() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        startPostgres();
        upstream = GeminiEmulator.start(EmulatorConfig.defaults().withApiKey(TestUpstream.API_KEY));
    }

    private Api startService(String... settings) {
        service =
                ServiceProcess.start(upstream.baseUrl(), "jdbc:postgresql://127.0.0.1:" + port + "/postgres", settings);
        return service.api();
    }

    @AfterEach
    void stop() throws IOException {
        if (service != null) {
            service.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void healthAndChatsAnswerFastWhileTheDatabaseIsDownAndRecoverWithoutARestart() throws IOException {
        Api api = startService();
        String session = api.newSession();
        assertThat(api.chat(session, "Hallo, was kostet der Tarif?").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/health").status()).isEqualTo(200);

        postgres.close();
        postgres = null;

        // Known down within a few probe ticks; every health answer on the way is fast and never a 500.
        // (until, not untilAsserted: a slow or failed answer ends the test at once instead of being retried)
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Api.Response health = timed(() -> api.get("/api/v1/health"), HEALTH_BOUND);
                    assertThat(health.status()).as(health.body()).isIn(200, 503);
                    return health.status() == 503;
                });
        for (int i = 0; i < 5; i++) {
            Api.Response health = timed(() -> api.get("/api/v1/health"), HEALTH_BOUND);
            assertThat(health.status()).isEqualTo(503);
            JsonNode report = health.json();
            assertThat(report.get("status").asString()).isEqualTo("DOWN");
            assertThat(report.get("database").get("status").asString()).isEqualTo("DOWN");
            assertThat(report.get("database").get("error").asString()).contains("database");
            assertThat(report.get("database").get("downSince").asString()).isNotBlank();
            assertThat(CLASS_NAME.matcher(health.body()).find())
                    .as(health.body())
                    .isFalse();
        }

        // Chats, streamed chats and new sessions are refused at once; Gemini is not called.
        int geminiCalls = TestUpstream.modelCalls(upstream);
        Api.Response chat = timed(() -> api.chat(session, "Und gibt es einen Rabatt?"), REFUSAL_BOUND);
        assertStorageUnavailable(chat);
        Api.Response keyed = timed(
                () -> api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + session + "/chat"))
                        .header("Content-Type", "application/json")
                        .header("Accept", "text/event-stream")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("message", "Noch da?"))))),
                REFUSAL_BOUND);
        assertStorageUnavailable(keyed);
        assertStorageUnavailable(timed(() -> api.post("/api/v1/sessions", null), REFUSAL_BOUND));
        assertStorageUnavailable(timed(() -> api.get("/api/v1/sessions/" + session), REFUSAL_BOUND));
        assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(geminiCalls);

        startPostgres();

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Api.Response health = timed(() -> api.get("/api/v1/health"), HEALTH_BOUND);
                    assertThat(health.status()).as(health.body()).isIn(200, 503);
                    return health.status() == 200;
                });
        assertThat(api.get("/api/v1/health").json().get("status").asString()).isEqualTo("UP");
        Api.Response again = api.chat(session, "Und gibt es einen Rabatt?");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        JsonNode conversation = api.get("/api/v1/sessions/" + session).json();
        assertThat(conversation.get("messages")).hasSize(4);
        assertThat(api.chat(api.newSession(), "Hallo").status()).isEqualTo(200);
    }

    /**
     * The store dies while Gemini is answering: the turn fails where it next touches the store, the
     * quota ledger (a database ledger) or the turn's transaction (an in-process ledger), and either way
     * that is 503 storage-unavailable, never 500.
     */
    @ParameterizedTest
    @ValueSource(strings = {"database", "memory"})
    void aTurnWhoseStoreDiesWhileGeminiAnswersIsAStorageProblemNotA500(String ledger) throws Exception {
        Api api = startService("--lisa.quota.ledger=" + ledger);
        String session = api.newSession();
        upstream.script(ScriptedAnswer.text("Gern, einen Moment.").delayed(Duration.ofSeconds(2)));
        CompletableFuture<Api.Response> chat = CompletableFuture.supplyAsync(() -> api.chat(session, "Hallo"));
        await().atMost(Duration.ofSeconds(5)).until(() -> TestUpstream.modelCalls(upstream) > 0);

        postgres.close();
        postgres = null;

        Api.Response failed = chat.get();
        assertStorageUnavailable(failed);
        assertThat(failed.json().get("detail").asString()).contains("store");

        startPostgres();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/v1/health").status() == 200);
        // Nothing half-stored: the failed turn is not in the history, and the conversation goes on.
        assertThat(api.get("/api/v1/sessions/" + session).json().get("messages"))
                .isEmpty();
        assertThat(api.chat(session, "Hallo").status()).isEqualTo(200);
    }

    private void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .start();
    }

    private static void assertStorageUnavailable(Api.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:lisa:problem:storage-unavailable");
        assertThat(response.header("Retry-After")).isNotBlank();
        assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
        assertThat(CLASS_NAME.matcher(response.body()).find())
                .as(response.body())
                .isFalse();
    }

    private static Api.Response timed(java.util.function.Supplier<Api.Response> call, Duration bound) {
        long start = System.nanoTime();
        Api.Response response = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("answered in %s: %s", took, response.body()).isLessThan(bound);
        return response;
    }
}
