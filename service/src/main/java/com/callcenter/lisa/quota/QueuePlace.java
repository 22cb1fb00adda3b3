package com.callcenter.lisa.quota;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Where one chat request stands, from its admission to its call, across the reservations it makes
 * (a retry, a fallback model): its place is pushed here by the queue as the queue moves, and it is the
 * request's way out of the queue when its client goes away or its session ends.
 */
public final class QueuePlace implements PlaceListener {

    private final int arrivalPosition;
    private final Duration arrivalEstimate;
    private volatile BiConsumer<Integer, Duration> watcher = (position, wait) -> {};
    private Reservation reservation;
    private QuotaRejectedException leftBecause;
    private boolean dispatched;

    QueuePlace(int arrivalPosition, Duration arrivalEstimate) {
        this.arrivalPosition = arrivalPosition;
        this.arrivalEstimate = arrivalEstimate;
    }

    /** The wait estimated on arrival; zero when the request could be sent at once. */
    public Duration arrivalEstimate() {
        return arrivalEstimate;
    }

    /** The place estimated on arrival, counting the session's own earlier requests. */
    public int arrivalPosition() {
        return arrivalPosition;
    }

    /**
     * Whom to tell each new place and its estimated wait. Told on the thread that moved the queue:
     * it must return at once.
     */
    public void watch(BiConsumer<Integer, Duration> watcher) {
        this.watcher = watcher;
    }

    /** The queue moved the request to {@code position}; without an estimate of the queue's, the arrival one is scaled. */
    @Override
    public void moved(int position, Duration estimatedWait) {
        Duration wait = estimatedWait != null
                ? estimatedWait
                : arrivalEstimate.multipliedBy(position).dividedBy(Math.max(1, arrivalPosition));
        watcher.accept(position, wait);
    }

    /**
     * The request must not be sent any more (its client went away, or its session ended): take it out
     * of the queue so that it spends no quota.
     *
     * @return false if it is too late, because the request was already sent to Gemini (the turn then
     *         completes and is stored, so the client finds the reply when it comes back)
     */
    public boolean leave(QuotaRejectedException why) {
        Reservation waiting;
        synchronized (this) {
            if (dispatched) {
                return false;
            }
            if (leftBecause == null) {
                leftBecause = why;
            }
            waiting = reservation;
        }
        return waiting == null || waiting.cancel(why);
    }

    /** Why the request left before it had a reservation, or null. */
    public synchronized QuotaRejectedException leftBecause() {
        return leftBecause;
    }

    /**
     * The request now holds {@code next}.
     *
     * @throws QuotaRejectedException (the reason it left) if it left meanwhile and {@code next} could
     *                                still be cancelled
     */
    public void attach(Reservation next) {
        QuotaRejectedException left;
        synchronized (this) {
            reservation = next;
            left = dispatched ? null : leftBecause;
        }
        // A reservation granted on the spot cannot be cancelled: its slot is taken, so the request goes.
        if (left != null && next.cancel(left)) {
            throw left;
        }
    }

    /** The request is being sent to Gemini: from now on it completes regardless. */
    public synchronized void dispatched() {
        dispatched = true;
    }

    /** The client went away while the request waited. */
    public static QuotaRejectedException clientGone() {
        return new QuotaRejectedException(
                QuotaRejectedException.Reason.CLIENT_GONE,
                Duration.ZERO,
                "The client went away while the request waited; nothing was sent to Gemini.");
    }

    /** A human agent took the call over while the request waited. */
    public static QuotaRejectedException handedOff() {
        return new QuotaRejectedException(
                QuotaRejectedException.Reason.HANDED_OFF,
                Duration.ZERO,
                "A human agent took the call over while the request waited; nothing was sent to Gemini.");
    }

    /** The session was ended while the request waited. */
    public static QuotaRejectedException sessionEnded() {
        return new QuotaRejectedException(
                QuotaRejectedException.Reason.SESSION_ENDED,
                Duration.ZERO,
                "The session was ended while the request waited; nothing was sent to Gemini.");
    }
}
