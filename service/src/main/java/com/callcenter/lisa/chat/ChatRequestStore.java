package com.callcenter.lisa.chat;

import com.callcenter.lisa.session.TurnConflictException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Chat requests by Idempotency-Key, in the database so that a repeat is recognised after a restart
 * and by every instance. The same SQL runs on H2 and PostgreSQL.
 */
@Repository
class ChatRequestStore {

    enum State {
        RUNNING,
        DONE
    }

    /** A stored request; the outcome fields are set once it is DONE. */
    record Row(
            String messageSha256,
            State state,
            Instant createdAt,
            Instant leaseUntil,
            Integer turnNumber,
            Integer totalTokens,
            Long queueWaitMs,
            Integer attempts) {}

    private final JdbcClient jdbc;

    ChatRequestStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A claim of a key: the instance that holds it, and which of the key's claims it is.
     *
     * @param instanceId {@code lisa.instance-id} of the instance running the request
     * @param claimId    this claim; a later claim of the same key (after this one's instance died) has another
     */
    record Holder(String instanceId, UUID claimId) {}

    /** @return false if a row for the key exists already */
    boolean insertRunning(
            UUID sessionId, String key, String messageSha256, Instant now, Instant leaseUntil, Holder holder) {
        try {
            jdbc.sql("""
                    insert into chat_request (session_id, idempotency_key, message_sha256, state, created_at, lease_until,
                                              instance_id, claim_id)
                    values (?, ?, ?, 'RUNNING', ?, ?, ?, ?)""")
                    .params(
                            sessionId,
                            key,
                            messageSha256,
                            utc(now),
                            utc(leaseUntil),
                            holder.instanceId(),
                            holder.claimId())
                    .update();
            return true;
        } catch (DuplicateKeyException exists) {
            return false;
        }
    }

    Optional<Row> find(UUID sessionId, String key) {
        return jdbc.sql("""
                select message_sha256, state, created_at, lease_until, turn_number, total_tokens, queue_wait_ms,
                       attempts
                from chat_request where session_id = ? and idempotency_key = ?""").params(sessionId, key).query(ChatRequestStore::row).optional();
    }

    /**
     * Takes over a request whose lease ran out (the instance running it died) or that is older than
     * the idempotency window, as a new running request.
     *
     * @return whether this caller got it
     */
    boolean takeOver(
            UUID sessionId,
            String key,
            String messageSha256,
            Instant now,
            Instant leaseUntil,
            Instant forgottenBefore,
            Holder holder) {
        return jdbc.sql("""
                update chat_request
                set message_sha256 = ?, state = 'RUNNING', created_at = ?, lease_until = ?, turn_number = null,
                    total_tokens = null, queue_wait_ms = null, attempts = null, instance_id = ?, claim_id = ?
                where session_id = ? and idempotency_key = ?
                  and ((state = 'RUNNING' and lease_until < ?) or created_at < ?)""")
                        .params(
                                messageSha256,
                                utc(now),
                                utc(leaseUntil),
                                holder.instanceId(),
                                holder.claimId(),
                                sessionId,
                                key,
                                utc(now),
                                utc(forgottenBefore))
                        .update()
                == 1;
    }

    /** Marks the request done; runs in the transaction that stores its turn. */
    void done(
            UUID sessionId, String key, UUID claimId, int turnNumber, int totalTokens, long queueWaitMs, int attempts) {
        int updated = jdbc.sql("""
                update chat_request set state = 'DONE', turn_number = ?, total_tokens = ?, queue_wait_ms = ?,
                                        attempts = ?
                where session_id = ? and idempotency_key = ? and state = 'RUNNING' and claim_id = ?""")
                .params(turnNumber, totalTokens, queueWaitMs, attempts, sessionId, key, claimId)
                .update();
        if (updated != 1) {
            // Another instance took the key over (our lease ran out): its turn, not ours, is the answer,
            // and ours must not be stored beside it.
            throw new TurnConflictException(sessionId, turnNumber);
        }
    }

    /**
     * Forgets a running claim whose turn failed, so that a retry with its key runs anew. A later claim of
     * the key (another instance's, after this one's lease ran out) is left alone.
     */
    void release(UUID sessionId, String key, UUID claimId) {
        jdbc.sql("""
                delete from chat_request
                where session_id = ? and idempotency_key = ? and state = 'RUNNING' and claim_id = ?""").params(sessionId, key, claimId).update();
    }

    /**
     * Extends the lease of the running claims of an instance that were made after {@code claimedAfter}.
     *
     * @return how many were renewed
     */
    int renew(String instanceId, Instant claimedAfter, Instant leaseUntil) {
        return jdbc.sql("""
                update chat_request set lease_until = ?
                where instance_id = ? and state = 'RUNNING' and created_at > ?""")
                .params(utc(leaseUntil), instanceId, utc(claimedAfter))
                .update();
    }

    /**
     * Forgets every running claim of an instance: called when it starts, the claims are its dead
     * predecessor's, whose turns will never finish.
     *
     * @return how many there were
     */
    int releaseAllOf(String instanceId) {
        return jdbc.sql("delete from chat_request where instance_id = ? and state = 'RUNNING'")
                .param(instanceId)
                .update();
    }

    int purgeCreatedBefore(Instant cutoff) {
        return jdbc.sql("delete from chat_request where created_at < ?")
                .param(utc(cutoff))
                .update();
    }

    private static Row row(ResultSet rs, int row) throws SQLException {
        return new Row(
                rs.getString("message_sha256"),
                State.valueOf(rs.getString("state")),
                instant(rs, "created_at"),
                instant(rs, "lease_until"),
                rs.getObject("turn_number", Integer.class),
                rs.getObject("total_tokens", Integer.class),
                rs.getObject("queue_wait_ms", Long.class),
                rs.getObject("attempts", Integer.class));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
