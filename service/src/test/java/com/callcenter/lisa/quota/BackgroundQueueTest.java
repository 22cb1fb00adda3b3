package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.BesideTheSuite;
import com.callcenter.lisa.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background class of a model's queue without HTTP: served only when no live request waits, never refused
 * for its wait or the queue's length, and it gives way to live requests that come while it waits.
 */
@BesideTheSuite
class BackgroundQueueTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    private TestQuota quota;

    private QuotaScheduler scheduler(int rpm, int maxQueue) {
        quota = TestQuota.of(rpm, Duration.ofMinutes(10), maxQueue, clock, new SimpleMeterRegistry());
        return quota.scheduler();
    }

    @AfterEach
    void stop() {
        quota.close();
    }

    private CompletableFuture<Long> live(QuotaScheduler scheduler) {
        QuotaScheduler.Admission admission = scheduler.admit(0, 0, 5, clock.instant(), Share.NONE);
        Reservation reservation = scheduler.reserve(0, 5, false, PlaceListener.NONE, Share.NONE);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return scheduler.await(reservation, admission.deadline());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void liveRequestsThatCameLaterAreServedFirstAndTheBackgroundOneAfterThem() throws Exception {
        QuotaScheduler scheduler = scheduler(1, 10);
        live(scheduler).get(); // the minute's only slot
        Reservation background = scheduler.reserveBackground(0, 5, 0);
        CompletableFuture<Long> first = live(scheduler);
        CompletableFuture<Long> second = live(scheduler);

        clock.advance(Duration.ofSeconds(61));
        first.get();
        assertThat(scheduler.awaitBackground(background, Duration.ofMillis(1_500)))
                .isEmpty(); // one live still waits
        clock.advance(Duration.ofSeconds(61));
        second.get();
        assertThat(scheduler.awaitBackground(background, Duration.ofMillis(1_500)))
                .isEmpty(); // the slot was spent

        clock.advance(Duration.ofSeconds(61));
        OptionalLong slot = scheduler.awaitBackground(background, Duration.ofSeconds(5));
        assertThat(slot).isPresent();
        assertThat(quota.requestsLastMinute()).isEqualTo(1);
    }

    @Test
    void aBackgroundRequestIsNeverRefusedForTheQueueOrItsWait() throws Exception {
        QuotaScheduler scheduler = scheduler(1, 1);
        live(scheduler).get();
        CompletableFuture<Long> waiting = live(scheduler); // the live queue is full now

        Reservation background = scheduler.reserveBackground(0, 5, 0); // accepted although the live queue is full
        clock.advance(Duration.ofSeconds(61));
        waiting.get(); // the live one first
        assertThat(scheduler.awaitBackground(background, Duration.ofMillis(1_500)))
                .isEmpty();

        clock.advance(Duration.ofMinutes(30)); // far beyond any live request's maximum wait (10 min)
        assertThat(scheduler.awaitBackground(background, Duration.ofSeconds(5))).isPresent();
    }

    @Test
    void aBackgroundRequestThatLeavesTakesNoSlot() throws Exception {
        QuotaScheduler scheduler = scheduler(1, 10);
        live(scheduler).get();
        Reservation background = scheduler.reserveBackground(0, 5, 0);

        assertThat(background.cancel(new IllegalStateException("stopping"))).isTrue();
        clock.advance(Duration.ofSeconds(61));

        live(scheduler).get(Duration.ofSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(quota.requestsLastMinute()).isEqualTo(1);
    }
}
