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
import com.callcenter.lisa.session.TurnConflictException;
import com.callcenter.lisa.text.InvalidMessageException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.ErrorResponse;
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
import tools.jackson.core.JacksonException;

/**
 * Maps every failure to an RFC 9457 problem with a stable {@code type}. Stack traces go to the log,
 * never to the client; details are written so that they never contain the Gemini key.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    /** Failures of the service's own making; {@link Problems} maps them, as for streamed turns. */
    @ExceptionHandler({
        SessionNotFoundException.class,
        SessionClosedException.class,
        TurnConflictException.class,
        InvalidMessageException.class,
        UnknownPersonaException.class,
        InvalidContextException.class,
        InvalidIdempotencyKeyException.class,
        IdempotencyKeyReusedException.class,
        GeminiFailure.class,
        TurnRefusedException.class,
        DataAccessException.class,
        CannotCreateTransactionException.class,
        TransactionSystemException.class,
        ReplyTooLongException.class,
        CompletionException.class,
        SessionNotHandedOffException.class,
        InvalidQueryException.class,
        ClientRateLimitedException.class
    })
    ResponseEntity<ProblemDetail> failed(Exception e, HttpServletRequest request) {
        return respond(Problems.of(e, request.getRequestURI()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> interrupted(InterruptedException e, HttpServletRequest request) {
        Thread.currentThread().interrupt();
        return respond(Problems.of(e, request.getRequestURI()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        return respond(Problems.of(e, request.getRequestURI()));
    }

    /** The framework's own exceptions (routing, content types, binding) get our problem types too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemType type = typeOf(e, status);
        String path = request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getRequestURI()
                : null;
        ProblemDetail problem = ProblemWriter.problem(type, detailOf(e, type), path);
        return ResponseEntity.status(type.status())
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static ProblemType typeOf(Exception e, HttpStatusCode status) {
        return switch (e) {
            case TypeMismatchException ignored -> ProblemType.INVALID_SESSION_ID;
            case HttpMessageNotReadableException ignored
            when causedBy(e, PayloadTooLargeException.class) -> ProblemType.PAYLOAD_TOO_LARGE;
            case HttpMessageNotReadableException ignored when invalidUtf8(e) -> ProblemType.INVALID_TEXT;
            case HttpMessageNotReadableException ignored -> ProblemType.INVALID_REQUEST;
            case MethodArgumentNotValidException invalid
            when !unstorableFields(invalid).isEmpty() -> ProblemType.INVALID_TEXT;
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
                "'" + mismatch.getValue()
                        + "' is not a session id; ids are UUIDs such as 3f2b8c1e-7d4a-4e59-9a61-0c2d5b7e8f90.";
            case MethodArgumentNotValidException invalid
            when type == ProblemType.INVALID_TEXT ->
                unstorableFields(invalid).stream()
                        .collect(Collectors.joining(
                                ", ",
                                "",
                                ": contains a character that cannot be stored (NUL or an unpaired UTF-16 surrogate)."));
            case MethodArgumentNotValidException invalid ->
                invalid.getBindingResult().getAllErrors().stream()
                        .map(error -> error instanceof org.springframework.validation.FieldError field
                                ? field.getField() + ": " + field.getDefaultMessage()
                                : error.getDefaultMessage())
                        .sorted()
                        .collect(Collectors.joining("; ", "Invalid request: ", "."));
            case HttpMessageNotReadableException ignored
            when type == ProblemType.PAYLOAD_TOO_LARGE -> rootCause(e).getMessage();
            case HttpMessageNotReadableException ignored
            when type == ProblemType.INVALID_TEXT ->
                "The body is not valid UTF-8 text (invalid bytes or an unpaired surrogate); send JSON encoded "
                        + "as UTF-8.";
            case HttpMessageNotReadableException ignored ->
                "The body is not valid JSON of the expected shape (strings where strings are expected, no "
                        + "numbers or booleans in their place); see the API description at /v3/api-docs.";
            case HttpMediaTypeNotSupportedException ignored -> "Send the body as application/json.";
            case NoResourceFoundException ignored -> "There is no resource at this path.";
            // The framework's own words for the rest (e.g. a missing header), never an exception's message.
            case ErrorResponse response
            when type != ProblemType.INTERNAL_ERROR && response.getBody().getDetail() != null ->
                response.getBody().getDetail();
            default ->
                type == ProblemType.INTERNAL_ERROR
                        ? "An unexpected error occurred."
                        : "The request cannot be processed as sent; see the API description at /v3/api-docs.";
        };
    }

    /**
     * The body's bytes are not UTF-8, or a property name holds an unpaired surrogate: Jackson refuses
     * both while parsing (and says so in its message), before any validation could see the text.
     */
    private static boolean invalidUtf8(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException
                    && t.getMessage() != null
                    && (t.getMessage().startsWith("Invalid UTF-8")
                            || t.getMessage().contains("surrogate"))) {
                return true;
            }
        }
        return false;
    }

    /** The fields (without map keys, which may be the offending text) that hold text the store cannot keep. */
    private static List<String> unstorableFields(MethodArgumentNotValidException e) {
        return e.getBindingResult().getFieldErrors().stream()
                .filter(error -> StorableText.class.getSimpleName().equals(error.getCode()))
                .map(error -> error.getField().replaceFirst("[\\[<].*", ""))
                .distinct()
                .sorted()
                .toList();
    }

    private static ResponseEntity<ProblemDetail> respond(Problems.Problem problem) {
        ResponseEntity.BodyBuilder response =
                ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.retryAfter() != null) {
            response.header(
                    HttpHeaders.RETRY_AFTER, Long.toString(ProblemWriter.retryAfterSeconds(problem.retryAfter())));
        }
        return response.body(problem.detail());
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
