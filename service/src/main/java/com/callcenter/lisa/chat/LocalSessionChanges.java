package com.callcenter.lisa.chat;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Whether this instance changed a session (stored a turn of it, ended it, handed it off) since a moment: so that
 * a turn can send the prompt it built on arrival without reading the session again when it gets its slot.
 *
 * <p>Counted per stripe of sessions, not per session: bounded memory, no entry to add or drop, and no lock.
 * Sessions sharing a stripe only cost a read they could have spared. Changes made by other instances are not
 * seen here; the store's conditional update still refuses a turn whose number another took
 * ({@link com.callcenter.lisa.session.TurnConflictException}).
 */
final class LocalSessionChanges {

    private static final int STRIPES = 4096;

    private final AtomicLongArray changes = new AtomicLongArray(STRIPES);

    /** Taken before the session is read: a change made after the read then shows as one. */
    long mark(UUID sessionId) {
        return changes.get(stripe(sessionId));
    }

    /** Called after the change is committed. */
    void changed(UUID sessionId) {
        changes.incrementAndGet(stripe(sessionId));
    }

    boolean unchangedSince(UUID sessionId, long mark) {
        return changes.get(stripe(sessionId)) == mark;
    }

    private static int stripe(UUID sessionId) {
        return (int) ((sessionId.getLeastSignificantBits() ^ sessionId.getMostSignificantBits()) & (STRIPES - 1));
    }
}
