package com.callcenter.lisa.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-model request and input-token accounting. Per-minute limits use a rolling window, Gemini's 60
 * seconds unless {@link Quota#window()} says otherwise (a request at t counts until t + window,
 * exclusive); the daily count resets at midnight
 * America/Los_Angeles, like the real free tier. Only admitted requests are recorded, so a request
 * rejected with 429 does not use up quota.
 */
final class QuotaTracker {

    static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    /** One quota that a request would exceed, and how long until it would not. */
    record Violation(QuotaKind kind, long limit, Duration retryAfter) {}

    /** Why a request was refused: every exceeded quota; the wait is the longest of them. */
    record Rejection(List<Violation> violations) {
        Duration retryAfter() {
            return primary().retryAfter();
        }

        /** The quota that keeps the request out longest; it names the outcome counter. */
        Violation primary() {
            return violations.stream()
                    .max(Comparator.comparing(Violation::retryAfter))
                    .orElseThrow();
        }
    }

    private final Quota quota;
    private final Duration window;
    private final Clock clock;
    private final Map<String, ModelUsage> usage = new ConcurrentHashMap<>();

    QuotaTracker(Quota quota, Clock clock) {
        this.quota = quota;
        this.window = quota.window();
        this.clock = clock;
    }

    /** Records the request and returns null, or returns the rejection and records nothing. */
    Rejection tryAcquire(String model, int inputTokens) {
        if (quota.unlimited()) {
            return null;
        }
        return usage.computeIfAbsent(model, m -> new ModelUsage()).tryAcquire(inputTokens, clock.instant());
    }

    void reset() {
        usage.clear();
    }

    private record Spend(Instant at, long tokens) {}

    /** Usage of one model; synchronized because requests for a model run on many threads. */
    private final class ModelUsage {
        private final ArrayDeque<Spend> spends = new ArrayDeque<>();
        private long windowTokens;
        private LocalDate day;
        private int dayRequests;

        synchronized Rejection tryAcquire(long tokens, Instant now) {
            evictOlderThanWindow(now);
            LocalDate today = LocalDate.ofInstant(now, PACIFIC);
            if (!today.equals(day)) {
                day = today;
                dayRequests = 0;
            }
            List<Violation> violations = new ArrayList<>(3);
            if (quota.requestsPerMinute() > 0 && spends.size() >= quota.requestsPerMinute()) {
                violations.add(new Violation(QuotaKind.RPM, quota.requestsPerMinute(), rpmWait(now)));
            }
            if (quota.inputTokensPerMinute() > 0 && windowTokens + tokens > quota.inputTokensPerMinute()) {
                violations.add(new Violation(QuotaKind.TPM, quota.inputTokensPerMinute(), tpmWait(tokens, now)));
            }
            if (quota.requestsPerDay() > 0 && dayRequests >= quota.requestsPerDay()) {
                Instant midnight = today.plusDays(1).atStartOfDay(PACIFIC).toInstant();
                violations.add(new Violation(QuotaKind.RPD, quota.requestsPerDay(), Duration.between(now, midnight)));
            }
            if (!violations.isEmpty()) {
                return new Rejection(List.copyOf(violations));
            }
            spends.addLast(new Spend(now, tokens));
            windowTokens += tokens;
            dayRequests++;
            return null;
        }

        private void evictOlderThanWindow(Instant now) {
            while (!spends.isEmpty() && !spends.peekFirst().at().plus(window).isAfter(now)) {
                windowTokens -= spends.removeFirst().tokens();
            }
        }

        /** Until enough of the oldest requests leave the window to make room for one more. */
        private Duration rpmWait(Instant now) {
            int mustLeave = spends.size() - quota.requestsPerMinute() + 1;
            Spend freeing = spends.stream().skip(mustLeave - 1L).findFirst().orElseThrow();
            return Duration.between(now, freeing.at().plus(window));
        }

        /**
         * Until enough tokens leave the window for this request to fit. A request larger than the whole
         * limit never fits; it is told to wait one full window, as good an answer as any.
         */
        private Duration tpmWait(long tokens, Instant now) {
            long limit = quota.inputTokensPerMinute();
            if (tokens > limit) {
                return window;
            }
            long remaining = windowTokens;
            for (Spend spend : spends) {
                remaining -= spend.tokens();
                if (remaining + tokens <= limit) {
                    return Duration.between(now, spend.at().plus(window));
                }
            }
            throw new IllegalStateException("window accounting out of sync"); // empty window always fits
        }
    }
}
