package com.callcenter.lisa.session;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One customer conversation, without its history (see {@link Turn}). */
public record Session(
        UUID id,
        SessionStatus status,
        String persona,
        Instant createdAt,
        Instant lastActivity,
        Map<String, String> metadata,
        int turnCount) {

    public Session {
        metadata = Map.copyOf(metadata);
    }

    public boolean isActive() {
        return status == SessionStatus.ACTIVE;
    }
}
