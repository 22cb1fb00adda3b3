package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * The Google project's spend budget over a rolling 10 minutes ({@code GEMINI_SPEND_PER_10MIN}), one for
 * every lane: Google's spend limit is per project, whatever the model. {@link #NONE} when not set.
 */
final class SpendBudget {

    static final SpendBudget NONE = new SpendBudget(0, null, Duration.ZERO);

    private final long budgetMicros;
    private final SpendLedger ledger;
    private final Duration window;

    SpendBudget(long budgetMicros, SpendLedger ledger, Duration window) {
        if (budgetMicros < 0) {
            throw new IllegalArgumentException("The spend budget cannot be negative: " + budgetMicros);
        }
        this.budgetMicros = budgetMicros;
        this.ledger = budgetMicros > 0 ? ledger : null;
        this.window = window;
    }

    boolean limited() {
        return ledger != null;
    }

    long budgetMicros() {
        return budgetMicros;
    }

    SpendLedger.Decision tryCharge(long micros, Instant now) {
        return ledger.tryCharge(budgetMicros, micros, now);
    }

    void correct(SpendLedger.Charge charge, long actualMicros) {
        if (charge != null && ledger != null) {
            ledger.correct(charge, actualMicros);
        }
    }

    void release(SpendLedger.Charge charge) {
        if (charge != null && ledger != null) {
            ledger.release(charge);
        }
    }

    Duration estimateWait(int position, long micros, Instant now) {
        return limited() ? ledger.estimateWait(budgetMicros, position, micros, now) : Duration.ZERO;
    }

    /** For health: the budget, what the window holds and what is left; null when there is no budget. */
    SpendState state(Instant now) {
        if (!limited()) {
            return null;
        }
        return SpendState.of(budgetMicros, ledger.spentMicros(now), window.toSeconds());
    }
}
