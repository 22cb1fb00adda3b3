package com.callcenter.lisa.web;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * Every kind of error the API answers with, each with a stable {@code type} URI that clients can
 * switch on (RFC 9457). The titles are fixed; the {@code detail} says what happened this time.
 */
public enum ProblemType {
    INVALID_REQUEST(HttpStatus.BAD_REQUEST, "The request is malformed"),
    INVALID_SESSION_ID(HttpStatus.BAD_REQUEST, "The session id is not a UUID"),
    INVALID_IDEMPOTENCY_KEY(HttpStatus.BAD_REQUEST, "The Idempotency-Key header is malformed"),
    BLANK_MESSAGE(HttpStatus.BAD_REQUEST, "The message is empty"),
    MESSAGE_TOO_LONG(HttpStatus.BAD_REQUEST, "The message is too long"),
    INVALID_TEXT(HttpStatus.BAD_REQUEST, "The text contains characters that cannot be stored"),
    UNKNOWN_PERSONA(HttpStatus.BAD_REQUEST, "No such persona"),
    INVALID_CONTEXT(HttpStatus.BAD_REQUEST, "The call context does not fit the persona"),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "A valid credential is required"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "The credential does not allow this call"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The request body is too large"),
    SESSION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such session"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "No such resource"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "No acceptable representation"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content type"),
    EXPECTATION_FAILED(HttpStatus.EXPECTATION_FAILED, "The Expect header cannot be met"),
    SESSION_CLOSED(HttpStatus.CONFLICT, "The session is closed"),
    SESSION_HANDED_OFF(HttpStatus.CONFLICT, "A human agent has the call"),
    SESSION_NOT_HANDED_OFF(HttpStatus.CONFLICT, "Lisa has the call, not a human agent"),
    TURN_CONFLICT(HttpStatus.CONFLICT, "Another turn was stored first"),
    IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "The Idempotency-Key was used for another message"),
    CLIENT_RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "This client is over one of its limits"),
    UPSTREAM_REJECTED(HttpStatus.BAD_GATEWAY, "Gemini rejected the request"),
    REPLY_TOO_LONG(HttpStatus.BAD_GATEWAY, "Gemini's reply is too long to store"),
    UPSTREAM_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Gemini is unavailable"),
    MODEL_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "No configured Gemini model is available"),
    QUOTA_EXHAUSTED(HttpStatus.SERVICE_UNAVAILABLE, "The Gemini quota is used up"),
    STORAGE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "The conversation store is unavailable"),
    SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "The service is not taking requests right now"),
    UPSTREAM_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "Gemini did not answer in time"),
    NOT_IMPLEMENTED(HttpStatus.NOT_IMPLEMENTED, "The request uses an HTTP feature the service does not support"),
    HTTP_VERSION_NOT_SUPPORTED(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    private static final String PREFIX = "urn:lisa:problem:";

    private final HttpStatus status;
    private final String title;

    ProblemType(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** For example {@code urn:lisa:problem:session-not-found}. */
    public URI uri() {
        return URI.create(PREFIX + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
}
