package com.callcenter.lisa.wrapup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wrap-ups and their webhook outbox in the database (migration V12). Rows are inserted PENDING by the session
 * store when a session ends; this claims, finishes and delivers them. The same SQL runs on H2 and PostgreSQL.
 *
 * <p>Claims are leases ({@code lease_owner}, {@code lease_until}) taken by a conditional update, rather than
 * {@code select ... for update skip locked}: the same SQL on both databases, no transaction held open while
 * a wrap-up waits for its quota slot (which may be long), and a dead instance's claim frees by itself.
 */
@Repository
class WrapUpStore {

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    WrapUpStore(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    Optional<WrapUp> find(UUID sessionId) {
        return jdbc.sql("""
                select session_id, state, result, reason, attempts, created_at, updated_at, turns_awaited
                from wrap_up where session_id = ?""").param(sessionId).query(WrapUpStore::wrapUp).optional();
    }

    /** Due wrap-ups nobody holds, oldest first. */
    List<UUID> due(Instant now, int limit) {
        return jdbc.sql("""
                select session_id from wrap_up
                where state = 'PENDING' and next_attempt_at <= ? and (lease_until is null or lease_until < ?)
                order by created_at fetch first %d rows only""".formatted(limit))
                .params(utc(now), utc(now))
                .query((rs, row) -> rs.getObject(1, UUID.class))
                .list();
    }

    /** Takes the lease of a due wrap-up; false if another worker holds it or it is no longer due. */
    boolean claim(UUID sessionId, String owner, Instant now, Instant until) {
        return jdbc.sql("""
                update wrap_up set lease_owner = ?, lease_until = ?
                where session_id = ? and state = 'PENDING' and (lease_until is null or lease_until < ?)""").params(owner, utc(until), sessionId, utc(now)).update() == 1;
    }

    /** Extends a held lease; false if it was lost (expired and taken by another). */
    boolean renew(UUID sessionId, String owner, Instant until) {
        return jdbc.sql("""
                update wrap_up set lease_until = ?
                where session_id = ? and state = 'PENDING' and lease_owner = ?""").params(utc(until), sessionId, owner).update() == 1;
    }

    /** One more Gemini answer asked for, counted before it is used (a crash then cannot give a third try). */
    void attempted(UUID sessionId, String owner, int attempts, Instant now) {
        jdbc.sql("update wrap_up set attempts = ?, updated_at = ? where session_id = ? and lease_owner = ?")
                .params(attempts, utc(now), sessionId, owner)
                .update();
    }

    /** Gemini failed: tried again at {@code next}, by whoever claims it then. */
    void later(UUID sessionId, String owner, Instant next, Instant now) {
        jdbc.sql("""
                update wrap_up set next_attempt_at = ?, updated_at = ?, lease_owner = null, lease_until = null
                where session_id = ? and lease_owner = ?""").params(utc(next), utc(now), sessionId, owner).update();
    }

    /**
     * Stores the outcome (DONE with its result, or FAILED with the reason) and, when there is a webhook, its
     * delivery in the outbox, in one transaction: a finished wrap-up is delivered, whatever happens next.
     *
     * @return false if the claim was lost meanwhile (another instance finished it): nothing changed
     */
    boolean finish(
            UUID sessionId,
            String owner,
            WrapUpState state,
            String result,
            String reason,
            int attempts,
            String webhookPayload,
            Instant now) {
        Boolean done = transaction.execute(tx -> {
            int updated = jdbc.sql("""
                    update wrap_up set state = ?, result = ?, reason = ?, attempts = ?, updated_at = ?,
                                       lease_owner = null, lease_until = null
                    where session_id = ? and state = 'PENDING' and lease_owner = ?""")
                    .params(state.name(), result, reason, attempts, utc(now), sessionId, owner)
                    .update();
            if (updated != 1) {
                return false;
            }
            if (webhookPayload != null) {
                jdbc.sql("""
                        insert into wrap_up_delivery (session_id, payload, attempts, created_at, next_attempt_at)
                        values (?, ?, 0, ?, ?)""")
                        .params(
                                sessionId,
                                webhookPayload,
                                utc(now),
                                utc(now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))) // due at once, see V12
                        .update();
            }
            return true;
        });
        return Boolean.TRUE.equals(done);
    }

    /** A delivery to make: its payload and how many tries it had. */
    record Delivery(UUID sessionId, String payload, int attempts) {}

    List<UUID> dueDeliveries(Instant now, int limit) {
        return jdbc.sql("""
                select session_id from wrap_up_delivery
                where delivered_at is null and next_attempt_at <= ? and (lease_until is null or lease_until < ?)
                order by next_attempt_at fetch first %d rows only""".formatted(limit))
                .params(utc(now), utc(now))
                .query((rs, row) -> rs.getObject(1, UUID.class))
                .list();
    }

    Optional<Delivery> claimDelivery(UUID sessionId, String owner, Instant now, Instant until) {
        int claimed =
                jdbc.sql("""
                update wrap_up_delivery set lease_owner = ?, lease_until = ?
                where session_id = ? and delivered_at is null and (lease_until is null or lease_until < ?)""").params(owner, utc(until), sessionId, utc(now)).update();
        if (claimed != 1) {
            return Optional.empty();
        }
        return jdbc.sql("select session_id, payload, attempts from wrap_up_delivery where session_id = ?")
                .param(sessionId)
                .query((rs, row) -> new Delivery(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3)))
                .optional();
    }

    void delivered(UUID sessionId, String owner, int attempts, Instant now) {
        jdbc.sql("""
                update wrap_up_delivery set delivered_at = ?, attempts = ?, last_error = null,
                                            lease_owner = null, lease_until = null
                where session_id = ? and lease_owner = ?""").params(utc(now), attempts, sessionId, owner).update();
    }

    void deliveryFailed(UUID sessionId, String owner, int attempts, String error, Instant next) {
        jdbc.sql("""
                update wrap_up_delivery set attempts = ?, last_error = ?, next_attempt_at = ?,
                                            lease_owner = null, lease_until = null
                where session_id = ? and lease_owner = ?""").params(attempts, error, utc(next), sessionId, owner).update();
    }

    /**
     * A stopping worker gives up its claims on wrap-ups still to be made, so that the next start or another
     * instance need not wait out the lease. Only the worker's own kind: the webhook delivery may still run.
     */
    void releaseWrapUpClaims(String owner) {
        jdbc.sql(
                        "update wrap_up set lease_owner = null, lease_until = null where lease_owner = ? and state = 'PENDING'")
                .param(owner)
                .update();
    }

    /** The same for deliveries not yet accepted by the webhook, when the delivery stops. */
    void releaseDeliveryClaims(String owner) {
        jdbc.sql("""
                update wrap_up_delivery set lease_owner = null, lease_until = null
                where lease_owner = ? and delivered_at is null""").param(owner).update();
    }

    /**
     * Stops a background loop: interrupts it, waits for it (at most 5 s), then gives up what it had claimed.
     * Shared by the wrap-up worker and the webhook delivery, each releasing only its own claims.
     */
    static void stop(Thread loop, Runnable releaseClaims, Logger log) {
        if (loop == null) {
            return;
        }
        loop.interrupt();
        try {
            loop.join(5_000);
            // What it held is free at once for the next start or another instance, not after the lease.
            releaseClaims.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Claims of this instance not released on stop; they free after the lease: {}", e.toString());
        }
    }

    int pendingDeliveries() {
        return jdbc.sql("select count(*) from wrap_up_delivery where delivered_at is null")
                .query(Integer.class)
                .single();
    }

    private static WrapUp wrapUp(ResultSet rs, int row) throws SQLException {
        return new WrapUp(
                rs.getObject("session_id", UUID.class),
                WrapUpState.valueOf(rs.getString("state")),
                rs.getString("result"),
                rs.getString("reason"),
                rs.getInt("attempts"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                rs.getInt("turns_awaited"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
