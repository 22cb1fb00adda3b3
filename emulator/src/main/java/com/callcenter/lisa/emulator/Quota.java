package com.callcenter.lisa.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits applied per model, like the Gemini API's per-project-per-model quotas. A value of 0 means
 * unlimited.
 *
 * @param requestsPerMinute requests within any rolling window of {@code window} (rpm)
 * @param inputTokensPerMinute prompt tokens within any rolling window of {@code window} (tpm)
 * @param requestsPerDay requests per day; the day ends at midnight America/Los_Angeles (rpd)
 * @param window the "minute" of the per-minute limits: Gemini's 60 seconds unless a test or a
 *     demo wants a shorter one, so that load against a saturated quota takes seconds instead of
 *     minutes while every request still counts for exactly one window
 */
public record Quota(int requestsPerMinute, long inputTokensPerMinute, int requestsPerDay, Duration window) {

    /** Gemini's minute: how long a request counts against the per-minute limits. */
    public static final Duration GEMINI_MINUTE = Duration.ofSeconds(60);

    /** No limits at all. */
    public static final Quota NONE = new Quota(0, 0, 0);

    public Quota {
        if (requestsPerMinute < 0 || inputTokensPerMinute < 0 || requestsPerDay < 0) {
            throw new IllegalArgumentException("quota limits must be >= 0 (0 = unlimited)");
        }
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the quota window must be positive: " + window);
        }
    }

    /** The limits on Gemini's 60-second window. */
    public Quota(int requestsPerMinute, long inputTokensPerMinute, int requestsPerDay) {
        this(requestsPerMinute, inputTokensPerMinute, requestsPerDay, GEMINI_MINUTE);
    }

    /** The same limits counted over another rolling window (the "minute" of rpm and tpm). */
    public Quota withWindow(Duration window) {
        return new Quota(requestsPerMinute, inputTokensPerMinute, requestsPerDay, window);
    }

    public boolean unlimited() {
        return requestsPerMinute == 0 && inputTokensPerMinute == 0 && requestsPerDay == 0;
    }
}
