package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each client's share of a small Gemini budget (issue 12 point 5), at the level of the queue with a
 * moved clock: no real minute passes. The budget is 2 requests a minute, and the clock moves 31 s a
 * step, so that each step frees exactly the one slot granted two steps before: one grant per step,
 * and the test sees every grant in order.
 *
 * <p>Sessions behave like chat sessions: one request waiting each, the next one queued as soon as the
 * previous one was let out.
 */
class FairShareTest {

    private static final Duration STEP = Duration.ofSeconds(31);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    private TestQuota quota;

    @AfterEach
    void stop() {
        quota.close();
    }

    /** A budget of 2 requests/min, already full when the sessions arrive. */
    private QuotaScheduler saturated(ToIntFunction<String> weights) throws InterruptedException {
        quota = TestQuota.of(2, Duration.ofHours(2), 500, clock, new SimpleMeterRegistry(), weights);
        QuotaScheduler scheduler = quota.scheduler();
        Share filler = new Share("filler", "filler");
        scheduler.await(scheduler.reserve(0, 5, false, PlaceListener.NONE, filler), clock.instant());
        clock.advance(STEP);
        scheduler.await(scheduler.reserve(0, 5, false, PlaceListener.NONE, filler), clock.instant());
        return scheduler;
    }

    /** Sessions that keep one request waiting each; counts the slots each owner got. */
    private static final class Sessions {
        final QuotaScheduler scheduler;
        final List<Reservation> waiting = new ArrayList<>();
        final Map<Share, Integer> served = new LinkedHashMap<>();

        Sessions(QuotaScheduler scheduler) {
            this.scheduler = scheduler;
        }

        void add(Share share, int sessions) {
            served.putIfAbsent(share, 0);
            for (int i = 0; i < sessions; i++) {
                waiting.add(scheduler.reserve(0, 5, false, PlaceListener.NONE, share));
            }
        }

        /** Waits for the step's one grant; the session served queues its next message at once. */
        Share nextGrant() {
            Reservation granted = soon().until(
                            () -> waiting.stream().filter(r -> r.slot.isDone()).toList(), done -> !done.isEmpty())
                    .getFirst();
            assertThat(granted.slot.isCompletedExceptionally()).isFalse();
            waiting.remove(granted);
            served.merge(granted.share, 1, Integer::sum);
            waiting.add(scheduler.reserve(0, 5, false, PlaceListener.NONE, granted.share));
            return granted.share;
        }

        int ofTenant(String tenant) {
            return served.entrySet().stream()
                    .filter(e -> e.getKey().tenant().equals(tenant))
                    .mapToInt(Map.Entry::getValue)
                    .sum();
        }
    }

    private Sessions run(Sessions sessions, int slots) {
        for (int i = 0; i < slots; i++) {
            clock.advance(STEP);
            sessions.nextGrant();
            // Exactly one slot per step: nothing else was let out.
            assertThat(sessions.waiting.stream().filter(r -> r.slot.isDone())).isEmpty();
        }
        return sessions;
    }

    /** A step's grant comes within milliseconds (the test quota's dispatcher rechecks that often). */
    private static ConditionFactory soon() {
        return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    /** Jain's fairness index: 1 when everybody got the same, 1/n when one got everything. */
    private static double jain(Iterable<Integer> shares) {
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (int share : shares) {
            sum += share;
            squares += (double) share * share;
            n++;
        }
        return sum * sum / (n * squares);
    }

    @Test
    void aTenantWithTwoSessionsGetsHalfTheSlotsOfOneWithTwentyAndOwnersShareEqually() throws Exception {
        Sessions sessions = new Sessions(saturated(tenant -> 1));
        // Tenant A: a telephony server carrying 19 conversations, and one agent's app with 1.
        sessions.add(new Share("A", "api-key:telephony"), 19);
        sessions.add(new Share("A", "agent-a"), 1);
        // Tenant B: two agents' apps, one conversation each.
        sessions.add(new Share("B", "agent-b1"), 1);
        sessions.add(new Share("B", "agent-b2"), 1);

        int slots = 40; // 20 minutes of a 2-requests-a-minute budget
        run(sessions, slots);

        // B gets half (within one slot per minute; in fact within one slot).
        assertThat(sessions.ofTenant("B")).isBetween(slots / 2 - 1, slots / 2 + 1);
        // Every owner a quarter, whatever its number of sessions: first come, first served would give
        // the telephony server 19 of every 22 slots (Jain's index about 0.33).
        double index = jain(sessions.served.values());
        assertThat(index)
                .as("Jain's index over owners, served %s", sessions.served)
                .isGreaterThanOrEqualTo(0.95);
        assertThat(sessions.served.values()).allSatisfy(n -> assertThat(n).isBetween(9, 11));
    }

    @Test
    void anOwnerWithAHundredWaitingSessionsGetsNoMoreThanOneWithOne() throws Exception {
        Sessions sessions = new Sessions(saturated(tenant -> 1));
        Share busy = new Share(Share.DEFAULT_TENANT, "busy");
        Share quiet = new Share(Share.DEFAULT_TENANT, "quiet");
        sessions.add(busy, 100);
        sessions.add(quiet, 1);

        run(sessions, 20);

        assertThat(sessions.served.get(quiet)).isBetween(9, 11);
        assertThat(sessions.served.get(busy)).isBetween(9, 11);
    }

    @Test
    void weightsTwoToOneGiveTwoSlotsToOne() throws Exception {
        Sessions sessions = new Sessions(saturated(tenant -> "A".equals(tenant) ? 2 : 1));
        sessions.add(new Share("A", "api-key:telephony"), 20);
        sessions.add(new Share("B", "agent-b1"), 2);

        int slots = 30;
        run(sessions, slots);

        assertThat(sessions.ofTenant("A")).isBetween(19, 21);
        assertThat(sessions.ofTenant("B")).isBetween(9, 11);
    }

    @Test
    void placesToldAndEstimatedAreTheOrderTheSlotsAreGivenIn() throws Exception {
        QuotaScheduler scheduler = saturated(tenant -> 1);
        Map<Reservation, List<Integer>> told = new IdentityHashMap<>();
        List<Reservation> waiting = new ArrayList<>();
        Map<Reservation, Share> shares = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            Share share = new Share("A", i < 9 ? "api-key:telephony" : "agent-a");
            List<Integer> places = new ArrayList<>();
            Reservation reservation = scheduler.reserve(0, 5, false, (position, wait) -> places.add(position), share);
            told.put(reservation, places);
            waiting.add(reservation);
            shares.put(reservation, share);
        }
        Reservation lastOfA = waiting.getLast();
        int placeBefore = lastOfA.position();

        // A newcomer of another tenant is estimated where the round robin puts it: second, right
        // after the tenant that was waiting first, not 13th at the tail.
        Share newcomer = new Share("B", "agent-b1");
        QuotaScheduler.Admission admission = scheduler.admit(0, 0, 5, clock.instant(), newcomer);
        assertThat(admission.place().arrivalPosition()).isEqualTo(2);
        Reservation b = scheduler.reserve(0, 5, false, PlaceListener.NONE, newcomer);
        assertThat(b.position()).isEqualTo(admission.place().arrivalPosition());
        // Those it went ahead of were told their new place, one further back.
        await().until(() -> told.get(lastOfA).getLast() == placeBefore + 1);
        assertThat(lastOfA.position()).isEqualTo(placeBefore + 1);
        waiting.add(b);
        shares.put(b, newcomer);

        // The places as they stand are the order the slots then come in.
        List<Reservation> predicted = waiting.stream()
                .sorted(Comparator.comparingInt(Reservation::position))
                .toList();
        assertThat(predicted.stream().map(Reservation::position).toList())
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, waiting.size())
                        .boxed()
                        .toList());
        List<Reservation> granted = new ArrayList<>();
        for (int i = 0; i < waiting.size(); i++) {
            clock.advance(STEP);
            granted.add(soon().until(
                            () -> waiting.stream()
                                    .filter(r -> r.slot.isDone() && !granted.contains(r))
                                    .toList(),
                            done -> done.size() == 1)
                    .getFirst());
        }
        assertThat(granted).containsExactlyElementsOf(predicted);
        // Tenants take turns, and the two owners of A take turns while the agent has requests.
        assertThat(granted.subList(0, 8).stream()
                        .map(r -> shares.get(r).owner())
                        .toList())
                .containsExactly(
                        "api-key:telephony",
                        "agent-b1",
                        "agent-a",
                        "api-key:telephony",
                        "agent-a",
                        "api-key:telephony",
                        "agent-a",
                        "api-key:telephony");
    }
}
