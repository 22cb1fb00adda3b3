package com.callcenter.lisa.gemini;

import com.fasterxml.jackson.core.JacksonException;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the SDK's exceptions into {@link GeminiFailure}s. The SDK exposes only the status and a
 * message with the error's {@code details} JSON appended after {@code "\nDetails: "}, so the
 * quota id and retry delay are read from that text.
 */
final class GeminiErrors {

    private static final Logger log = LoggerFactory.getLogger(GeminiErrors.class);

    /** Daily quotas reset at midnight in Google's home time zone. */
    static final ZoneId QUOTA_DAY_ZONE = ZoneId.of("America/Los_Angeles");

    /** Without a retry delay from Gemini, a per-minute window frees at the latest after a minute. */
    private static final Duration MINUTE_WINDOW = Duration.ofMinutes(1);
    /** Overload and internal errors usually pass within seconds; there is no better number to give. */
    private static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(5);

    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\"\\s*:\\s*\"([0-9.]+)s\"");
    private static final Pattern QUOTA_ID = Pattern.compile("\"quotaId\"\\s*:\\s*\"([^\"]+)\"");

    private final Clock clock;
    private final String apiKey;

    GeminiErrors(Clock clock, String apiKey) {
        this.clock = clock;
        this.apiKey = apiKey;
    }

    GeminiFailure classify(RuntimeException e) {
        if (e instanceof GeminiFailure failure) {
            return failure;
        }
        if (e instanceof ApiException api) {
            return fromStatus(api);
        }
        if (e instanceof GenAiIOException io) {
            return fromTransport(io);
        }
        log.warn("Unexpected failure calling Gemini: {}", scrub(e.toString()));
        return new GeminiFailure(
                GeminiFailure.Kind.UNAVAILABLE,
                0,
                "The call to Gemini failed (" + inWords(rootCause(e)) + ").",
                UNAVAILABLE_RETRY,
                e);
    }

    private GeminiFailure fromStatus(ApiException e) {
        String full = e.message() == null ? "" : e.message();
        int detailsAt = full.indexOf("\nDetails:");
        String summary = scrub((detailsAt >= 0 ? full.substring(0, detailsAt) : full).strip());
        String said = "Gemini answered " + e.code() + " " + e.status() + ": " + summary;
        int code = e.code();
        if (code == 429) {
            String quotaId = find(QUOTA_ID, full);
            if (quotaId != null && quotaId.contains("PerDay")) {
                return new GeminiFailure(
                        GeminiFailure.Kind.QUOTA_DAY,
                        code,
                        said + " (daily quota " + quotaId + " is used up until midnight Pacific time)",
                        untilQuotaDayEnds(),
                        e);
            }
            String delay = find(RETRY_DELAY, full);
            Duration retryAfter = delay == null
                    ? MINUTE_WINDOW
                    : Duration.ofMillis((long) Math.ceil(Double.parseDouble(delay) * 1000));
            return new GeminiFailure(GeminiFailure.Kind.QUOTA_MINUTE, code, said, retryAfter, e);
        }
        if (code == 404 && "NOT_FOUND".equals(e.status())) {
            // Only generate and stream calls come here: a 404 on them is about the model in the path
            // (shut down, unknown, or "no longer available to new users"), never a retryable state.
            return new GeminiFailure(GeminiFailure.Kind.MODEL_UNAVAILABLE, code, said, null, e);
        }
        if (code == 408 || code == 504) {
            return new GeminiFailure(GeminiFailure.Kind.TIMEOUT, code, said, UNAVAILABLE_RETRY, e);
        }
        if (code >= 500) {
            return new GeminiFailure(GeminiFailure.Kind.UNAVAILABLE, code, said, UNAVAILABLE_RETRY, e);
        }
        return new GeminiFailure(GeminiFailure.Kind.REJECTED, code, said, null, e);
    }

    private GeminiFailure fromTransport(GenAiIOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            // OkHttp reports both its call timeout and socket read timeouts as InterruptedIOException.
            if (cause instanceof InterruptedIOException) {
                return new GeminiFailure(
                        GeminiFailure.Kind.TIMEOUT,
                        0,
                        "Gemini did not answer within the time allowed.",
                        UNAVAILABLE_RETRY,
                        e);
            }
        }
        Throwable root = rootCause(e);
        // The technical cause goes to the log; the client and the health view get it in words.
        log.warn("Gemini transport failure: {}", scrub(root.toString()));
        return new GeminiFailure(
                GeminiFailure.Kind.UNAVAILABLE,
                0,
                "The call to Gemini failed (" + inWords(root) + ").",
                UNAVAILABLE_RETRY,
                e);
    }

    /** What a transport failure means, for people: never an exception's class or message. */
    private static String inWords(Throwable root) {
        return switch (root) {
            case ConnectException ignored -> "Gemini could not be reached: the connection was refused";
            case NoRouteToHostException ignored -> "Gemini could not be reached: there is no network route to it";
            case UnknownHostException ignored -> "Gemini's host name could not be resolved";
            case SSLException ignored -> "the secure connection could not be established";
            case EOFException ignored -> "the connection closed before the answer was complete";
            case SocketException ignored -> "the connection broke off";
            case JacksonException ignored -> "its answer could not be read: it was not the JSON the API describes";
            default -> "an unexpected error; the service log has the cause";
        };
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    Duration untilQuotaDayEnds() {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(QUOTA_DAY_ZONE));
        LocalDate tomorrow = now.toLocalDate().plusDays(1);
        return Duration.between(now, tomorrow.atStartOfDay(QUOTA_DAY_ZONE));
    }

    /** Removes the API key from text that may be shown to clients or written to logs. */
    String scrub(String text) {
        if (apiKey == null || apiKey.isEmpty() || text == null) {
            return text;
        }
        return text.replace(apiKey, "[redacted]");
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }
}
