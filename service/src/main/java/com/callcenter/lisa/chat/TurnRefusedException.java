package com.callcenter.lisa.chat;

import com.callcenter.lisa.quota.QuotaRejectedException;
import java.time.Duration;
import java.util.Locale;

/**
 * A message refused or given up before it reached Gemini, with an honest time to come back: the quota
 * could not serve it within the maximum wait, its model's circuit is open, or its client went away.
 * Nothing was sent to Gemini and nothing was stored.
 */
public class TurnRefusedException extends RuntimeException {

    private final String reason;
    private final Duration retryAfter;
    private final boolean upstreamDown;

    private TurnRefusedException(String message, String reason, Duration retryAfter, boolean upstreamDown) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.upstreamDown = upstreamDown;
    }

    static TurnRefusedException of(QuotaRejectedException e) {
        return new TurnRefusedException(
                e.getMessage(),
                e.reason().name().toLowerCase(Locale.ROOT),
                e.retryAfter(),
                e.reason() == QuotaRejectedException.Reason.CIRCUIT_OPEN);
    }

    /** Why, as the API names it: {@code wait_too_long}, {@code queue_full}, {@code circuit_open}, … */
    public String reason() {
        return reason;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether it was refused because Gemini kept failing (the circuit is open), not for lack of quota. */
    public boolean upstreamDown() {
        return upstreamDown;
    }
}
