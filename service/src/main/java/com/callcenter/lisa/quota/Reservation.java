package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A request's claim on one slot of its model's budget: waiting in the queue until the ledger grants
 * the slot, or already granted. Whoever holds a granted reservation must use the slot (send the call)
 * or give it back with {@link QuotaScheduler#release}.
 */
public final class Reservation {

    final ModelLane lane;
    final int inputTokens;
    /** The most the call can cost, micro-dollars, charged against the spend budget when the slot is granted. */
    final long spendMicros;
    /** The spend charged for the granted slot (null: none, or no spend budget), for its correction or release. */
    volatile SpendLedger.Charge charge;

    final Instant enqueuedAt;
    final PlaceListener listener;
    /** Whose request it is: its place in the round robin over tenants and owners. */
    final Share share;
    /** Completed with the ledger id of the granted slot, or with the reason the request left the queue. */
    final CompletableFuture<Long> slot = new CompletableFuture<>();
    /** 1 = next in line; 0 once out of the queue. Written under the lane's lock, read without it. */
    volatile int position;
    /** The last position the listener was told, so that it hears each place once. */
    private int told;
    /** The place it was queued at and the wait the ledger estimated for it then; null until estimated. */
    private volatile Estimate queuedAt;

    private record Estimate(int position, Duration estimatedWait) {}

    Reservation(ModelLane lane, int inputTokens, Instant enqueuedAt, PlaceListener listener, Share share) {
        this(lane, inputTokens, 0, enqueuedAt, listener, share);
    }

    Reservation(
            ModelLane lane,
            int inputTokens,
            long spendMicros,
            Instant enqueuedAt,
            PlaceListener listener,
            Share share) {
        this.lane = lane;
        this.inputTokens = inputTokens;
        this.spendMicros = spendMicros;
        this.enqueuedAt = enqueuedAt;
        this.listener = listener;
        this.share = share;
    }

    public String model() {
        return lane.model();
    }

    /** 1 = next to be let out; 0 once granted or out of the queue. */
    public int position() {
        return position;
    }

    /**
     * Waits at most {@code timeout} for the slot.
     *
     * @return the ledger id of the granted slot
     * @throws QuotaRejectedException if the request was refused or taken out of the queue
     * @throws TimeoutException       if the slot did not come in time (the reservation still waits: cancel it)
     */
    long await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return slot.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** The granted slot of a reservation that could no longer be cancelled. */
    public long grantedSlot() {
        return granted();
    }

    /** The granted slot of a reservation that could no longer be cancelled. */
    long granted() {
        try {
            return slot.join();
        } catch (java.util.concurrent.CompletionException e) {
            // A ticket completed exceptionally (refused, or the ledger failed) is that failure, not a 500.
            throw unwrap(e.getCause());
        }
    }

    /**
     * Takes the request out of the queue.
     *
     * @return false if the slot had already been granted, which the holder must then use or release
     */
    public boolean cancel(RuntimeException why) {
        return lane.cancel(this, why);
    }

    /** The wait the ledger estimated when the request had to queue; {@code null} if granted at once or not estimated. */
    Duration estimatedWait() {
        Estimate at = queuedAt;
        return at == null ? null : at.estimatedWait();
    }

    /** The ledger's estimate for the place it was queued at: the one estimate of a waiting request. */
    void estimated(int atPosition, Duration wait) {
        queuedAt = new Estimate(atPosition, wait);
    }

    /**
     * Tells the listener the current place if it changed, with the wait scaled from the estimate made
     * when it was queued: the queue moves by one request per slot, so a place half as far back waits
     * about half as long, and one twice as far back (clients that arrived later took their turns in
     * the round robin ahead of it) about twice as long. Costs nothing, whatever the length of the queue, unlike asking the ledger
     * again for every waiting request on every move. Called outside the lane's lock.
     */
    synchronized void tell() {
        int now = position;
        if (now > 0 && now != told) {
            told = now;
            Estimate at = queuedAt;
            Duration wait =
                    at == null ? null : at.estimatedWait().multipliedBy(now).dividedBy(Math.max(1, at.position()));
            listener.moved(now, wait);
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }
}
