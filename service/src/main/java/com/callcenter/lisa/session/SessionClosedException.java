package com.callcenter.lisa.session;

import java.util.UUID;

/** The session was ended or has expired: it can be read but takes no further turns. */
public class SessionClosedException extends RuntimeException {

    private final UUID sessionId;
    private final SessionStatus status;

    public SessionClosedException(UUID sessionId, SessionStatus status) {
        super("Session " + sessionId + " is " + status.wireName() + " and takes no new messages; start a new session.");
        this.sessionId = sessionId;
        this.status = status;
    }

    public UUID sessionId() {
        return sessionId;
    }

    public SessionStatus status() {
        return status;
    }
}
