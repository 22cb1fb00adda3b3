package com.callcenter.lisa.quota;

import java.time.Instant;

/**
 * One model's quota as health shows it.
 *
 * @param left                       budget left now; a null field means that budget is unlimited
 * @param effectiveRequestsPerMinute the per-minute budget in force: lower than configured after Gemini
 *                                   throttled us (another client shares the project)
 * @param queueLength                requests waiting for this model
 * @param oldestWaitMs               how long the first of them has waited
 * @param circuit                    CLOSED (sending), OPEN (refusing after repeated failures), HALF_OPEN
 *                                   (one probe request let through)
 * @param pausedUntil                set while Gemini's retryDelay pauses sending
 * @param exhaustedUntil             set while the daily quota is used up
 */
public record ModelQuotaState(
        String model,
        Left left,
        ModelBudget configured,
        int effectiveRequestsPerMinute,
        int queueLength,
        long oldestWaitMs,
        String circuit,
        Instant pausedUntil,
        Instant exhaustedUntil) {

    public record Left(Integer requestsThisMinute, Long inputTokensThisMinute, Integer requestsToday) {}

    /** The same, with the circuit of the model's calls as the attempt loop sees it. */
    public ModelQuotaState withCircuit(String state) {
        return new ModelQuotaState(
                model,
                left,
                configured,
                effectiveRequestsPerMinute,
                queueLength,
                oldestWaitMs,
                state,
                pausedUntil,
                exhaustedUntil);
    }

    static ModelQuotaState of(ModelLane.State s) {
        ModelBudget b = s.configured();
        QuotaLedger.Usage u = s.usage();
        Left left = new Left(
                s.effectiveRequestsPerMinute() == 0
                        ? null
                        : Math.max(0, s.effectiveRequestsPerMinute() - u.requestsLastMinute()),
                b.inputTokensPerMinute() == 0
                        ? null
                        : Math.max(0, b.inputTokensPerMinute() - u.inputTokensLastMinute()),
                b.requestsPerDay() == 0 ? null : Math.max(0, b.requestsPerDay() - u.requestsToday()));
        return new ModelQuotaState(
                s.model(),
                left,
                b,
                s.effectiveRequestsPerMinute(),
                s.queueLength(),
                s.oldestWait().toMillis(),
                "CLOSED",
                s.pausedUntil(),
                s.exhaustedUntil());
    }
}
