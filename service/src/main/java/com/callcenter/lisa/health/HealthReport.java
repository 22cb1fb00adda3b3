package com.callcenter.lisa.health;

import com.callcenter.lisa.gemini.GeminiFailure;
import com.callcenter.lisa.gemini.ModelAvailability;
import com.callcenter.lisa.quota.ModelQuotaState;
import com.callcenter.lisa.quota.SpendState;
import java.time.Instant;
import java.util.List;

/**
 * What the service can do right now, without calling Gemini.
 *
 * @param status  UP: all well; DEGRADED: serving, but the last Gemini call failed, a circuit is open, a
 *                model's daily quota is used up or a model is unavailable; DOWN: cannot serve (the database is unreachable)
 * @param quota   per model, in the order they are tried: budget left, queue, oldest wait, circuit
 * @param spend   the Google project's spend budget over the rolling 10 minutes ({@code GEMINI_SPEND_PER_10MIN}):
 *                budget, used and left in USD; null when no spend budget is set
 * @param quotaAt when the quota figures were read: a moment ago, or earlier when the ledger did not answer
 *                within health's time bound (the figures are then the last ones read)
 * @param auth    how callers are identified: {@code jwt}, {@code api-key}, {@code jwt,api-key} or {@code none}
 *                (no authentication: anyone reaching the port may do everything)
 * @param availability per model, in the order they are tried: AVAILABLE, or UNAVAILABLE (Gemini answered 404
 *                     NOT_FOUND: shut down or "no longer available to new users") with Gemini's words, the
 *                     setting to change, and when it is looked up again (models.get, free)
 */
public record HealthReport(
        Status status,
        Database database,
        Upstream upstream,
        List<ModelQuotaState> quota,
        SpendState spend,
        Instant quotaAt,
        String auth,
        List<ModelAvailability.View> availability) {

    public enum Status {
        UP,
        DEGRADED,
        DOWN
    }

    /**
     * The outcome of the store's last background check (every second, bounded by a short timeout).
     *
     * @param error     why the database counts as down, in words
     * @param checkedAt when it was checked
     * @param downSince since when it has been down
     */
    public record Database(Status status, long latencyMs, String error, Instant checkedAt, Instant downSince) {}

    /**
     * @param mode        {@code google}, or {@code demo} when replies come from the built-in emulator
     * @param lastSuccess the last call that got a reply
     * @param lastError   the last call that failed
     */
    public record Upstream(Status status, String mode, String model, Instant lastSuccess, LastError lastError) {}

    /**
     * @param upstreamStatus Gemini's HTTP status, 0 if no answer came
     * @param message        what happened, in words
     */
    public record LastError(Instant at, GeminiFailure.Kind kind, int upstreamStatus, String message) {}
}
