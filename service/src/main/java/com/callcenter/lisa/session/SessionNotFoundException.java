package com.callcenter.lisa.session;

import java.util.UUID;

/** No session with this id exists (never did, or was purged after its retention). */
public class SessionNotFoundException extends RuntimeException {

    private final UUID sessionId;

    public SessionNotFoundException(UUID sessionId) {
        super("Session " + sessionId + " does not exist.");
        this.sessionId = sessionId;
    }

    public UUID sessionId() {
        return sessionId;
    }
}
