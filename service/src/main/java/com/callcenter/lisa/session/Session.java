package com.callcenter.lisa.session;

import com.callcenter.lisa.persona.CallContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One customer conversation, without its history (see {@link Turn}), with the call context it was opened with.
 *
 * @param tenant the call center it belongs to, from the credential that created it
 * @param owner  who created it (a token's subject, {@code api-key:<name>}), {@code null} when created without
 *               authentication or before authentication existed
 * @param hasHandoffMessages whether anything was said while a human agent had the call: only then does reading
 *               the history ask for those messages (most calls are never handed off, and a turn reads the
 *               history every time)
 */
public record Session(
        UUID id,
        SessionStatus status,
        String persona,
        Instant createdAt,
        Instant lastActivity,
        Map<String, String> metadata,
        int turnCount,
        CallContext context,
        String tenant,
        String owner,
        boolean hasHandoffMessages) {

    public Session {
        metadata = Map.copyOf(metadata);
        context = context == null ? CallContext.NONE : context;
    }

    public boolean isActive() {
        return status == SessionStatus.ACTIVE;
    }
}
