package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * Stops sending to a model that keeps failing, for a cool-down, then lets one real request through
 * as the probe: its success closes the circuit, its failure opens it again. Not thread-safe: its
 * {@link ModelLane} guards it.
 */
final class CircuitBreaker {

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final Duration coolDown;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openUntil = Instant.MIN;
    private boolean probeInFlight;

    CircuitBreaker(int failureThreshold, Duration coolDown) {
        this.failureThreshold = failureThreshold;
        this.coolDown = coolDown;
    }

    State state(Instant now) {
        if (state == State.OPEN && !now.isBefore(openUntil)) {
            state = State.HALF_OPEN;
            probeInFlight = false;
        }
        return state;
    }

    /** Whether a request may be sent now; in half-open state only the one probe may. */
    boolean mayDispatch(Instant now) {
        return switch (state(now)) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> !probeInFlight;
        };
    }

    void dispatched(Instant now) {
        if (state(now) == State.HALF_OPEN) {
            probeInFlight = true;
        }
    }

    /** Gemini answered (a reply, or a 4xx/429 that proves it is up): the circuit closes. */
    void upstreamAnswered() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        probeInFlight = false;
    }

    /** Gemini failed transiently (5xx, timeout, connection). */
    void failed(Instant now) {
        consecutiveFailures++;
        if (state(now) == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
            state = State.OPEN;
            openUntil = now.plus(coolDown);
            probeInFlight = false;
        }
    }

    /** Until when an open circuit refuses requests; zero when it is not open. */
    Duration remainingOpen(Instant now) {
        return state(now) == State.OPEN ? Duration.between(now, openUntil) : Duration.ZERO;
    }
}
