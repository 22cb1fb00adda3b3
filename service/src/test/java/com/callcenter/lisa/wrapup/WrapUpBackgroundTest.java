package com.callcenter.lisa.wrapup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import com.callcenter.lisa.support.WrapUps;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * A wrap-up's Gemini request is background work: on a saturated budget (two requests a minute, the clock moved
 * by the test) it gets no slot while live turns wait, and gets the first one left once the live queue is empty.
 */
@Tag("database") // the quota ledger and the wrap-up rows, on PostgreSQL too
@TestPropertySource(
        properties = {
            "lisa.quota.budget.requests-per-minute=2",
            "lisa.quota.max-wait=600s",
            "spring.lifecycle.timeout-per-shutdown-phase=12m", // at least the longest turn (checked at start-up)
            "lisa.wrapup.enabled=true",
            "lisa.wrapup.poll-interval=200ms"
        })
@Import(MovableTime.class)
class WrapUpBackgroundTest extends ServiceTest {

    /** Longer than the queue's re-check of its budget (1 s): what was not sent by then is not being sent. */
    private static final Duration RECHECKED = Duration.ofMillis(1_500);

    @Autowired
    MutableClock clock;

    @BeforeEach
    void aMinutePasses() {
        clock.advance(Duration.ofSeconds(62));
    }

    @Test
    void theWrapUpTakesOnlyASlotNoLiveTurnWaitsFor() throws Exception {
        String ended = api.newSession();
        assertThat(api.chat(ended, "eins").status()).isEqualTo(200);
        assertThat(api.chat(api.newSession(), "zwei").status()).isEqualTo(200);
        // The minute's two requests are used: the wrap-up and two live turns must wait.
        assertThat(api.delete("/api/v1/sessions/" + ended).status()).isEqualTo(204);
        awaitBackgroundQueued();
        String first = api.newSession();
        String second = api.newSession();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Api.Response> one = clients.submit(() -> api.chat(first, "drei"));
            awaitQueueLength(1);
            Future<Api.Response> two = clients.submit(() -> api.chat(second, "vier"));
            awaitQueueLength(2);

            // The next minute has two slots: both go to the live turns, although the wrap-up waited longer.
            clock.advance(Duration.ofSeconds(62));
            assertThat(one.get().status()).isEqualTo(200);
            assertThat(two.get().status()).isEqualTo(200);
            Thread.sleep(RECHECKED.toMillis());
            assertThat(upstream.requests()).hasSize(4);
            assertThat(wrapUpRequests()).isEmpty();
            assertThat(api.get("/api/v1/sessions/" + ended + "/wrap-up").status())
                    .isEqualTo(202);
        }

        // No live turn waits: the next free slot is the wrap-up's.
        clock.advance(Duration.ofSeconds(62));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/sessions/" + ended + "/wrap-up").status() == 200);
        assertThat(upstream.requests()).hasSize(5);
        assertThat(upstream.requests().getLast().body()).contains("responseJsonSchema");
        assertThat(api.get("/api/v1/sessions/" + ended + "/wrap-up")
                        .json()
                        .get("state")
                        .asString())
                .isEqualTo("done");
    }

    @Test
    void aLiveTurnArrivingWhileTheWrapUpWaitsGoesFirst() throws Exception {
        String ended = api.newSession();
        assertThat(api.chat(ended, "eins").status()).isEqualTo(200);
        assertThat(api.chat(api.newSession(), "zwei").status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/sessions/" + ended).status()).isEqualTo(204);
        awaitBackgroundQueued();
        String live = api.newSession();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Api.Response> turn = clients.submit(() -> api.chat(live, "drei"));
            awaitQueueLength(1);

            clock.advance(Duration.ofSeconds(62));

            assertThat(turn.get().status()).isEqualTo(200);
            // Then the wrap-up has the minute's second slot.
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            api.get("/api/v1/sessions/" + ended + "/wrap-up").status() == 200);
        }
        List<RecordedRequest> requests = upstream.requests();
        assertThat(requests).hasSize(4);
        // Both got a slot of the new minute, the live turn first; which of the two threads then reaches
        // Gemini first is theirs to race, so the two requests are found by what they carry, not by index.
        List<RecordedRequest> lastTwo = requests.subList(2, 4);
        assertThat(lastTwo)
                .filteredOn(r -> r.body().contains("drei"))
                .singleElement()
                .satisfies(r -> assertThat(r.body()).doesNotContain("responseJsonSchema"));
        assertThat(lastTwo)
                .filteredOn(r -> r.body().contains("responseJsonSchema"))
                .hasSize(1);
    }

    private void awaitBackgroundQueued() {
        await().atMost(Duration.ofSeconds(10))
                .alias("the wrap-up waits in the background queue")
                .until(() -> management
                        .get("/actuator/metrics/lisa.quota.background.length")
                        .body()
                        .contains("\"value\":1.0"));
    }

    private void awaitQueueLength(int length) {
        await().atMost(Duration.ofSeconds(10))
                .alias("the queue has " + length + " waiting")
                .until(() -> api.get("/api/v1/health").json().toString().contains("\"queueLength\":" + length));
    }

    private static List<RecordedRequest> wrapUpRequests() {
        return WrapUps.requests(upstream);
    }
}
