package com.callcenter.lisa.web;

import com.callcenter.lisa.session.Session;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

@Schema(description = "A session in a listing: no messages, no metadata.")
record SessionSummary(
        UUID id,

        @Schema(allowableValues = {"active", "handed_off", "ended", "expired"})
        String status,

        String persona,

        @Schema(
                description = "Who created it: the token's subject, api-key:<name> for an API key; absent for "
                        + "sessions created without authentication.")
        String owner,

        @Schema(description = "The tenant it belongs to.") String tenant,
        Instant createdAt,
        Instant lastActivity,

        @Schema(description = "Completed turns (one message and its reply each).")
        int turnCount) {

    static SessionSummary of(Session session) {
        return new SessionSummary(
                session.id(),
                session.status().wireName(),
                session.persona(),
                session.owner(),
                session.tenant(),
                session.createdAt(),
                session.lastActivity(),
                session.turnCount());
    }

    @Schema(description = "One page of sessions, newest first.")
    record Page(
            List<SessionSummary> sessions,

            @Schema(description = "Pass as `after` for the next page; absent on the last page.")
            String next) {}
}
