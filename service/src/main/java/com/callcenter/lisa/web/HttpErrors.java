package com.callcenter.lisa.web;

import java.time.Duration;
import org.springframework.http.ProblemDetail;

/**
 * The problem for an error the servlet container found before any controller ran (a request it could
 * not parse, a method it refuses, a body that broke off): only its status is known, so the answer is
 * the project's problem type for that status and words for what went wrong, never the container's
 * own page or the exception it caught.
 */
final class HttpErrors {

    /** A container that is starting or stopping is usually back within seconds. */
    static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(5);

    private HttpErrors() {}

    static ProblemDetail problem(int status, String path) {
        ProblemType type = typeOf(status);
        ProblemDetail problem = ProblemWriter.problem(type, detailOf(type), path);
        if (type == ProblemType.SERVICE_UNAVAILABLE) {
            problem.setProperty("retryAfterSeconds", ProblemWriter.retryAfterSeconds(UNAVAILABLE_RETRY));
        }
        return problem;
    }

    /** Statuses without a type of their own answer with the closest one (and its status). */
    static ProblemType typeOf(int status) {
        return switch (status) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 417 -> ProblemType.EXPECTATION_FAILED;
            case 501 -> ProblemType.NOT_IMPLEMENTED;
            case 503 -> ProblemType.SERVICE_UNAVAILABLE;
            case 505 -> ProblemType.HTTP_VERSION_NOT_SUPPORTED;
            default -> status >= 400 && status < 500 ? ProblemType.INVALID_REQUEST : ProblemType.INTERNAL_ERROR;
        };
    }

    private static String detailOf(ProblemType type) {
        return switch (type) {
            case NOT_FOUND -> "There is no resource at this path.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed here; the Allow header lists those that are.";
            case NOT_ACCEPTABLE -> "The service answers in application/json (chat also in text/event-stream).";
            case PAYLOAD_TOO_LARGE -> "The request body is too large.";
            case UNSUPPORTED_MEDIA_TYPE -> "Send the body as application/json.";
            case EXPECTATION_FAILED -> "Only 'Expect: 100-continue' is supported.";
            case NOT_IMPLEMENTED ->
                "The request uses an HTTP feature the service does not support (e.g. a transfer "
                        + "coding other than chunked); nothing was done.";
            case SERVICE_UNAVAILABLE ->
                "The service is starting or shutting down; nothing was done. Try again shortly.";
            case HTTP_VERSION_NOT_SUPPORTED -> "Send the request as HTTP/1.1.";
            case INVALID_REQUEST ->
                "The request is not valid HTTP (request line, path, headers or body framing) or "
                        + "its body broke off before its end; nothing was done.";
            default -> "An unexpected error occurred; it has been logged.";
        };
    }
}
