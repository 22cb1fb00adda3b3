package com.callcenter.lisa.session;

import java.util.UUID;

/**
 * The session takes no turns from Lisa: it was ended or has expired (it can be read, nothing more), or
 * it is handed off to a human agent (until it is resumed).
 */
public class SessionClosedException extends RuntimeException {

    private final UUID sessionId;
    private final SessionStatus status;

    public SessionClosedException(UUID sessionId, SessionStatus status) {
        super(
                status == SessionStatus.HANDED_OFF
                        ? "Session " + sessionId
                                + " is handed off to a human agent; Lisa takes no messages until it is "
                                + "resumed (POST /api/v1/sessions/" + sessionId + "/resume)."
                        : "Session " + sessionId + " is " + status.wireName()
                                + " and takes no new messages; start a new session.");
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
