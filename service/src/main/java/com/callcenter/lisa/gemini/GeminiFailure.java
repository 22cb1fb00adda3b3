package com.callcenter.lisa.gemini;

import java.time.Duration;
import java.util.Optional;

/**
 * A Gemini call that produced no reply, classified by what the caller should do about it. The
 * message is safe to show to a support engineer: it never contains the API key.
 */
public class GeminiFailure extends RuntimeException {

    /** What went wrong, as far as the caller is concerned. */
    public enum Kind {
        /** Gemini refused the request for good (bad key, conversation too long, unknown model): do not retry. */
        REJECTED,
        /** A per-minute quota is used up; it frees up after {@link #retryAfter()}. */
        QUOTA_MINUTE,
        /** The per-day quota is used up; it comes back at midnight Pacific time. */
        QUOTA_DAY,
        /** Gemini is overloaded, failed internally or could not be reached. */
        UNAVAILABLE,
        /** Gemini did not answer in time. */
        TIMEOUT
    }

    private final Kind kind;
    private final int upstreamStatus;
    private final Duration retryAfter;

    public GeminiFailure(Kind kind, int upstreamStatus, String message, Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.upstreamStatus = upstreamStatus;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status Gemini answered with, or 0 when no answer came (connection failure, timeout). */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    /** When it is worth asking again, if Gemini or the quota says so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
