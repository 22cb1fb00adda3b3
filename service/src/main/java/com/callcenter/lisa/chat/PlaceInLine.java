package com.callcenter.lisa.chat;

import com.callcenter.lisa.quota.QueuePlace;
import java.time.Duration;

/**
 * Where a new message stands in the line for Gemini quota on arrival, and its way out of the line
 * when its client goes away. Later places are pushed to the turn's {@link TurnObserver#queued}.
 */
public final class PlaceInLine {

    private final QueuePlace place;

    PlaceInLine(QueuePlace place) {
        this.place = place;
    }

    /** The wait estimated on arrival; zero when the message could be sent at once. */
    public Duration arrivalEstimate() {
        return place.arrivalEstimate();
    }

    /** 1 = next to be sent, as estimated on arrival. */
    public int arrivalPosition() {
        return place.arrivalPosition();
    }

    /**
     * The client went away: take the message out of the line so that it spends no quota.
     *
     * @return false if it is too late, because Gemini is already being asked (the turn then completes
     *         and is stored, so the client finds the reply when it comes back)
     */
    public boolean leave() {
        return place.leave(QueuePlace.clientGone());
    }
}
