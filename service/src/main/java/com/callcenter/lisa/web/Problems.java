package com.callcenter.lisa.web;

import com.callcenter.lisa.chat.IdempotencyKeyReusedException;
import com.callcenter.lisa.chat.ReplyTooLongException;
import com.callcenter.lisa.chat.TurnRefusedException;
import com.callcenter.lisa.gemini.GeminiFailure;
import com.callcenter.lisa.limits.ClientRateLimitedException;
import com.callcenter.lisa.persona.InvalidContextException;
import com.callcenter.lisa.persona.UnknownPersonaException;
import com.callcenter.lisa.session.SessionClosedException;
import com.callcenter.lisa.session.SessionNotFoundException;
import com.callcenter.lisa.session.SessionNotHandedOffException;
import com.callcenter.lisa.session.SessionStatus;
import com.callcenter.lisa.session.StoreUnavailableException;
import com.callcenter.lisa.session.TurnConflictException;
import com.callcenter.lisa.text.InvalidMessageException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.ProblemDetail;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * The problem each failure of a request is answered with: one mapping, used for problem responses
 * and for the {@code error} event of a streamed turn alike. Details never contain the Gemini key.
 */
final class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);
    private static final Duration STORAGE_RETRY = Duration.ofSeconds(5);

    /** A problem and, for 503s and 429s, when to come back (also in the problem as {@code retryAfterSeconds}). */
    record Problem(ProblemDetail detail, Duration retryAfter) {

        int status() {
            return detail.getStatus();
        }
    }

    private Problems() {}

    static Problem of(Throwable e, String path) {
        return switch (e) {
            case SessionNotFoundException notFound -> {
                ProblemDetail problem = ProblemWriter.problem(ProblemType.SESSION_NOT_FOUND, e.getMessage(), path);
                problem.setProperty("sessionId", notFound.sessionId());
                yield problem(problem, null);
            }
            case SessionClosedException handedOff
            when handedOff.status() == SessionStatus.HANDED_OFF -> {
                ProblemDetail problem = ProblemWriter.problem(ProblemType.SESSION_HANDED_OFF, e.getMessage(), path);
                problem.setProperty("sessionId", handedOff.sessionId());
                problem.setProperty("sessionStatus", handedOff.status().wireName());
                yield problem(problem, null);
            }
            case SessionNotHandedOffException notHandedOff -> {
                ProblemDetail problem = ProblemWriter.problem(ProblemType.SESSION_NOT_HANDED_OFF, e.getMessage(), path);
                problem.setProperty("sessionId", notHandedOff.sessionId());
                problem.setProperty("sessionStatus", SessionStatus.ACTIVE.wireName());
                yield problem(problem, null);
            }
            case SessionClosedException closed -> {
                ProblemDetail problem = ProblemWriter.problem(ProblemType.SESSION_CLOSED, e.getMessage(), path);
                problem.setProperty("sessionId", closed.sessionId());
                problem.setProperty("sessionStatus", closed.status().wireName());
                yield problem(problem, null);
            }
            case TurnConflictException ignored -> simple(ProblemType.TURN_CONFLICT, e.getMessage(), path);
            case InvalidMessageException invalid ->
                simple(
                        switch (invalid.reason()) {
                            case BLANK -> ProblemType.BLANK_MESSAGE;
                            case TOO_LONG -> ProblemType.MESSAGE_TOO_LONG;
                            case INVALID_TEXT -> ProblemType.INVALID_TEXT;
                        },
                        e.getMessage(),
                        path);
            case InvalidQueryException ignored -> simple(ProblemType.INVALID_REQUEST, e.getMessage(), path);
            case UnknownPersonaException ignored -> simple(ProblemType.UNKNOWN_PERSONA, e.getMessage(), path);
            case InvalidContextException invalid -> {
                ProblemDetail problem = ProblemWriter.problem(ProblemType.INVALID_CONTEXT, e.getMessage(), path);
                problem.setProperty("field", invalid.field());
                yield problem(problem, null);
            }
            case InvalidIdempotencyKeyException ignored ->
                simple(ProblemType.INVALID_IDEMPOTENCY_KEY, e.getMessage(), path);
            case IdempotencyKeyReusedException ignored ->
                simple(ProblemType.IDEMPOTENCY_KEY_REUSED, e.getMessage(), path);
            case GeminiFailure failure -> upstream(failure, path);
            case ReplyTooLongException tooLong -> {
                log.warn(
                        "Gemini's reply on {} had {} characters, over the store's {}; the turn was not stored",
                        path,
                        tooLong.replyChars(),
                        ReplyTooLongException.MAX_REPLY_CHARS);
                yield simple(ProblemType.REPLY_TOO_LONG, e.getMessage(), path);
            }
            case TurnRefusedException refused -> {
                ProblemType type =
                        refused.upstreamDown() ? ProblemType.UPSTREAM_UNAVAILABLE : ProblemType.QUOTA_EXHAUSTED;
                ProblemDetail problem = ProblemWriter.problem(
                        type, e.getMessage() + " Nothing was sent to Gemini and nothing was stored.", path);
                problem.setProperty("reason", refused.reason());
                yield problem(problem, refused.retryAfter());
            }
            case ClientRateLimitedException limited -> {
                ProblemDetail problem = ProblemWriter.problem(ProblemType.CLIENT_RATE_LIMITED, e.getMessage(), path);
                problem.setProperty(
                        "limit",
                        limited.limit()
                                .name()
                                .toLowerCase(java.util.Locale.ROOT)
                                .replace('_', '-'));
                yield problem(problem, limited.retryAfter());
            }
            // A failure handed over through a future is that failure, not an unexpected one.
            case CompletionException wrapped when wrapped.getCause() != null -> of(wrapped.getCause(), path);
            case StoreUnavailableException down ->
                problem(
                        ProblemWriter.problem(ProblemType.STORAGE_UNAVAILABLE, e.getMessage(), path),
                        down.retryAfter());
            // Failing to open or commit a transaction is the store failing too (a dead database), not a bug.
            case DataAccessException ignored -> storageFailed(e, path);
            case CannotCreateTransactionException ignored -> storageFailed(e, path);
            case TransactionSystemException ignored -> storageFailed(e, path);
            case InterruptedException ignored ->
                problem(
                        ProblemWriter.problem(
                                ProblemType.UPSTREAM_UNAVAILABLE,
                                "The request was interrupted while waiting; the service is shutting down.",
                                path),
                        STORAGE_RETRY);
            default -> {
                log.error("Unexpected failure on {}", path, e);
                yield simple(ProblemType.INTERNAL_ERROR, "An unexpected error occurred; it has been logged.", path);
            }
        };
    }

    private static Problem storageFailed(Throwable e, String path) {
        log.error("Conversation store failed on {}", path, e);
        return problem(
                ProblemWriter.problem(
                        ProblemType.STORAGE_UNAVAILABLE,
                        "The conversation store did not answer; nothing was changed. Try again shortly.",
                        path),
                STORAGE_RETRY);
    }

    private static Problem upstream(GeminiFailure e, String path) {
        ProblemType type = switch (e.kind()) {
            case REJECTED -> ProblemType.UPSTREAM_REJECTED;
            case QUOTA_MINUTE, QUOTA_DAY -> ProblemType.QUOTA_EXHAUSTED;
            case UNAVAILABLE -> ProblemType.UPSTREAM_UNAVAILABLE;
            case TIMEOUT -> ProblemType.UPSTREAM_TIMEOUT;
            case MODEL_UNAVAILABLE -> ProblemType.MODEL_UNAVAILABLE;
        };
        ProblemDetail problem = ProblemWriter.problem(type, e.getMessage(), path);
        if (e.upstreamStatus() > 0) {
            problem.setProperty("upstreamStatus", e.upstreamStatus());
        }
        return problem(problem, type.status().value() == 503 ? e.retryAfter().orElse(null) : null);
    }

    private static Problem simple(ProblemType type, String detail, String path) {
        return problem(ProblemWriter.problem(type, detail, path), null);
    }

    private static Problem problem(ProblemDetail problem, Duration retryAfter) {
        if (retryAfter != null) {
            problem.setProperty("retryAfterSeconds", ProblemWriter.retryAfterSeconds(retryAfter));
        }
        return new Problem(problem, retryAfter);
    }
}
