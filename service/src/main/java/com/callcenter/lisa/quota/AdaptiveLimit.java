package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * The requests-per-minute budget actually used for a model. A per-minute 429 from Gemini means the
 * configured budget was too high (another client shares the Google project): the limit drops to
 * what Gemini accepted in the last minute, and lower at each further 429, so the 429s stop after a
 * bounded number.
 * It creeps back up by one request per quiet {@code recovery} period, slowly enough that a shared
 * project is not probed more than once in that time. Not thread-safe: its {@link ModelLane} guards it.
 */
final class AdaptiveLimit {

    private final int configured;
    private final Duration recovery;
    private int effective;
    private Instant lastChange = Instant.MIN;

    /** @param configured requests per minute as configured; 0 = unlimited */
    AdaptiveLimit(int configured, Duration recovery) {
        this.configured = configured == 0 ? Integer.MAX_VALUE : configured;
        this.recovery = recovery;
        this.effective = this.configured;
    }

    /** The limit in force; 0 = unlimited, as in {@link ModelBudget}. */
    int requestsPerMinute(Instant now) {
        if (effective < configured && !now.isBefore(lastChange.plus(recovery))) {
            effective++;
            lastChange = now;
        }
        return effective == Integer.MAX_VALUE ? 0 : effective;
    }

    /** Gemini refused a request after accepting {@code acceptedInWindow} in the last minute. */
    void throttled(int acceptedInWindow, Instant now) {
        effective = Math.max(1, Math.min(effective - 1, acceptedInWindow));
        lastChange = now;
    }
}
