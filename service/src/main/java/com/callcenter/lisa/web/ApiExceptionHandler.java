package com.callcenter.lisa.web;

import com.callcenter.lisa.chat.InvalidMessageException;
import com.callcenter.lisa.gemini.GeminiFailure;
import com.callcenter.lisa.persona.UnknownPersonaException;
import com.callcenter.lisa.quota.QuotaRejectedException;
import com.callcenter.lisa.session.SessionClosedException;
import com.callcenter.lisa.session.SessionNotFoundException;
import com.callcenter.lisa.session.TurnConflictException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Maps every failure to an RFC 9457 problem with a stable {@code type}. Stack traces go to the log,
 * never to the client; details are written so that they never contain the Gemini key.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final Duration STORAGE_RETRY = Duration.ofSeconds(5);

    @ExceptionHandler
    ResponseEntity<ProblemDetail> sessionNotFound(SessionNotFoundException e, HttpServletRequest request) {
        ProblemDetail problem = problem(ProblemType.SESSION_NOT_FOUND, e.getMessage(), request);
        problem.setProperty("sessionId", e.sessionId());
        return respond(problem, null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> sessionClosed(SessionClosedException e, HttpServletRequest request) {
        ProblemDetail problem = problem(ProblemType.SESSION_CLOSED, e.getMessage(), request);
        problem.setProperty("sessionId", e.sessionId());
        problem.setProperty("sessionStatus", e.status().wireName());
        return respond(problem, null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> turnConflict(TurnConflictException e, HttpServletRequest request) {
        return respond(problem(ProblemType.TURN_CONFLICT, e.getMessage(), request), null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalidMessage(InvalidMessageException e, HttpServletRequest request) {
        ProblemType type = switch (e.reason()) {
            case BLANK -> ProblemType.BLANK_MESSAGE;
            case TOO_LONG -> ProblemType.MESSAGE_TOO_LONG;
        };
        return respond(problem(type, e.getMessage(), request), null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unknownPersona(UnknownPersonaException e, HttpServletRequest request) {
        return respond(problem(ProblemType.UNKNOWN_PERSONA, e.getMessage(), request), null);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> upstreamFailed(GeminiFailure e, HttpServletRequest request) {
        ProblemType type = switch (e.kind()) {
            case REJECTED -> ProblemType.UPSTREAM_REJECTED;
            case QUOTA_MINUTE, QUOTA_DAY -> ProblemType.QUOTA_EXHAUSTED;
            case UNAVAILABLE -> ProblemType.UPSTREAM_UNAVAILABLE;
            case TIMEOUT -> ProblemType.UPSTREAM_TIMEOUT;
        };
        ProblemDetail problem = problem(type, e.getMessage(), request);
        if (e.upstreamStatus() > 0) {
            problem.setProperty("upstreamStatus", e.upstreamStatus());
        }
        Duration retryAfter = type.status().value() == 503 ? e.retryAfter().orElse(null) : null;
        return respond(problem, retryAfter);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> quotaRejected(QuotaRejectedException e, HttpServletRequest request) {
        ProblemType type = e.reason() == QuotaRejectedException.Reason.CIRCUIT_OPEN
                ? ProblemType.UPSTREAM_UNAVAILABLE : ProblemType.QUOTA_EXHAUSTED;
        ProblemDetail problem = problem(type, e.getMessage() + " Nothing was sent to Gemini and nothing was stored.",
                request);
        problem.setProperty("reason", e.reason().name().toLowerCase(java.util.Locale.ROOT));
        return respond(problem, e.retryAfter());
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> storageFailed(DataAccessException e, HttpServletRequest request) {
        log.error("Conversation store failed for {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(problem(ProblemType.STORAGE_UNAVAILABLE,
                "The conversation store did not answer; nothing was changed. Try again shortly.", request), STORAGE_RETRY);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> interrupted(InterruptedException e, HttpServletRequest request) {
        Thread.currentThread().interrupt();
        return respond(problem(ProblemType.UPSTREAM_UNAVAILABLE,
                "The request was interrupted while waiting; the service is shutting down.", request), STORAGE_RETRY);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(problem(ProblemType.INTERNAL_ERROR,
                "An unexpected error occurred; it has been logged.", request), null);
    }

    /** The framework's own exceptions (routing, content types, binding) get our problem types too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        ProblemType type = typeOf(e, status);
        String path = request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : null;
        ProblemDetail problem = ProblemWriter.problem(type, detailOf(e, type), path);
        return ResponseEntity.status(type.status())
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static ProblemType typeOf(Exception e, HttpStatusCode status) {
        return switch (e) {
            case TypeMismatchException ignored -> ProblemType.INVALID_SESSION_ID;
            case HttpMessageNotReadableException ignored when causedBy(e, PayloadTooLargeException.class) ->
                    ProblemType.PAYLOAD_TOO_LARGE;
            case HttpMessageNotReadableException ignored -> ProblemType.INVALID_REQUEST;
            case MethodArgumentNotValidException ignored -> ProblemType.INVALID_REQUEST;
            case HttpRequestMethodNotSupportedException ignored -> ProblemType.METHOD_NOT_ALLOWED;
            case HttpMediaTypeNotSupportedException ignored -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case HttpMediaTypeNotAcceptableException ignored -> ProblemType.NOT_ACCEPTABLE;
            case NoResourceFoundException ignored -> ProblemType.NOT_FOUND;
            case NoHandlerFoundException ignored -> ProblemType.NOT_FOUND;
            default -> status.is4xxClientError() ? ProblemType.INVALID_REQUEST : ProblemType.INTERNAL_ERROR;
        };
    }

    private static String detailOf(Exception e, ProblemType type) {
        return switch (e) {
            case TypeMismatchException mismatch ->
                    "'" + mismatch.getValue() + "' is not a session id; ids are UUIDs such as 3f2b8c1e-7d4a-4e59-9a61-0c2d5b7e8f90.";
            case MethodArgumentNotValidException invalid -> invalid.getBindingResult().getAllErrors().stream()
                    .map(error -> error instanceof org.springframework.validation.FieldError field
                            ? field.getField() + ": " + field.getDefaultMessage()
                            : error.getDefaultMessage())
                    .sorted()
                    .collect(Collectors.joining("; ", "Invalid request: ", "."));
            case HttpMessageNotReadableException ignored when type == ProblemType.PAYLOAD_TOO_LARGE ->
                    rootCause(e).getMessage();
            case HttpMessageNotReadableException ignored ->
                    "The body is not valid JSON of the expected shape; see the API description at /v3/api-docs.";
            case HttpMediaTypeNotSupportedException ignored -> "Send the body as application/json.";
            case NoResourceFoundException ignored -> "There is no resource at this path.";
            default -> type == ProblemType.INTERNAL_ERROR ? "An unexpected error occurred." : e.getMessage();
        };
    }

    private static ProblemDetail problem(ProblemType type, String detail, HttpServletRequest request) {
        return ProblemWriter.problem(type, detail, request.getRequestURI());
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem, Duration retryAfter) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            long seconds = ProblemWriter.retryAfterSeconds(retryAfter);
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            problem.setProperty("retryAfterSeconds", seconds);
        }
        return response.body(problem);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
