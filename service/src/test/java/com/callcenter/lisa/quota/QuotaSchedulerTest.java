package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.gemini.GeminiReply;
import com.callcenter.lisa.gemini.TokenUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler without HTTP: queue order, admission, and leaving the queue. */
class QuotaSchedulerTest {

    private final InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    private final AtomicInteger calls = new AtomicInteger();
    private QuotaScheduler scheduler;

    private QuotaScheduler scheduler(int rpm, Duration maxWait, int maxQueue) {
        QuotaProperties properties = new QuotaProperties(new QuotaProperties.Budget(rpm, 0, 0), List.of(), maxWait,
                maxQueue, Duration.ofSeconds(60), "memory", new QuotaProperties.Retry(1, Duration.ofMillis(10),
                Duration.ofMillis(10)), new QuotaProperties.Breaker(5, Duration.ofSeconds(30)));
        ModelLane lane = new ModelLane("m", new ModelBudget(rpm, 0, 0), ledger, Clock.systemUTC(), maxQueue,
                new CircuitBreaker(5, Duration.ofSeconds(30)), new AdaptiveLimit(rpm, Duration.ofMinutes(10)));
        scheduler = new QuotaScheduler(List.of(lane), properties, Clock.systemUTC(), new SimpleMeterRegistry());
        return scheduler;
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    private GeminiReply call(String model) {
        calls.incrementAndGet();
        return new GeminiReply("ok", "STOP", model, new TokenUsage(5, 1, 6));
    }

    @Test
    void aRequestWhoseClientWentAwayLeavesTheQueueWithoutSpendingQuota() throws Exception {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(90), 10);
        scheduler.dispatch(scheduler.admit(0, 5), 5, this::call); // uses the minute's only slot

        Thread waiting = queueOne(scheduler);

        waiting.interrupt(); // what the web layer does when the client disconnects
        waiting.join(5_000);

        assertThat(scheduler.state().getFirst().queueLength()).isZero();
        assertThat(ledger.usage("m", java.time.Instant.now()).requestsLastMinute()).isEqualTo(1);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aRequestThatCouldNotBeServedInTimeIsRefusedOnArrivalWithAnHonestWait() {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(10), 10);
        try {
            scheduler.dispatch(scheduler.admit(0, 5), 5, this::call);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }

        assertThatThrownBy(() -> scheduler.admit(0, 5))
                .isInstanceOfSatisfying(QuotaRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(QuotaRejectedException.Reason.WAIT_TOO_LONG);
                    // The slot frees 60 s after the first call; coming back 50 s from now fits the 10 s wait.
                    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(49), Duration.ofSeconds(50));
                });
        assertThat(calls).hasValue(1);
    }

    @Test
    void aFullQueueRefusesNewRequests() throws Exception {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(120), 1);
        scheduler.dispatch(scheduler.admit(0, 5), 5, this::call);
        Thread waiting = queueOne(scheduler);

        assertThatThrownBy(() -> scheduler.admit(0, 5))
                .isInstanceOfSatisfying(QuotaRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(QuotaRejectedException.Reason.QUEUE_FULL));
        waiting.interrupt();
        waiting.join(5_000);
    }

    /** A request that waits in the queue on its own thread, until interrupted. */
    private Thread queueOne(QuotaScheduler scheduler) throws InterruptedException {
        QuotaScheduler.Admission admission = scheduler.admit(0, 5);
        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                scheduler.dispatch(admission, 5, this::call);
            } catch (InterruptedException expected) {
                Thread.currentThread().interrupt();
            }
        });
        awaitQueueLength(scheduler, 1);
        return waiting;
    }

    private static void awaitQueueLength(QuotaScheduler scheduler, int length) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> assertThat(scheduler.state().getFirst().queueLength()).isEqualTo(length));
    }
}
