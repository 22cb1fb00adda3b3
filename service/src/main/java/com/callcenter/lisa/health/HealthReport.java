package com.callcenter.lisa.health;

import com.callcenter.lisa.gemini.GeminiFailure;
import com.callcenter.lisa.quota.ModelQuotaState;
import java.time.Instant;
import java.util.List;

/**
 * What the service can do right now, without calling Gemini.
 *
 * @param status UP: all well; DEGRADED: serving, but the last Gemini call failed, a circuit is open or a
 *               model's daily quota is used up; DOWN: cannot serve (the database is unreachable)
 * @param quota  per model, in the order they are tried: budget left, queue, oldest wait, circuit
 */
public record HealthReport(Status status, Database database, Upstream upstream, List<ModelQuotaState> quota) {

    public enum Status { UP, DEGRADED, DOWN }

    /** @param error why the database check failed, when it did */
    public record Database(Status status, long latencyMs, String error) {
    }

    /**
     * @param mode        {@code google}, or {@code demo} when replies come from the built-in emulator
     * @param lastSuccess the last call that got a reply
     * @param lastError   the last call that failed
     */
    public record Upstream(Status status, String mode, String model, Instant lastSuccess, LastError lastError) {
    }

    /** @param upstreamStatus Gemini's HTTP status, 0 if no answer came */
    public record LastError(Instant at, GeminiFailure.Kind kind, int upstreamStatus, String message) {
    }
}
