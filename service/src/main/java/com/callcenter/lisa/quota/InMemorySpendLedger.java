package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The spend record of one instance, in its memory: {@link SpendRules}' buckets under one lock. */
final class InMemorySpendLedger implements SpendLedger {

    private final SpendRules rules;
    /** Ordered by number; buckets that left the window are dropped on the next grant. */
    private final List<SpendRules.Bucket> buckets = new ArrayList<>();

    InMemorySpendLedger(SpendRules rules) {
        this.rules = rules;
    }

    @Override
    public synchronized Decision tryCharge(long budgetMicros, long micros, Instant now) {
        long first = rules.firstBucket(now);
        buckets.removeIf(bucket -> bucket.number() < first);
        var wait = rules.check(budgetMicros, buckets, micros, now);
        if (wait.isPresent()) {
            return new Decision.Wait(wait.get());
        }
        long at = QuotaRules.micros(now);
        long charged = SpendRules.charged(budgetMicros, micros);
        rules.add(buckets, charged, at);
        return new Decision.Granted(new Charge(rules.bucketOf(at), charged));
    }

    /**
     * Records a charge another ledger granted at {@code now}, without deciding: this record then mirrors
     * that ledger's as far as this instance knows it ({@link DatabaseSpendLedger}).
     */
    synchronized void record(Charge charge, Instant now) {
        long first = rules.firstBucket(now);
        buckets.removeIf(bucket -> bucket.number() < first);
        rules.add(buckets, charge.micros(), QuotaRules.micros(now));
    }

    /** Replaces the record by {@code read}, another ledger's buckets of the window, in order of number. */
    synchronized void replace(List<SpendRules.Bucket> read) {
        buckets.clear();
        buckets.addAll(read);
    }

    @Override
    public synchronized void correct(Charge charge, long actualMicros) {
        change(charge.bucket(), actualMicros - charge.micros());
    }

    @Override
    public synchronized void release(Charge charge) {
        change(charge.bucket(), -charge.micros());
    }

    /** A bucket that already left the window (and the list) has nothing left to change. */
    private void change(long number, long delta) {
        for (int i = 0; i < buckets.size(); i++) {
            SpendRules.Bucket bucket = buckets.get(i);
            if (bucket.number() == number) {
                buckets.set(
                        i, new SpendRules.Bucket(number, Math.max(0, bucket.micros() + delta), bucket.lastMicros()));
                return;
            }
        }
    }

    @Override
    public synchronized long spentMicros(Instant now) {
        return rules.spent(buckets, now);
    }

    @Override
    public Duration estimateWait(long budgetMicros, int position, long micros, Instant now) {
        List<SpendRules.Bucket> copy;
        synchronized (this) {
            copy = new ArrayList<>(buckets);
        }
        return rules.estimateWait(budgetMicros, copy, position, micros, now);
    }
}
