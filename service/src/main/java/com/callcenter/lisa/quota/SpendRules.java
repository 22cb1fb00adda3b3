package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of the spend budget over a rolling 10 minutes, shared by both spend ledgers: the record is
 * a list of 10-second buckets, each with the micro-dollars charged in it and the instant of its latest
 * charge. A bucket counts, whole, until its latest charge has left the window; so the record may count
 * money a little longer than it really is in the window (at most a bucket's 10 s of 10 minutes), never
 * shorter: the budget can only be under-used by that, never exceeded. A decision reads at most the ~61
 * buckets of one window, however many requests they hold.
 *
 * <p>A charge larger than the whole budget could never fit: it is charged as exactly the budget, so it
 * goes alone once the window is empty instead of never.
 */
final class SpendRules {

    /** Google's spend-limit window. */
    static final Duration WINDOW = Duration.ofMinutes(10);

    static final long BUCKET_MICROS = 10_000_000L;

    /**
     * @param number      epoch microseconds of the charges / {@link #BUCKET_MICROS}
     * @param micros      micro-dollars charged in it (estimates until corrected)
     * @param lastMicros  epoch microseconds of its latest charge
     */
    record Bucket(long number, long micros, long lastMicros) {}

    private final Duration window;

    /** @param margin added to Google's 10 minutes for the trip to Google, as the per-minute window's */
    SpendRules(Duration margin) {
        this.window = WINDOW.plus(margin.isNegative() ? Duration.ZERO : margin);
    }

    Duration window() {
        return window;
    }

    long bucketOf(long micros) {
        return Math.floorDiv(micros, BUCKET_MICROS);
    }

    /** The oldest bucket that can still count at {@code now}. */
    long firstBucket(Instant now) {
        return bucketOf(QuotaRules.micros(now.minus(window)));
    }

    /** The charge recorded for a request of {@code micros}: at most the whole budget. */
    static long charged(long budgetMicros, long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("A charge cannot be negative: " + micros);
        }
        return Math.min(micros, budgetMicros);
    }

    /**
     * @param buckets ordered by number; those out of the window are ignored
     * @return empty if a charge of {@code micros} fits now; else how long until it would
     */
    Optional<Duration> check(long budgetMicros, List<Bucket> buckets, long micros, Instant now) {
        long cost = charged(budgetMicros, micros);
        List<Bucket> in = inWindow(buckets, now);
        long used = 0;
        for (Bucket bucket : in) {
            used += bucket.micros();
        }
        int leaving = 0;
        while (used + cost > budgetMicros && leaving < in.size()) {
            used -= in.get(leaving).micros();
            leaving++;
        }
        if (leaving == 0) {
            return Optional.empty();
        }
        return Optional.of(leaves(in.get(leaving - 1), now));
    }

    long spent(List<Bucket> buckets, Instant now) {
        long used = 0;
        for (Bucket bucket : inWindow(buckets, now)) {
            used += bucket.micros();
        }
        return used;
    }

    /** Adds a charge to a list ordered by number. */
    void add(List<Bucket> buckets, long micros, long atMicros) {
        long number = bucketOf(atMicros);
        int index = buckets.size();
        while (index > 0 && buckets.get(index - 1).number() > number) {
            index--;
        }
        if (index > 0 && buckets.get(index - 1).number() == number) {
            Bucket b = buckets.get(index - 1);
            buckets.set(index - 1, new Bucket(number, b.micros() + micros, Math.max(b.lastMicros(), atMicros)));
        } else {
            buckets.add(index, new Bucket(number, micros, atMicros));
        }
    }

    /**
     * How long until the {@code position}-th of that many back-to-back charges of {@code micros} would
     * be granted, nobody else asking: each tried when its predecessor went and again after the wait it
     * was told, as a caller of the ledger would.
     */
    Duration estimateWait(long budgetMicros, List<Bucket> buckets, int position, long micros, Instant now) {
        if (position < 1) {
            throw new IllegalArgumentException("position starts at 1, was " + position);
        }
        List<Bucket> simulated = new ArrayList<>(buckets);
        Instant at = now;
        long cost = charged(budgetMicros, micros);
        for (int granted = 0; granted < position; granted++) {
            Optional<Duration> wait;
            while ((wait = check(budgetMicros, simulated, micros, at)).isPresent()) {
                Duration after = wait.get().isPositive() ? wait.get() : Duration.ofMillis(1);
                at = at.plus(after);
            }
            add(simulated, cost, QuotaRules.micros(at));
            long first = firstBucket(at);
            simulated.removeIf(bucket -> bucket.number() < first);
        }
        return Duration.between(now, at);
    }

    private List<Bucket> inWindow(List<Bucket> buckets, Instant now) {
        long start = QuotaRules.micros(now.minus(window));
        List<Bucket> in = new ArrayList<>(buckets.size());
        for (Bucket bucket : buckets) {
            if (bucket.lastMicros() > start && bucket.micros() > 0) {
                in.add(bucket);
            }
        }
        return in;
    }

    private Duration leaves(Bucket bucket, Instant now) {
        // Out once its latest charge is no longer after the window's start.
        return Duration.between(now, QuotaRules.instant(bucket.lastMicros()).plus(window));
    }
}
