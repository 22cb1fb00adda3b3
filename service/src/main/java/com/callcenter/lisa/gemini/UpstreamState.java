package com.callcenter.lisa.gemini;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * What the last real calls to Gemini showed. Health reads this instead of calling Gemini, because a
 * health probe that calls the model spends the quota the customers need.
 */
@Component
public class UpstreamState {

    /** The most recent failed call. */
    public record LastError(Instant at, GeminiFailure.Kind kind, int upstreamStatus, String message) {}

    private final Clock clock;
    private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    private final AtomicReference<LastError> lastError = new AtomicReference<>();

    UpstreamState(Clock clock) {
        this.clock = clock;
    }

    void succeeded() {
        lastSuccess.set(clock.instant());
    }

    void failed(GeminiFailure failure) {
        lastError.set(new LastError(clock.instant(), failure.kind(), failure.upstreamStatus(), failure.getMessage()));
    }

    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess.get());
    }

    public Optional<LastError> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    /** True when the most recent call failed: Gemini may be down, or the key or quota may be gone. */
    public boolean failingNow() {
        LastError error = lastError.get();
        Instant success = lastSuccess.get();
        return error != null && (success == null || error.at().isAfter(success));
    }
}
