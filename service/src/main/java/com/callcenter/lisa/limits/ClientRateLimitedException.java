package com.callcenter.lisa.limits;

import java.time.Duration;

/**
 * An owner went over one of its limits: answered 429 {@code client-rate-limited} with Retry-After,
 * before anything was stored or any Gemini quota was spent. Not the 503 of an exhausted Gemini quota:
 * this client, not the service, has to slow down.
 */
public class ClientRateLimitedException extends RuntimeException {

    /** Which limit was reached. */
    public enum Limit {
        ACTIVE_SESSIONS,
        SESSIONS_PER_MINUTE,
        MESSAGES_PER_MINUTE
    }

    private final Limit limit;
    private final Duration retryAfter;

    public ClientRateLimitedException(Limit limit, Duration retryAfter, String message) {
        super(message);
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    public Limit limit() {
        return limit;
    }

    /** When the request would be let in (a window's oldest event leaving it), or a fair guess for active sessions. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
