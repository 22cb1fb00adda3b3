package com.callcenter.lisa.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time the emulator waits before the first byte of a successful answer: fixed when min equals max,
 * otherwise drawn uniformly from [min, max] for each request.
 */
public record Latency(Duration min, Duration max) {

    public static final Latency NONE = new Latency(Duration.ZERO, Duration.ZERO);

    public Latency {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 <= min <= max, got " + min + ".." + max);
        }
    }

    public static Latency fixed(Duration d) {
        return new Latency(d, d);
    }

    public static Latency between(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? new Latency(a, b) : new Latency(b, a);
    }

    /** One draw: the wait for the next request. */
    public Duration next() {
        if (min.equals(max)) {
            return min;
        }
        long nanos = ThreadLocalRandom.current().nextLong(min.toNanos(), max.toNanos() + 1);
        return Duration.ofNanos(nanos);
    }

    @Override
    public String toString() {
        return min.equals(max) ? min.toMillis() + " ms" : min.toMillis() + "-" + max.toMillis() + " ms";
    }
}
