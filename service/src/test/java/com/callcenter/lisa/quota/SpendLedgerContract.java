package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every spend ledger guarantees: over any rolling window (10 minutes here, no margin) the charges
 * never exceed the budget, a refusal's wait is when the charge would fit, corrections and releases
 * change what counts. Each test works on a day of its own, so the database variants can share one
 * database per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SpendLedgerContract {

    static final SpendRules RULES = new SpendRules(Duration.ZERO);
    private static final AtomicLong DAYS = new AtomicLong();

    abstract SpendLedger ledger();

    /** A fresh stretch of time for one test: nothing charged before it within a window. */
    static Instant day() {
        return Instant.parse("2026-06-01T12:00:00Z").plus(Duration.ofDays(DAYS.incrementAndGet()));
    }

    static SpendLedger.Charge granted(SpendLedger.Decision decision) {
        assertThat(decision).isInstanceOf(SpendLedger.Decision.Granted.class);
        return ((SpendLedger.Decision.Granted) decision).charge();
    }

    static Duration waits(SpendLedger.Decision decision) {
        assertThat(decision).isInstanceOf(SpendLedger.Decision.Wait.class);
        return ((SpendLedger.Decision.Wait) decision).after();
    }

    @Test
    void chargesUpToTheBudgetThenTellsWhenTheOldestLeavesTheWindow() {
        SpendLedger ledger = ledger();
        Instant t = day();
        granted(ledger.tryCharge(1_000, 300, t));
        granted(ledger.tryCharge(1_000, 300, t.plusSeconds(60)));
        granted(ledger.tryCharge(1_000, 300, t.plusSeconds(120)));

        Duration wait = waits(ledger.tryCharge(1_000, 300, t.plusSeconds(180)));

        assertThat(wait).isEqualTo(Duration.ofMinutes(7));
        assertThat(waits(ledger.tryCharge(
                        1_000, 300, t.plusSeconds(180).plus(wait).minusMillis(1))))
                .isPositive();
        granted(ledger.tryCharge(1_000, 300, t.plusSeconds(180).plus(wait)));
        assertThat(ledger.spentMicros(t.plusSeconds(180).plus(wait))).isEqualTo(900);
    }

    @Test
    void aCorrectionToWhatGeminiBilledChangesWhatFits() {
        SpendLedger ledger = ledger();
        Instant t = day();
        SpendLedger.Charge estimate = granted(ledger.tryCharge(1_000, 900, t));
        waits(ledger.tryCharge(1_000, 200, t.plusSeconds(1)));

        ledger.correct(estimate, 150);

        assertThat(ledger.spentMicros(t.plusSeconds(2))).isEqualTo(150);
        granted(ledger.tryCharge(1_000, 800, t.plusSeconds(2)));
        waits(ledger.tryCharge(1_000, 100, t.plusSeconds(3)));
    }

    @Test
    void aReleasedChargeNoLongerCounts() {
        SpendLedger ledger = ledger();
        Instant t = day();
        SpendLedger.Charge charge = granted(ledger.tryCharge(1_000, 1_000, t));
        waits(ledger.tryCharge(1_000, 1, t.plusSeconds(1)));

        ledger.release(charge);

        assertThat(ledger.spentMicros(t.plusSeconds(2))).isZero();
        granted(ledger.tryCharge(1_000, 1, t.plusSeconds(2)));
    }

    @Test
    void aChargeOverTheWholeBudgetGoesAloneOnceTheWindowIsEmpty() {
        SpendLedger ledger = ledger();
        Instant t = day();
        granted(ledger.tryCharge(1_000, 10, t));
        Duration wait = waits(ledger.tryCharge(1_000, 5_000, t.plusSeconds(1)));
        assertThat(wait).isEqualTo(Duration.ofMinutes(10).minusSeconds(1));
        SpendLedger.Charge alone =
                granted(ledger.tryCharge(1_000, 5_000, t.plusSeconds(1).plus(wait)));
        assertThat(alone.micros()).isEqualTo(1_000);
    }

    @Test
    void theEstimatedWaitOfAPlaceInLineIsWhenItsChargeWouldFit() {
        SpendLedger ledger = ledger();
        Instant t = day();
        assertThat(ledger.estimateWait(1_000, 2, 400, t)).isZero();
        // The third of 400 each needs the first's 400 out of the window: 10 minutes.
        assertThat(ledger.estimateWait(1_000, 3, 400, t)).isEqualTo(Duration.ofMinutes(10));
        granted(ledger.tryCharge(1_000, 400, t));
        granted(ledger.tryCharge(1_000, 400, t.plusSeconds(30)));
        assertThat(ledger.estimateWait(1_000, 1, 400, t.plusSeconds(40)))
                .isEqualTo(Duration.ofMinutes(10).minusSeconds(40));
    }

    @Test
    void noRollingWindowEverHoldsMoreThanTheBudget() {
        SpendLedger ledger = ledger();
        Random random = new Random(11);
        Instant t = day();
        long budget = 5_000;
        record Sent(Instant at, long micros) {}
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            t = t.plusMillis(random.nextInt(8_000));
            long micros = 50 + random.nextInt(900);
            if (ledger.tryCharge(budget, micros, t) instanceof SpendLedger.Decision.Granted g) {
                sent.add(new Sent(t, g.charge().micros()));
            }
        }
        assertThat(sent.size()).isGreaterThan(20);
        for (Sent end : sent) {
            long inWindow = sent.stream()
                    .filter(s -> s.at().isAfter(end.at().minus(SpendRules.WINDOW)) && !s.at().isAfter(end.at()))
                    .mapToLong(Sent::micros)
                    .sum();
            assertThat(inWindow)
                    .as("charged in the 10 minutes up to %s", end.at())
                    .isLessThanOrEqualTo(budget);
        }
    }
}
