package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Error answers shaped like the ones the Gemini API sends (see the fixtures under
 * firebase-vertexai-sdk-test-data/googleai/ and errors/ of the recorded fixtures, {@link Fixtures}).
 */
final class ErrorBodies {

    private ErrorBodies() {}

    /**
     * 400 API_KEY_INVALID as recorded in unary-failure-api-key.json. The recorded body also carries a
     * DebugInfo detail that echoes the rejected key; it is left out so keys do not end up in test
     * logs through the SDK's exception message.
     */
    static ApiError apiKeyInvalid() {
        String message = "API key not valid. Please pass a valid API key.";
        ObjectNode error = envelope(400, message, "INVALID_ARGUMENT");
        ArrayNode details = error.putArray("details");
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "API_KEY_INVALID");
        info.put("domain", "googleapis.com");
        info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
        ObjectNode localized = details.addObject();
        localized.put("@type", "type.googleapis.com/google.rpc.LocalizedMessage");
        localized.put("locale", "en-US");
        localized.put("message", message);
        return new ApiError(400, wrap(error), Outcome.AUTH_FAILED);
    }

    /** 404 as recorded in unary-failure-unknown-model.json, with this model and API version. */
    static ApiError modelNotFound(String model, String apiVersion, String method) {
        String message =
                "models/%s is not found for API version %s, or is not supported for %s. Call ListModels to see the list of available models and their supported methods."
                        .formatted(model, apiVersion, method);
        ObjectNode error = envelope(404, message, "NOT_FOUND");
        ArrayNode details = error.putArray("details");
        details.addObject()
                .put("@type", "type.googleapis.com/google.rpc.DebugInfo")
                .put(
                        "detail",
                        "[ORIGINAL ERROR] generic::not_found: %s [google.rpc.error_details_ext] { message: \"%s\" }"
                                .formatted(message, message));
        details.addObject()
                .put("@type", "type.googleapis.com/google.rpc.DebugInfo")
                .put("detail", message);
        return new ApiError(404, wrap(error), Outcome.MODEL_NOT_FOUND);
    }

    /**
     * 404 for a model kept only for projects that used it before. The text is the one reported for
     * gemini-2.0-flash in 2026 (public reports, not a recorded fixture), with this model's id.
     */
    static ApiError modelNoLongerAvailable(String model) {
        String message =
                "This model models/%s is no longer available to new users. Please update your code to use a newer model for the latest features and improvements."
                        .formatted(model);
        return new ApiError(404, wrap(envelope(404, message, "NOT_FOUND")), Outcome.MODEL_NOT_FOUND);
    }

    /** The 404 of a retired model, in the form chosen for it. */
    static ApiError retired(String model, Retirement how, String apiVersion, String method) {
        return how == Retirement.NEW_USERS ? modelNoLongerAvailable(model) : modelNotFound(model, apiVersion, method);
    }

    /**
     * 429 RESOURCE_EXHAUSTED as in errors/429-rpm-free-tier.json: one "Quota exceeded" line and one
     * QuotaFailure violation per exceeded quota, the exact wait in the message ("Please retry in
     * 6.5s.") and the wait rounded up to whole seconds in RetryInfo ("7s"), so a client that waits
     * retryDelay is sure to get through.
     */
    static ApiError quotaExceeded(QuotaTracker.Rejection rejection, String model) {
        StringBuilder message = new StringBuilder(
                "You exceeded your current quota, please check your plan and billing details. For more"
                        + " information on this error, head to:"
                        + " https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current"
                        + " usage, head to: https://ai.dev/rate-limit. ");
        for (QuotaTracker.Violation v : rejection.violations()) {
            message.append("\n* Quota exceeded for metric: ")
                    .append(v.kind().metric)
                    .append(", limit: ")
                    .append(v.limit())
                    .append(", model: ")
                    .append(model);
        }
        message.append("\nPlease retry in ")
                .append(exactSeconds(rejection.retryAfter()))
                .append("s.");
        ObjectNode error = envelope(429, message.toString(), "RESOURCE_EXHAUSTED");
        ArrayNode details = error.putArray("details");
        ObjectNode failure = details.addObject();
        failure.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        ArrayNode violations = failure.putArray("violations");
        for (QuotaTracker.Violation v : rejection.violations()) {
            ObjectNode violation = violations.addObject();
            violation.put("quotaMetric", v.kind().metric);
            violation.put("quotaId", v.kind().quotaId);
            violation.putObject("quotaDimensions").put("location", "global").put("model", model);
            violation.put("quotaValue", Long.toString(v.limit()));
        }
        ObjectNode help = details.addObject();
        help.put("@type", "type.googleapis.com/google.rpc.Help");
        help.putArray("links")
                .addObject()
                .put("description", "Learn more about Gemini API quotas")
                .put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
        details.addObject()
                .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                .put("retryDelay", wholeSecondsUp(rejection.retryAfter()) + "s");
        return new ApiError(429, wrap(error), rejection.primary().kind().outcome);
    }

    /** "6.5", "7", "41233.90412": seconds with up to nanosecond precision, no trailing zeros. */
    static String exactSeconds(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    static long wholeSecondsUp(Duration d) {
        long seconds = d.getSeconds();
        return d.getNano() > 0 ? seconds + 1 : seconds;
    }

    static ApiError invalidArgument(String message) {
        return new ApiError(400, wrap(envelope(400, message, "INVALID_ARGUMENT")), Outcome.BAD_REQUEST);
    }

    /** Anything that is not one of the emulated routes. */
    static ApiError routeNotFound() {
        return new ApiError(404, wrap(envelope(404, "Method not found.", "NOT_FOUND")), Outcome.NOT_FOUND);
    }

    static ApiError internal(String why) {
        return new ApiError(500, wrap(envelope(500, "Emulator failure: " + why, "INTERNAL")), Outcome.INTERNAL_ERROR);
    }

    static ObjectNode envelope(int code, String message, String status) {
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", message);
        error.put("status", status);
        return error;
    }

    static ObjectNode wrap(ObjectNode error) {
        ObjectNode root = Json.object();
        root.set("error", error);
        return root;
    }
}
