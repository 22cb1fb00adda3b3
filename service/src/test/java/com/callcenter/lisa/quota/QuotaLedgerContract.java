package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.quota.QuotaLedger.Decision;
import com.callcenter.lisa.quota.QuotaLedger.Decision.Granted;
import com.callcenter.lisa.quota.QuotaLedger.Decision.Wait;
import com.callcenter.lisa.quota.QuotaLedger.Limit;
import com.callcenter.lisa.quota.QuotaLedger.Usage;
import com.callcenter.lisa.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every {@link QuotaLedger} must do, run against each implementation by a subclass. Time is
 * always passed in, so nothing here waits; each test works on a model of its own, so one ledger (one
 * database) can serve the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QuotaLedgerContract {

    /** A Monday, 09:00 in Los Angeles (daylight saving time). */
    static final Instant T0 = Instant.parse("2026-05-04T16:00:00Z");

    /** The ledger under test; called once per test. */
    abstract QuotaLedger ledger();

    QuotaLedger ledger;
    String model;

    @BeforeEach
    void freshModel() {
        ledger = ledger();
        model = newModel();
    }

    static String newModel() {
        return "gemini-test-" + UUID.randomUUID();
    }

    @Test
    void aReleasedRequestNoLongerCounts() {
        ModelBudget budget = new ModelBudget(2, 0, 5);
        Decision first = acquire(budget, 10, seconds(0));
        assertGranted(first);
        assertGranted(acquire(budget, 10, seconds(1)));
        assertWait(acquire(budget, 10, seconds(2)), Duration.ofSeconds(58), Limit.REQUESTS_PER_MINUTE);

        // Gemini refused the first with a 429 and did not count it.
        ledger.release(model, ((Granted) first).id());

        assertThat(ledger.usage(model, seconds(2))).isEqualTo(new Usage(1, 10, 1));
        assertGranted(acquire(budget, 10, seconds(2)));
        ledger.release(model, 123_456_789L); // unknown ids are ignored
        assertThat(ledger.usage(model, seconds(2))).isEqualTo(new Usage(2, 20, 2));
    }

    /**
     * 2,000 requests in 20 seconds (100 in each second) are decided from their 20 seconds' buckets: the
     * oldest request still leaves exactly on time, and the other 99 of its second are taken as sent
     * with the last of them, 0.99 s later than the first: stricter than the exact rule by under a
     * second, never laxer.
     */
    @Test
    void aBusyWindowIsDecidedFromItsSecondsNotItsRequests() {
        ModelBudget budget = busyWindow();
        assertWait(acquire(budget, 1, seconds(20)), Duration.ofSeconds(40), Limit.REQUESTS_PER_MINUTE);
        assertGranted(acquire(budget, 1, seconds(60)));
        assertWait(acquire(budget, 1, seconds(60)), Duration.ofMillis(990), Limit.REQUESTS_PER_MINUTE);
        assertGranted(acquire(budget, 1, seconds(60.99)));
        assertThat(ledger.usage(model, seconds(60.99))).isEqualTo(new Usage(1_902, 1_902, 2_002));
    }

    /**
     * Releasing the first request of a second: which of the others is now the first is not recorded,
     * so all of them count as sent with the last one.
     */
    @Test
    void releasingTheFirstOfASecondKeepsTheOthersUntilItsLastLeaves() {
        ModelBudget three = new ModelBudget(3, 0, 0);
        long first = assertGranted(acquire(three, 10, seconds(0.1)));
        assertGranted(acquire(three, 20, seconds(0.5)));
        assertGranted(acquire(three, 30, seconds(0.6)));
        ledger.release(model, first);
        assertThat(ledger.usage(model, seconds(1))).isEqualTo(new Usage(2, 50, 2));
        // Exactly, the request of 0.5 s would leave at 60.5 s; it is kept until the one of 0.6 s leaves.
        ModelBudget two = new ModelBudget(2, 0, 0);
        assertWait(acquire(two, 1, seconds(10)), Duration.ofMillis(50_600), Limit.REQUESTS_PER_MINUTE);
        assertGranted(acquire(two, 1, seconds(60.6)));
        assertGranted(acquire(two, 1, seconds(60.6)));
    }

    @Test
    void aLongerWindowKeepsRequestsLonger() {
        // The margin for the trip to Google: a request counts 61 s instead of 60.
        QuotaLedger margined = ledgerWithWindow(Duration.ofSeconds(61));
        ModelBudget budget = new ModelBudget(1, 0, 0);
        assertGranted(margined.tryAcquire(model, budget, 1, seconds(0)));
        assertWait(
                margined.tryAcquire(model, budget, 1, seconds(60)), Duration.ofSeconds(1), Limit.REQUESTS_PER_MINUTE);
        assertGranted(margined.tryAcquire(model, budget, 1, seconds(61)));
    }

    /** The same kind of ledger, counting requests over {@code window}. */
    abstract QuotaLedger ledgerWithWindow(Duration window);

    @Test
    void grantsUpToTheRequestLimitThenWaitsUntilTheOldestLeaves() {
        ModelBudget budget = new ModelBudget(3, 0, 0);
        assertGranted(acquire(budget, 10, seconds(0)));
        assertGranted(acquire(budget, 10, seconds(10)));
        assertGranted(acquire(budget, 10, seconds(20)));

        assertWait(acquire(budget, 10, seconds(30)), Duration.ofSeconds(30), Limit.REQUESTS_PER_MINUTE);
        assertWait(acquire(budget, 10, seconds(59.999)), Duration.ofMillis(1), Limit.REQUESTS_PER_MINUTE);
        assertGranted(acquire(budget, 10, seconds(60)));
        assertWait(acquire(budget, 10, seconds(60)), Duration.ofSeconds(10), Limit.REQUESTS_PER_MINUTE);
    }

    @Test
    void theWindowRollsInsteadOfRestartingEachMinute() {
        ModelBudget budget = new ModelBudget(3, 0, 0);
        assertGranted(acquire(budget, 1, seconds(0)));
        assertGranted(acquire(budget, 1, seconds(59)));
        assertGranted(acquire(budget, 1, seconds(59.5)));

        // Fixed minutes would now allow three more at once; in the rolling window only the request
        // of 0 s has left, at exactly 60 s.
        assertWait(acquire(budget, 1, seconds(59.999)), Duration.ofMillis(1), Limit.REQUESTS_PER_MINUTE);
        assertGranted(acquire(budget, 1, seconds(60)));
        assertWait(acquire(budget, 1, seconds(60)), Duration.ofSeconds(59), Limit.REQUESTS_PER_MINUTE);
        assertGranted(acquire(budget, 1, seconds(119)));
        assertWait(acquire(budget, 1, seconds(119.2)), Duration.ofMillis(300), Limit.REQUESTS_PER_MINUTE);
    }

    /**
     * Many requests at random moments, each retried after exactly the wait it is told: every wait
     * must be exact (one millisecond earlier is still refused, at the wait it is granted), no 60
     * seconds may ever hold more than the request budget, and no grant may put the window over the
     * token budget as the ledger knew it (estimates corrected by actual counts along the way).
     */
    @Test
    void noSixtySecondsEverHoldMoreThanTheBudgetInALongRandomRun() {
        ModelBudget budget = new ModelBudget(4, 1_000, 0);
        Random random = new Random(20260504);
        List<Instant> grants = new ArrayList<>();
        List<Sent> known = new ArrayList<>();
        Set<Limit> limitsSeen = EnumSet.noneOf(Limit.class);
        Instant now = T0;
        for (int request = 0; request < 150; request++) {
            now = now.plusMillis((long) (-Math.log(1 - random.nextDouble()) * 8_000));
            int tokens = 1 + random.nextInt(500);
            Decision decision = acquire(budget, tokens, now);
            if (decision instanceof Wait(Duration after, Limit limit)) {
                assertThat(after).isPositive();
                limitsSeen.add(limit);
                if (after.compareTo(Duration.ofMillis(1)) > 0) {
                    assertThat(acquire(budget, tokens, now.plus(after).minusMillis(1)))
                            .isInstanceOf(Wait.class);
                }
                now = now.plus(after);
                decision = acquire(budget, tokens, now);
            }
            long id = assertGranted(decision);
            grants.add(now);
            Instant windowStart = now.minus(QuotaRules.WINDOW);
            long inWindow = known.stream()
                    .filter(sent -> sent.at().isAfter(windowStart))
                    .mapToLong(Sent::tokens)
                    .sum();
            assertThat(inWindow + tokens).isLessThanOrEqualTo(budget.inputTokensPerMinute());
            Sent sent = new Sent(id, now, tokens);
            known.add(sent);
            if (random.nextInt(3) == 0) {
                // Gemini's count differs from the estimate, in either direction.
                int actual = Math.max(1, tokens + random.nextInt(201) - 100);
                ledger.correct(model, id, actual);
                known.set(known.size() - 1, new Sent(id, now, actual));
            }
        }
        for (Instant end : grants) {
            long inSixtySeconds = grants.stream()
                    .filter(at -> at.isAfter(end.minus(QuotaRules.WINDOW)) && !at.isAfter(end))
                    .count();
            assertThat(inSixtySeconds).isLessThanOrEqualTo(budget.requestsPerMinute());
        }
        // The run really pressed on both budgets.
        assertThat(limitsSeen).containsExactlyInAnyOrder(Limit.REQUESTS_PER_MINUTE, Limit.INPUT_TOKENS_PER_MINUTE);
    }

    private record Sent(long id, Instant at, long tokens) {}

    @Test
    void tokensWaitUntilEnoughOfTheOldestHaveLeft() {
        ModelBudget budget = new ModelBudget(0, 1_000, 0);
        assertGranted(acquire(budget, 400, seconds(0)));
        assertGranted(acquire(budget, 300, seconds(10)));
        assertGranted(acquire(budget, 200, seconds(20)));

        assertWait(acquire(budget, 300, seconds(30)), Duration.ofSeconds(30), Limit.INPUT_TOKENS_PER_MINUTE);
        assertGranted(acquire(budget, 100, seconds(30)));
        // 1000 in the window; 500 more fit only once 400 and 300 have left, at 70 s.
        assertWait(acquire(budget, 500, seconds(31)), Duration.ofSeconds(39), Limit.INPUT_TOKENS_PER_MINUTE);
        assertGranted(acquire(budget, 500, seconds(70)));
    }

    @Test
    void correctionsReplaceTheEstimateByTheActualCount() {
        ModelBudget budget = new ModelBudget(0, 1_000, 0);
        long id = assertGranted(acquire(budget, 100, seconds(0)));
        ledger.correct(model, id, 900);
        assertThat(ledger.usage(model, seconds(1))).isEqualTo(new Usage(1, 900, 1));
        assertWait(acquire(budget, 200, seconds(1)), Duration.ofSeconds(59), Limit.INPUT_TOKENS_PER_MINUTE);

        ledger.correct(model, id, 50);
        assertGranted(acquire(budget, 200, seconds(2)));
        assertThat(ledger.usage(model, seconds(2))).isEqualTo(new Usage(2, 250, 2));

        // Unknown ids and requests that have left the window change nothing.
        ledger.correct(model, id + 1_000_000, 10);
        ledger.correct(newModel(), id, 10);
        assertThat(ledger.usage(model, seconds(61))).isEqualTo(new Usage(1, 200, 2));
        ledger.correct(model, id, 5_000);
        assertThat(ledger.usage(model, seconds(61))).isEqualTo(new Usage(1, 200, 2));
        assertGranted(acquire(budget, 800, seconds(61)));
    }

    @Test
    void aRequestLargerThanTheWholeTokenBudgetGoesAloneOnceTheWindowIsEmpty() {
        ModelBudget budget = new ModelBudget(0, 1_000, 0);
        assertGranted(acquire(budget, 100, seconds(0)));
        assertWait(acquire(budget, 5_000, seconds(10)), Duration.ofSeconds(50), Limit.INPUT_TOKENS_PER_MINUTE);
        assertGranted(acquire(budget, 5_000, seconds(60)));
        // Logged with its real size: the next one waits until it has left.
        assertWait(acquire(budget, 1, seconds(61)), Duration.ofSeconds(59), Limit.INPUT_TOKENS_PER_MINUTE);
        assertGranted(acquire(budget, 1, seconds(120)));
    }

    @Test
    void requestsPerDayResetExactlyAtMidnightInLosAngeles() {
        ModelBudget budget = new ModelBudget(0, 0, 2);
        Instant elevenPm = Instant.parse("2026-05-05T06:00:00Z"); // 23:00 PDT on May 4th
        assertGranted(acquire(budget, 1, elevenPm));
        assertGranted(acquire(budget, 1, elevenPm.plusSeconds(1)));

        assertWait(
                acquire(budget, 1, elevenPm.plusSeconds(2)),
                Duration.ofHours(1).minusSeconds(2),
                Limit.REQUESTS_PER_DAY);
        Instant midnight = Instant.parse("2026-05-05T07:00:00Z");
        assertWait(acquire(budget, 1, midnight.minusMillis(1)), Duration.ofMillis(1), Limit.REQUESTS_PER_DAY);
        assertGranted(acquire(budget, 1, midnight));
        assertGranted(acquire(budget, 1, midnight.plusSeconds(1)));
        assertThat(ledger.usage(model, midnight.plusSeconds(1)).requestsToday()).isEqualTo(2);
    }

    @Test
    void theDayFollowsDaylightSavingTime() {
        ModelBudget budget = new ModelBudget(0, 0, 1);
        // March 8th 2026 has 23 hours in Los Angeles: 00:00:30 PST is 08:00:30 UTC, the next midnight
        // is 00:00 PDT = 07:00 UTC.
        Instant springStart = Instant.parse("2026-03-08T08:00:30Z");
        assertGranted(acquire(budget, 1, springStart));
        assertWait(acquire(budget, 1, springStart), Duration.parse("PT22H59M30S"), Limit.REQUESTS_PER_DAY);
        assertGranted(acquire(budget, 1, Instant.parse("2026-03-09T07:00:00Z")));

        // November 1st 2026 has 25 hours: 00:00:30 PDT is 07:00:30 UTC, the next midnight 08:00 UTC.
        model = newModel();
        Instant autumnStart = Instant.parse("2026-11-01T07:00:30Z");
        assertGranted(acquire(budget, 1, autumnStart));
        assertWait(acquire(budget, 1, autumnStart), Duration.parse("PT24H59M30S"), Limit.REQUESTS_PER_DAY);
        assertWait(
                acquire(budget, 1, Instant.parse("2026-11-02T07:00:00Z")), Duration.ofHours(1), Limit.REQUESTS_PER_DAY);
        assertGranted(acquire(budget, 1, Instant.parse("2026-11-02T08:00:00Z")));
    }

    @Test
    void whenSeveralLimitsSayNoTheLongestWaitAndItsLimitAreReturned() {
        ModelBudget budget = new ModelBudget(2, 1_000, 0);
        assertGranted(acquire(budget, 100, seconds(0)));
        assertGranted(acquire(budget, 800, seconds(30)));
        // Requests: one slot frees at 60 s (wait 20 s); tokens: 300 fit only after both left, at 90 s.
        assertWait(acquire(budget, 300, seconds(40)), Duration.ofSeconds(50), Limit.INPUT_TOKENS_PER_MINUTE);
        assertWait(acquire(budget, 50, seconds(40)), Duration.ofSeconds(20), Limit.REQUESTS_PER_MINUTE);

        model = newModel();
        ModelBudget daily = new ModelBudget(1, 0, 1);
        assertGranted(acquire(daily, 1, T0));
        Decision next = acquire(daily, 1, T0.plusSeconds(1));
        assertThat(next).isInstanceOf(Wait.class);
        assertThat(((Wait) next).limit()).isEqualTo(Limit.REQUESTS_PER_DAY);
        assertThat(((Wait) next).after()).isGreaterThan(Duration.ofMinutes(1));
    }

    @Test
    void usageCountsTheLastSixtySecondsAndTheDay() {
        ModelBudget budget = new ModelBudget(10, 10_000, 100);
        assertThat(ledger.usage(model, seconds(0))).isEqualTo(new Usage(0, 0, 0));
        assertGranted(acquire(budget, 100, seconds(0)));
        assertGranted(acquire(budget, 200, seconds(30)));
        assertGranted(acquire(budget, 300, seconds(59)));
        assertThat(ledger.usage(model, seconds(59))).isEqualTo(new Usage(3, 600, 3));
        assertThat(ledger.usage(model, seconds(60))).isEqualTo(new Usage(2, 500, 3));
        assertThat(ledger.usage(model, seconds(200))).isEqualTo(new Usage(0, 0, 3));
    }

    /**
     * The estimate for position k is when the k-th of k back-to-back requests really goes, found by
     * asking the ledger and moving a fake clock by each wait it gives. The budget mixes all three
     * limits and the run crosses midnight in Los Angeles.
     */
    @Test
    void estimateWaitIsWhenBackToBackRequestsAreReallyGranted() {
        ModelBudget budget = new ModelBudget(3, 1_000, 7);
        Instant start = Instant.parse("2026-05-05T06:58:00Z"); // 23:58 PDT
        List<Duration> estimates = new ArrayList<>();
        for (int position = 1; position <= 10; position++) {
            model = newModel();
            // The same history for every position: four of today's seven, 900 tokens in the window.
            assertGranted(acquire(budget, 100, start.minusSeconds(3_000)));
            assertGranted(acquire(budget, 500, start.minusSeconds(50)));
            assertGranted(acquire(budget, 200, start.minusSeconds(20)));
            assertGranted(acquire(budget, 200, start.minusSeconds(5)));

            Duration estimate = ledger.estimateWait(model, budget, position, 300, start);
            estimates.add(estimate);

            MutableClock clock = new MutableClock(start);
            for (int granted = 0; granted < position; ) {
                Decision decision = acquire(budget, 300, clock.instant());
                if (decision instanceof Wait wait) {
                    clock.advance(wait.after());
                } else {
                    granted++;
                }
            }
            assertThat(Duration.between(start, clock.instant()))
                    .as("position %d", position)
                    .isEqualTo(estimate);
        }
        // The first waits for the 500 tokens of 23:57:10 to leave; the fourth is the eighth of the day
        // and goes at midnight in Los Angeles (07:00 UTC); rpm then spaces them by 60 s.
        assertThat(estimates).isSorted();
        assertThat(estimates.get(0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(start.plus(estimates.get(3))).isEqualTo(Instant.parse("2026-05-05T07:00:00Z"));
        assertThat(estimates.get(9)).isEqualTo(Duration.ofMinutes(4));
    }

    /** Rounds of {@link #callersAtTheSameInstantNeverGetMoreThanTheBudget}; cheap ledgers can afford more. */
    int concurrentRounds() {
        return 20;
    }

    /**
     * Sixteen threads ask at the same instant, round after round (a minute apart, so each round starts
     * with an empty window): each round exactly the budget is granted, and the others are told the
     * exact wait.
     */
    @Test
    void callersAtTheSameInstantNeverGetMoreThanTheBudget() throws Exception {
        ModelBudget budget = new ModelBudget(10, 0, 0);
        int callers = 16;
        int rounds = concurrentRounds();
        // A phaser rather than a barrier: a thread that fails leaves it, so the others are not left
        // waiting for it and the test fails instead of hanging.
        Phaser together = new Phaser(callers);
        List<Future<List<Decision>>> threadsDecisions = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                threadsDecisions.add(threads.submit(() -> {
                    List<Decision> decisions = new ArrayList<>();
                    try {
                        for (int round = 0; round < rounds; round++) {
                            together.arriveAndAwaitAdvance();
                            decisions.add(acquire(budget, 1, T0.plus(Duration.ofMinutes(round))));
                        }
                    } finally {
                        together.arriveAndDeregister();
                    }
                    return decisions;
                }));
            }
        }
        Set<Long> ids = new HashSet<>();
        for (int round = 0; round < rounds; round++) {
            int granted = 0;
            for (Future<List<Decision>> thread : threadsDecisions) {
                Decision decision = thread.get().get(round);
                if (decision instanceof Granted(long id)) {
                    assertThat(ids.add(id)).as("id %d is new", id).isTrue();
                    granted++;
                } else {
                    assertWait(decision, Duration.ofSeconds(60), Limit.REQUESTS_PER_MINUTE);
                }
            }
            assertThat(granted).as("grants in round %d", round).isEqualTo(budget.requestsPerMinute());
        }
        assertThat(ledger.usage(model, T0.plus(Duration.ofMinutes(rounds - 1))).requestsLastMinute())
                .isEqualTo(budget.requestsPerMinute());
    }

    @Test
    void refusesWhatCannotBeAnswered() {
        assertThatThrownBy(() -> ledger.estimateWait(model, new ModelBudget(1, 0, 0), 0, 1, T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acquire(new ModelBudget(1, 0, 0), -1, T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acquire(new ModelBudget(-1, 0, 0), 1, T0))
                .isInstanceOf(IllegalArgumentException.class);
        // Nothing was recorded by the refused calls; with no limits at all everything goes at once.
        assertThat(ledger.usage(model, T0)).isEqualTo(new Usage(0, 0, 0));
        assertGranted(acquire(new ModelBudget(0, 0, 0), 1_000_000, T0));
        assertThat(ledger.estimateWait(model, new ModelBudget(0, 0, 0), 1_000, 1, T0))
                .isZero();
    }

    /** 2,000 requests of a token each, 10 ms apart from T0, all granted under a budget of 2,000 a minute; returns it. */
    ModelBudget busyWindow() {
        ModelBudget budget = new ModelBudget(2_000, 0, 0);
        for (int i = 0; i < 2_000; i++) {
            assertGranted(acquire(budget, 1, T0.plusMillis(10L * i)));
        }
        assertThat(ledger.usage(model, seconds(20))).isEqualTo(new Usage(2_000, 2_000, 2_000));
        return budget;
    }

    Decision acquire(ModelBudget budget, int tokens, Instant at) {
        return ledger.tryAcquire(model, budget, tokens, at);
    }

    static Instant seconds(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1_000));
    }

    static long assertGranted(Decision decision) {
        assertThat(decision).isInstanceOf(Granted.class);
        return ((Granted) decision).id();
    }

    static void assertWait(Decision decision, Duration after, Limit limit) {
        assertThat(decision).isEqualTo(new Wait(after, limit));
    }
}
