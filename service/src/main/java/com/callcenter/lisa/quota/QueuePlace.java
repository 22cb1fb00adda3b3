package com.callcenter.lisa.quota;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Where one chat request stands in its model's queue, for a client that is shown its wait, and its
 * way out of the queue when that client goes away. Positions are read without taking the queue's
 * lock (the queue renumbers its tickets as it moves), so watching a place costs the queue nothing.
 */
public final class QueuePlace {

    private final int arrivalPosition;
    private final Duration arrivalEstimate;
    private ModelLane lane;
    private ModelLane.Ticket ticket;
    private boolean left;
    private boolean dispatched;

    QueuePlace(int arrivalPosition, Duration arrivalEstimate) {
        this.arrivalPosition = arrivalPosition;
        this.arrivalEstimate = arrivalEstimate;
    }

    /** The wait estimated on arrival; zero when the request could be sent at once. */
    public Duration arrivalEstimate() {
        return arrivalEstimate;
    }

    /**
     * 1 = next to be sent; empty once the request has been sent to Gemini (or has left the queue).
     * Before the request has a ticket (it waits for its session's earlier turns) it is the position
     * estimated on arrival.
     */
    public synchronized OptionalInt position() {
        if (dispatched || left) {
            return OptionalInt.empty();
        }
        if (ticket == null) {
            return OptionalInt.of(arrivalPosition);
        }
        int position = ticket.position;
        return position > 0 ? OptionalInt.of(position) : OptionalInt.empty();
    }

    /** The honest wait from now for the request at {@code position} of this place's model. */
    public Duration estimatedWait(int position) {
        ModelLane current;
        int tokens;
        synchronized (this) {
            if (lane == null) {
                return arrivalEstimate;
            }
            current = lane;
            tokens = ticket.inputTokens;
        }
        // Outside this object's lock: the estimate may read the shared ledger.
        return current.estimate(position, tokens);
    }

    /**
     * The client went away: take the request out of the queue so that it spends no quota.
     *
     * @return false if it is too late, because the request was already sent to Gemini (the turn then
     *         completes and is stored, so the client finds the reply when it comes back)
     */
    public boolean leave() {
        ModelLane current;
        ModelLane.Ticket waiting;
        synchronized (this) {
            if (dispatched) {
                return false;
            }
            left = true;
            current = lane;
            waiting = ticket;
        }
        return waiting == null || current.cancel(waiting, clientGone());
    }

    synchronized boolean hasLeft() {
        return left;
    }

    /** @throws QuotaRejectedException (client gone) if the client left before the ticket was attached and it still waits */
    void attach(ModelLane newLane, ModelLane.Ticket newTicket) {
        boolean cancel;
        synchronized (this) {
            lane = newLane;
            ticket = newTicket;
            cancel = left && !dispatched;
        }
        // A ticket granted on the spot cannot be cancelled: its slot is taken, so the request goes.
        if (cancel && newLane.cancel(newTicket, clientGone())) {
            throw clientGone();
        }
    }

    synchronized void dispatched() {
        dispatched = true;
    }

    static QuotaRejectedException clientGone() {
        return new QuotaRejectedException(QuotaRejectedException.Reason.CLIENT_GONE, Duration.ZERO,
                "The client went away while the request waited; nothing was sent to Gemini.");
    }
}
