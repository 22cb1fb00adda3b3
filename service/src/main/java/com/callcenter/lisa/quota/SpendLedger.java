package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * The record of what was spent on Gemini, per Google project (one budget for every model of the pool,
 * fallbacks included: Google's spend limit is the project's), and the only judge of whether one more
 * request may be sent now without the estimated spend of any rolling 10 minutes going over the budget
 * ({@code lisa.quota.spend-per-10min}).
 *
 * <p>Amounts are micro-dollars (USD × 10⁻⁶) as longs: this package knows budgets, not prices; the
 * caller computes them from its price table. A request is charged before it is sent with the most it
 * can cost (its input at the full price and the whole reply cap), and corrected to what Gemini billed
 * once its answer came.
 *
 * <p>One implementation keeps the record in process; the other in the database under a lock, so
 * several instances together stay within the project's spend.
 */
interface SpendLedger {

    /** A request's charge: where it was recorded and how much, for its correction or release. */
    record Charge(long bucket, long micros) {}

    sealed interface Decision {
        record Granted(Charge charge) implements Decision {}

        /** Not charged: the earliest moment it could be is {@code after} from now. */
        record Wait(Duration after) implements Decision {}
    }

    /** Atomically checks the budget for one more charge of {@code micros} at {@code now} and, if it fits, records it. */
    Decision tryCharge(long budgetMicros, long micros, Instant now);

    /** Replaces a charge's estimate by what the request really cost. */
    void correct(Charge charge, long actualMicros);

    /** Forgets a charge whose request was not sent, or not billed (a 429). */
    void release(Charge charge);

    /** What the window at {@code now} holds, in micro-dollars. */
    long spentMicros(Instant now);

    /** When the {@code position}-th next charge of {@code micros} could be granted, nobody else asking. */
    Duration estimateWait(long budgetMicros, int position, long micros, Instant now);
}
