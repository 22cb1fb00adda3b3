package com.callcenter.lisa.session;

import com.callcenter.lisa.persona.CallContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One customer conversation, without its history (see {@link Turn}), with the call context it was opened with. */
public record Session(
        UUID id,
        SessionStatus status,
        String persona,
        Instant createdAt,
        Instant lastActivity,
        Map<String, String> metadata,
        int turnCount,
        CallContext context) {

    public Session {
        metadata = Map.copyOf(metadata);
        context = context == null ? CallContext.NONE : context;
    }

    public boolean isActive() {
        return status == SessionStatus.ACTIVE;
    }
}
