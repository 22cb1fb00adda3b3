package com.callcenter.lisa.session;

import java.util.UUID;

/** Words of a human agent's conversation were sent for a session that Lisa has, not a human agent. */
public class SessionNotHandedOffException extends RuntimeException {

    private final UUID sessionId;

    public SessionNotHandedOffException(UUID sessionId) {
        super("Session " + sessionId + " is not handed off to a human agent: Lisa has the call. Hand it off first "
                + "(POST /api/v1/sessions/" + sessionId + "/handoff), or send the customer's words to /chat.");
        this.sessionId = sessionId;
    }

    public UUID sessionId() {
        return sessionId;
    }
}
