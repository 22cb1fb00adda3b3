package com.callcenter.lisa.quota;

/**
 * Told when a reservation's place in its model's queue changes, by whoever moved the queue (the
 * lane's dispatcher, or a request leaving). Called outside the queue's lock; it must return at once
 * (record the place and wake whoever shows it, never write to a network).
 */
@FunctionalInterface
public interface PlaceListener {

    PlaceListener NONE = (position, estimatedWait) -> {};

    /**
     * @param position      1 = next to be let out
     * @param estimatedWait the wait from now at that place, or null when the queue has no estimate of
     *                      its own yet (the listener then scales the one it was given on arrival)
     */
    void moved(int position, java.time.Duration estimatedWait);
}
