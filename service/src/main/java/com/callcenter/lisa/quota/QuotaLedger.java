package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * The record of requests sent to Gemini, per model, and the only judge of whether one more may be
 * sent now. Budgets are checked over any rolling 60 seconds (not fixed minutes, not a token
 * bucket: either can put more than the quota into some 60 seconds) and per Pacific-time day.
 *
 * <p>One implementation keeps the record in process (one instance); the other in the database under
 * a lock, so several instances together never exceed the project's quota.
 */
interface QuotaLedger {

    /** The outcome of {@link #tryAcquire}. */
    sealed interface Decision {
        /** Recorded as sent; {@code id} identifies the record for {@link #correct}. */
        record Granted(long id) implements Decision {}

        /** Not recorded: the earliest moment this request could be sent is {@code after} from now. */
        record Wait(Duration after, Limit limit) implements Decision {}
    }

    /** Which budget said no. */
    enum Limit {
        REQUESTS_PER_MINUTE,
        INPUT_TOKENS_PER_MINUTE,
        REQUESTS_PER_DAY,
        /** The project's spend budget ({@link SpendLedger}), decided by the lane next to this ledger. */
        SPEND_PER_10_MINUTES
    }

    /** What has been used, for health and metrics. */
    record Usage(int requestsLastMinute, long inputTokensLastMinute, int requestsToday) {}

    /**
     * Atomically checks every budget for one more request of {@code inputTokens} sent at {@code now}
     * and, if all allow it, records it.
     */
    Decision tryAcquire(String model, ModelBudget budget, int inputTokens, Instant now);

    /** Replaces a granted request's estimated input tokens by the count Gemini reported. */
    void correct(String model, long id, int actualInputTokens);

    /**
     * Forgets a granted request that Gemini refused with a per-minute 429: Gemini did not count it,
     * and Gemini's retryDelay, not our window, says when to send again.
     */
    void release(String model, long id);

    /** Usage of the model as of {@code now}. */
    Usage usage(String model, Instant now);

    /**
     * Usage of the model as of {@code now} as this instance knows it without asking anyone: for a refusal's
     * reason, where {@link #usage} would cost a round trip. The same as {@link #usage} for a record in memory.
     */
    default Usage knownUsage(String model, Instant now) {
        return usage(model, now);
    }

    /**
     * When the {@code position}-th next request (1 = the next one) could be sent if nobody else asked,
     * each carrying {@code inputTokens}: the honest wait to tell a queued client. From what this instance
     * knows, without a round trip to a database: an admission asks the ledger nothing but {@link #tryAcquire}.
     */
    Duration estimateWait(String model, ModelBudget budget, int position, int inputTokens, Instant now);
}
