package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue of reservations without HTTP: admission, order, places pushed, leaving, and a dispatcher that survives. */
class QuotaSchedulerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    private TestQuota quota;

    private QuotaScheduler scheduler(int rpm, Duration maxWait, int maxQueue) {
        quota = TestQuota.of(rpm, maxWait, maxQueue, clock, new SimpleMeterRegistry());
        return quota.scheduler();
    }

    @AfterEach
    void stop() {
        quota.close();
    }

    /** Admits, reserves and waits for a slot, as the attempt loop does. */
    private long takeSlot(QuotaScheduler scheduler, PlaceListener listener) throws InterruptedException {
        QuotaScheduler.Admission admission = scheduler.admit(0, 0, 5, clock.instant(), Share.NONE);
        Reservation reservation = scheduler.reserve(0, 5, false, listener, Share.NONE);
        return scheduler.await(reservation, admission.deadline());
    }

    @Test
    void aRequestWhoseWaiterIsInterruptedLeavesTheQueueWithoutSpendingQuota() throws Exception {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(90), 10);
        takeSlot(scheduler, PlaceListener.NONE); // uses the minute's only slot

        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                takeSlot(scheduler, PlaceListener.NONE);
            } catch (InterruptedException expected) {
                Thread.currentThread().interrupt();
            }
        });
        await().until(() -> scheduler.state().getFirst().queueLength() == 1);

        waiting.interrupt(); // what the web layer does when the client disconnects
        waiting.join(5_000);
        assertThat(scheduler.state().getFirst().queueLength()).isZero();
        clock.advance(Duration.ofSeconds(61));

        // The next minute's slot is free for a newcomer: the interrupted request took none.
        takeSlot(scheduler, PlaceListener.NONE);
        assertThat(quota.requestsLastMinute()).isEqualTo(1);
    }

    @Test
    void aRequestThatCouldNotBeServedInTimeIsRefusedOnArrivalWithAnHonestWait() throws Exception {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(10), 10);
        takeSlot(scheduler, PlaceListener.NONE);

        assertThatThrownBy(() -> scheduler.admit(0, 0, 5, clock.instant(), Share.NONE))
                .isInstanceOfSatisfying(QuotaRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(QuotaRejectedException.Reason.WAIT_TOO_LONG);
                    // The slot frees 60 s after the first call; coming back 50 s from now fits the 10 s wait.
                    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(49), Duration.ofSeconds(50));
                });
        assertThat(quota.requestsLastMinute()).isEqualTo(1);
    }

    @Test
    void aFullQueueRefusesNewRequests() throws Exception {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(120), 1);
        takeSlot(scheduler, PlaceListener.NONE);
        Reservation waiting = scheduler.reserve(0, 5, false, PlaceListener.NONE, Share.NONE);

        assertThatThrownBy(() -> scheduler.admit(0, 0, 5, clock.instant(), Share.NONE))
                .isInstanceOfSatisfying(
                        QuotaRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(QuotaRejectedException.Reason.QUEUE_FULL));
        assertThat(waiting.cancel(QueuePlace.clientGone())).isTrue();
    }

    @Test
    void waitingRequestsAreToldEachNewPlaceAsTheQueueMoves() throws Exception {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(600), 10);
        takeSlot(scheduler, PlaceListener.NONE);
        List<Integer> first = new CopyOnWriteArrayList<>();
        List<Integer> third = new CopyOnWriteArrayList<>();
        List<Duration> waits = new CopyOnWriteArrayList<>();
        Reservation a = scheduler.reserve(0, 5, false, (position, wait) -> first.add(position), Share.NONE);
        Reservation b = scheduler.reserve(0, 5, false, PlaceListener.NONE, Share.NONE);
        Reservation c = scheduler.reserve(
                0,
                5,
                false,
                (position, wait) -> {
                    third.add(position);
                    waits.add(wait);
                },
                Share.NONE);
        assertThat(List.of(a.position(), b.position(), c.position())).containsExactly(1, 2, 3);

        b.cancel(QueuePlace.clientGone()); // the one in the middle leaves: only those behind it move
        await().until(() -> third.contains(2));

        clock.advance(Duration.ofSeconds(61)); // a's slot frees: a goes, c is next
        assertThat(scheduler.await(a, clock.instant().plusSeconds(5))).isPositive();
        await().until(() -> third.contains(1));

        assertThat(first).containsExactly(1);
        assertThat(third).containsExactly(3, 2, 1);
        // Estimated once when queued (a slot a minute, the first in 60 s), then scaled as it moves up.
        assertThat(waits.getLast()).isPositive().isLessThan(waits.getFirst());
        assertThat(c.cancel(QueuePlace.clientGone())).isTrue();
    }

    @Test
    void theDispatcherKeepsServingAfterTheLedgerFailsOnce() throws Exception {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(600), 10);
        takeSlot(scheduler, PlaceListener.NONE);
        Reservation unlucky = scheduler.reserve(0, 5, false, PlaceListener.NONE, Share.NONE);
        Reservation next = scheduler.reserve(0, 5, false, PlaceListener.NONE, Share.NONE);
        quota.failNextAcquire();

        clock.advance(Duration.ofSeconds(61));

        // The head learns what failed, as itself (never wrapped), and the queue goes on.
        assertThatThrownBy(() -> scheduler.await(unlucky, clock.instant().plusSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed once");
        assertThat(scheduler.await(next, clock.instant().plusSeconds(5))).isPositive();
    }

    @Test
    void theDispatcherKeepsServingWhenTellingAPlaceFails() throws Exception {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(600), 10);
        takeSlot(scheduler, PlaceListener.NONE);
        Reservation first = scheduler.reserve(0, 5, false, PlaceListener.NONE, Share.NONE);
        AtomicReference<Integer> told = new AtomicReference<>();
        Reservation second = scheduler.reserve(
                0,
                5,
                false,
                (position, wait) -> {
                    told.set(position);
                    if (position == 1) {
                        throw new IllegalStateException("a listener that breaks");
                    }
                },
                Share.NONE);

        clock.advance(Duration.ofSeconds(61));
        assertThat(scheduler.await(first, clock.instant().plusSeconds(5))).isPositive();
        await().until(() -> Integer.valueOf(1).equals(told.get()));
        clock.advance(Duration.ofSeconds(61));

        assertThat(scheduler.await(second, clock.instant().plusSeconds(5))).isPositive();
    }

    @Test
    void aRefusalHandedOverThroughTheSlotIsThatRefusalNotAWrappedOne() {
        QuotaScheduler scheduler = scheduler(1, Duration.ofSeconds(600), 10);
        scheduler.reserve(0, 5, false, PlaceListener.NONE, Share.NONE); // takes the slot on the spot
        Reservation refused = scheduler.reserve(0, 5, false, PlaceListener.NONE, Share.NONE);
        QuotaRejectedException why = QueuePlace.sessionEnded();
        assertThat(refused.cancel(why)).isTrue();

        // What the wait does when its time ran out just as the slot was completed by someone else.
        assertThatThrownBy(refused::granted).isSameAs(why);
        assertThatThrownBy(() -> scheduler.await(refused, clock.instant())).isSameAs(why);
    }
}
