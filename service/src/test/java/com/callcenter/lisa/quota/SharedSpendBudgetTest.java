package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The spend budget is the Google project's, not a model's: the primary and its fallback draw on one
 * budget, a slot is granted only with room in both the model's budgets and the spend, and what a slot
 * was charged follows what happens to it (corrected, released, refused with a 429).
 */
class SharedSpendBudgetTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final InMemorySpendLedger spendLedger = new InMemorySpendLedger(new SpendRules(Duration.ZERO));
    private final SpendBudget spend = new SpendBudget(1_000, spendLedger, SpendRules.WINDOW);
    private final InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    private final QuotaScheduler scheduler = new QuotaScheduler(
            List.of(lane("primary"), lane("fallback")), Duration.ofSeconds(30), clock, new SimpleMeterRegistry());

    private ModelLane lane(String model) {
        return new ModelLane(
                model,
                new ModelBudget(0, 0, 0),
                ledger,
                clock,
                10,
                new AdaptiveLimit(0, Duration.ofMinutes(10)),
                spend);
    }

    @AfterEach
    void close() {
        scheduler.close();
    }

    @Test
    void theFallbackModelDrawsOnTheSameSpendBudget() throws Exception {
        Reservation primary = scheduler.reserve(0, 100, 700, false, PlaceListener.NONE, Share.NONE);
        scheduler.await(primary, clock.instant().plusSeconds(1));

        // 700 of 1,000 spent on the primary: a 700 call to the fallback would go over the project's budget.
        assertThatThrownBy(() -> scheduler.admit(1, 0, 100, 700, clock.instant(), Share.NONE))
                .isInstanceOfSatisfying(QuotaRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(QuotaRejectedException.Reason.WAIT_TOO_LONG);
                    assertThat(e.getMessage()).contains("spend budget");
                    // Served once the primary's charge has left the 10 minutes; 30 s of that may be waited.
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(10).minusSeconds(30));
                });
        assertThat(scheduler.spend().usedUsd()).isEqualByComparingTo("0.000700");
        assertThat(scheduler.spend().leftUsd()).isEqualByComparingTo("0.000300");
    }

    @Test
    void aSlotsChargeIsCorrectedToTheBillAndGoesBackWhenUnusedOrRefused() throws Exception {
        Reservation first = scheduler.reserve(0, 100, 900, false, PlaceListener.NONE, Share.NONE);
        long slot = scheduler.await(first, clock.instant().plusSeconds(1));
        scheduler.correct(first, slot, 100, 150);
        assertThat(spendLedger.spentMicros(clock.instant())).isEqualTo(150);

        Reservation unused = scheduler.reserve(1, 100, 800, false, PlaceListener.NONE, Share.NONE);
        long unusedSlot = scheduler.await(unused, clock.instant().plusSeconds(1));
        assertThat(spendLedger.spentMicros(clock.instant())).isEqualTo(950);
        scheduler.release(unused, unusedSlot);
        assertThat(spendLedger.spentMicros(clock.instant())).isEqualTo(150);

        Reservation throttled = scheduler.reserve(0, 100, 800, false, PlaceListener.NONE, Share.NONE);
        long throttledSlot = scheduler.await(throttled, clock.instant().plusSeconds(1));
        scheduler.throttled(throttled, throttledSlot, Duration.ofSeconds(5));
        assertThat(spendLedger.spentMicros(clock.instant()))
                .as("a 429 is not billed")
                .isEqualTo(150);
    }

    @Test
    void aQueuedRequestGetsItsSlotWhenTheSpendLeavesTheWindow() throws Exception {
        Reservation first = scheduler.reserve(0, 100, 1_000, false, PlaceListener.NONE, Share.NONE);
        scheduler.await(first, clock.instant().plusSeconds(1));
        Reservation second = scheduler.reserve(0, 100, 10, false, PlaceListener.NONE, Share.NONE);
        assertThat(second.position()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(10));

        // The lane looks again at least every second: the moved clock frees the spend.
        long slot = scheduler.await(second, clock.instant().plusSeconds(5));
        assertThat(slot).isPositive();
        assertThat(spendLedger.spentMicros(clock.instant())).isEqualTo(10);
    }
}
