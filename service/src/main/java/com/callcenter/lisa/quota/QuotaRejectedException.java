package com.callcenter.lisa.quota;

import java.time.Duration;

/**
 * A chat request refused or given up before it reached Gemini, with an honest time to come back.
 * No quota was spent on it.
 */
public class QuotaRejectedException extends RuntimeException {

    /** Why the request was not sent. */
    public enum Reason {
        /** The estimated wait was longer than the maximum wait already on arrival. */
        WAIT_TOO_LONG,
        /** Too many requests are waiting. */
        QUEUE_FULL,
        /** The request waited its maximum without its turn coming (the estimate was exceeded). */
        WAITED_TOO_LONG,
        /** Gemini failed repeatedly; the circuit is open for a cool-down. */
        CIRCUIT_OPEN,
        /** Every model's daily quota is used up until midnight Pacific time. */
        DAILY_QUOTA_EXHAUSTED,
        /** The client went away while the request waited (a streaming client whose connection broke). */
        CLIENT_GONE,
        /** The session was ended while the request waited (its messages leave the queue unsent). */
        SESSION_ENDED,
        /** A human agent took the call over while the request waited (its messages leave the queue unsent). */
        HANDED_OFF
    }

    private final Reason reason;
    private final Duration retryAfter;

    public QuotaRejectedException(Reason reason, Duration retryAfter, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
