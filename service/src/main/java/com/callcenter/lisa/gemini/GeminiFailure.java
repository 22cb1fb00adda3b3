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
        TIMEOUT,
        /**
         * Gemini answered 404 NOT_FOUND for the model (shut down, or "no longer available to new users"):
         * the model is gone until a {@code models.get} finds it again, so no retry, the next model of the pool.
         */
        MODEL_UNAVAILABLE
    }

    private final Kind kind;
    private final int upstreamStatus;
    private final Duration retryAfter;
    private final boolean midReply;

    public GeminiFailure(Kind kind, int upstreamStatus, String message, Duration retryAfter, Throwable cause) {
        this(kind, upstreamStatus, message, retryAfter, cause, false);
    }

    private GeminiFailure(
            Kind kind, int upstreamStatus, String message, Duration retryAfter, Throwable cause, boolean midReply) {
        super(message, cause, false, false);
        this.kind = kind;
        this.upstreamStatus = upstreamStatus;
        this.retryAfter = retryAfter;
        this.midReply = midReply;
    }

    /** The same failure, after part of the reply had already gone to the client. */
    GeminiFailure midReply() {
        return new GeminiFailure(
                kind, upstreamStatus, "Gemini's reply broke off midway: " + getMessage(), retryAfter, getCause(), true);
    }

    /**
     * Whether part of the reply had already been streamed to the client. Such a turn is not retried:
     * a second answer would not continue the first one the client has already seen.
     */
    public boolean isMidReply() {
        return midReply;
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
