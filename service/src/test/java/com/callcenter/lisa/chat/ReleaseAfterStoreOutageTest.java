package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.BesideTheSuite;
import com.callcenter.lisa.support.CuttableLink;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.TestPostgres;
import com.callcenter.lisa.support.TestUpstream;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A turn that fails because the database went away cannot release its Idempotency-Key then; it is
 * released as soon as the database is back, so the app's retry runs within seconds instead of waiting
 * for the key's lease. The lease is long here (3 minutes, what it used to be) so that only the release
 * can explain a fast retry. Needs a database reached over the network: runs in the postgres pass.
 */
@BesideTheSuite
class ReleaseAfterStoreOutageTest {

    private static final String[] SETTINGS = {
        "--lisa.quota.budget.requests-per-minute=0",
        "--lisa.quota.budget.input-tokens-per-minute=0",
        "--lisa.quota.budget.requests-per-day=0",
        "--lisa.chat.idempotency.lease=3m",
        "--spring.datasource.hikari.connection-timeout=2000"
    };

    @Test
    void aKeyWhoseTurnFailedDuringAnOutageIsFreeSoonAfterTheDatabaseIsBack() throws Exception {
        String database = TestPostgres.freshDatabase();
        try (GeminiEmulator upstream =
                        GeminiEmulator.start(EmulatorConfig.defaults().withApiKey(TestUpstream.API_KEY));
                CuttableLink link = CuttableLink.to(database);
                ServiceProcess cutOff = ServiceProcess.start(upstream.baseUrl(), link.url(), SETTINGS);
                ServiceProcess other = ServiceProcess.start(upstream.baseUrl(), database, SETTINGS);
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Api api = cutOff.api();
            String sameInstance = api.newSession();
            String otherInstance = api.newSession();
            String sameKey = UUID.randomUUID().toString();
            String otherKey = UUID.randomUUID().toString();
            upstream.script(ScriptedAnswer.text("Diese Antwort wird nie gespeichert.")
                    .delayed(Duration.ofSeconds(2))
                    .times(2));

            Future<Api.Response> first = clients.submit(() -> chat(api, sameInstance, sameKey));
            Future<Api.Response> second = clients.submit(() -> chat(api, otherInstance, otherKey));
            await("both messages mid-turn")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> TestUpstream.modelCalls(upstream) == 2);
            link.cut();
            // Gemini answers, the turn cannot be stored, nor its key released: the client gets an error.
            assertThat(first.get().status()).as(first.get().body()).isNotEqualTo(200);
            assertThat(second.get().status()).as(second.get().body()).isNotEqualTo(200);
            link.restore();

            // The app retries each message with its key - on the instance that ran it, and on another one -
            // until it is served (the service may still answer 503 for a moment while it reconnects).
            long restored = System.nanoTime();
            Future<Api.Response> retryHere = clients.submit(() -> retryUntilServed(api, sameInstance, sameKey));
            Future<Duration> waitHere = clients.submit(() -> {
                retryHere.get();
                return Duration.ofNanos(System.nanoTime() - restored);
            });
            Api.Response retryThere = retryUntilServed(other.api(), otherInstance, otherKey);
            Duration waitThere = Duration.ofNanos(System.nanoTime() - restored);
            System.out.printf(
                    "Retry after a store outage: served %d ms after the store was back on the same "
                            + "instance, %d ms on another%n",
                    waitHere.get().toMillis(), waitThere.toMillis());

            assertThat(retryHere.get().status()).as(retryHere.get().body()).isEqualTo(200);
            assertThat(retryThere.status()).as(retryThere.body()).isEqualTo(200);
            // released at once when the retry reaches the instance that holds the key, else by the
            // background retry, tried every second: seconds, not the 3-minute lease
            assertThat(waitHere.get()).isLessThan(Duration.ofSeconds(10));
            assertThat(waitThere).isLessThan(Duration.ofSeconds(10));
            for (String session : new String[] {sameInstance, otherInstance}) {
                assertThat(other.api().get("/api/v1/sessions/" + session).json().get("messages"))
                        .hasSize(2);
            }
            assertThat(chat(other.api(), sameInstance, sameKey).json())
                    .isEqualTo(retryHere.get().json());
            assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(4);
        }
    }

    /** Sends the message with its key again until it gets something other than 503, as the app does. */
    private static Api.Response retryUntilServed(Api api, String sessionId, String key) {
        AtomicReference<Api.Response> last = new AtomicReference<>();
        await("retry served")
                .atMost(Duration.ofSeconds(20))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    last.set(chat(api, sessionId, key));
                    return last.get().status() != 503;
                });
        return last.get();
    }

    private static Api.Response chat(Api api, String sessionId, String key) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + sessionId + "/chat"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("message", "Was kostet der Tarif?")))));
    }
}
