package com.callcenter.lisa.gemini;

import com.callcenter.lisa.quota.QuotaProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker of one model's calls: resilience4j's, configured so that
 * {@code failure-threshold} transient failures in a row open it (a count-based window of that many
 * calls, all of which must have failed: one answer among them keeps it closed, which is "in a row"),
 * {@code cool-down} later one real request is the probe ({@code permittedNumberOfCallsInHalfOpenState
 * = 1}) whose answer closes it and whose failure opens it again.
 *
 * <p>A permission taken is always given back: an answer or a failure is recorded, and a call that is
 * not made after all (interrupted, or failed on our side) releases it. Should a probe still be lost, the
 * half-open timeout opens the circuit again for a cool-down and a new probe follows: a model is never
 * blocked until a restart.
 */
final class ModelCircuit {

    private static final Logger log = LoggerFactory.getLogger(ModelCircuit.class);

    private final CircuitBreaker breaker;
    private final Clock clock;
    private final Duration coolDown;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile Instant openUntil = Instant.MIN;

    ModelCircuit(String model, QuotaProperties.Breaker settings, Clock clock) {
        this.clock = clock;
        this.coolDown = settings.coolDown();
        int threshold = Math.max(1, settings.failureThreshold());
        this.breaker = CircuitBreaker.of(
                "gemini-" + model,
                CircuitBreakerConfig.custom()
                        .slidingWindow(threshold, threshold, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .failureRateThreshold(100)
                        .waitDurationInOpenState(settings.coolDown())
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .maxWaitDurationInHalfOpenState(settings.halfOpenTimeout())
                        .automaticTransitionFromOpenToHalfOpenEnabled(false)
                        .clock(clock)
                        .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openUntil = clock.instant().plus(coolDown);
                log.warn("Circuit for {} open for {} after repeated failures", model, coolDown);
            }
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }

    /** CLOSED, OPEN or HALF_OPEN; an open circuit whose cool-down is over is half open (its next request probes). */
    String state() {
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN && !remainingOpen().isPositive()) {
            return CircuitBreaker.State.HALF_OPEN.name();
        }
        return state.name();
    }

    /** How long the circuit still refuses every request; zero unless it is open and cooling down. */
    Duration remainingOpen() {
        if (breaker.getState() != CircuitBreaker.State.OPEN) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), openUntil);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Whether the circuit refuses every request now (open, cooling down). */
    boolean refusing() {
        return remainingOpen().isPositive();
    }

    /**
     * Asks to send one call now. Every true must be followed by exactly one of {@link #answered},
     * {@link #failed} or {@link #notSent}.
     */
    boolean tryPermit() {
        return breaker.tryAcquirePermission();
    }

    /** Gemini answered (a reply, or a 4xx/429 that proves it is up). */
    void answered(long nanos) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    /** Gemini failed transiently (5xx, timeout, connection). */
    void failed(long nanos, GeminiFailure failure) {
        breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
    }

    /** The permitted call was not made, or ended on our side before Gemini said anything. */
    void notSent() {
        breaker.releasePermission();
    }

    /** Waits until the circuit changes state (the probe in flight was answered, or timed out), at most {@code max}. */
    void awaitChange(Duration max) throws InterruptedException {
        if (!max.isPositive()) {
            return;
        }
        lock.lock();
        try {
            changed.await(max.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }
}
