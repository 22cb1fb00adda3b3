package com.callcenter.lisa.session;

import java.util.UUID;

/**
 * Another turn was stored on this session after this one was prepared, so storing this one would
 * interleave two conversations' views of the history. Within one instance turns are ordered before
 * they start, so this only happens when two instances serve the same session at once.
 */
public class TurnConflictException extends RuntimeException {

    public TurnConflictException(UUID sessionId, int expectedTurnNumber) {
        super("Session " + sessionId + " already has a turn " + expectedTurnNumber + "; the message was not stored.");
    }
}
