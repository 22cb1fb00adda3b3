package com.callcenter.lisa.session;

import com.callcenter.lisa.persona.CallContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions and their turns in the database. The database, not the heap, holds conversations: a million stored
 * sessions cost no more memory than ten. What is kept in memory ({@link KeptTurns}, bounded) only spares reading the
 * earlier turns of a conversation again; the session itself is read on every turn.
 *
 * <p>The same SQL runs on H2 and PostgreSQL, except where PostgreSQL saves a turn round trips: it stores a turn in
 * one statement, and reads a session with its turns in one round trip.
 */
@Repository
class SessionStore {

    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};

    private final JdbcClient jdbc;
    /** For the one read JdbcClient cannot do: two result sets of one statement ({@link #findWithTurns}). */
    private final JdbcTemplate template;

    private final TransactionTemplate transaction;
    private final JsonMapper json;
    private final KeptTurns kept = new KeptTurns();

    /** PostgreSQL: a turn is stored in one statement (see {@link #append}). */
    private final boolean postgres;

    SessionStore(
            JdbcClient jdbc,
            JdbcTemplate template,
            TransactionTemplate transaction,
            JsonMapper json,
            DataSource dataSource) {
        this.jdbc = jdbc;
        this.template = template;
        this.transaction = transaction;
        this.json = json;
        this.postgres = isPostgres(dataSource);
    }

    /** Asked once at start-up; if the database cannot be reached then, the statements that suit every database. */
    private static boolean isPostgres(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            return false;
        }
    }

    void insert(Session session) {
        jdbc.sql("""
                insert into session (id, persona, status, metadata, created_at, last_activity, activity_bucket,
                                     turn_count, context, tenant, owner)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        session.id(),
                        session.persona(),
                        session.status().name(),
                        json.writeValueAsString(session.metadata()),
                        utc(session.createdAt()),
                        utc(session.lastActivity()),
                        bucket(session.lastActivity()),
                        session.turnCount(),
                        session.context().isEmpty() ? null : session.context().json(),
                        session.tenant(),
                        session.owner())
                .update();
    }

    private static final String FIND = """
            select id, persona, status, metadata, created_at, last_activity, turn_count, context, tenant, owner,
                   exists (select 1 from session_message m where m.session_id = s.id) as has_handoff_messages
            from session s where id = ?""";

    /** A turn's columns, in the order {@link #turn(ResultSet, int)} reads them. */
    private static final String TURN_COLUMNS = """
            select turn_number, user_message, received_at, reply, replied_at, finish_reason, model,
                   cached_tokens, thought_tokens, cost_usd,
                   prompt_tokens, reply_tokens, model_parts, tool_calls
            from turn""";

    Optional<Session> find(UUID id) {
        return jdbc.sql(FIND).param(id).query(this::session).optional();
    }

    /** The turns of a session after a number, in order. */
    private static final String TURNS_AFTER =
            TURN_COLUMNS + " where session_id = ? and turn_number > ? order by turn_number";

    /** A session and its turns as one read. */
    record WithTurns(Session session, List<Turn> turns) {}

    /**
     * A session and its turns. The session is read every time; of its turns only those after the ones this instance
     * keeps ({@link KeptTurns}: usually all but the last turn stored), so a turn's read does not grow with the
     * conversation. On PostgreSQL both queries go out together and come back together (its driver sends the statements
     * of one prepared statement in one round trip); elsewhere they are two statements, the second only if there are
     * turns to read. The turns of a session the caller may not see are read and dropped with it: the answer is the
     * same 404. Inside a transaction nothing read is kept: it might not be committed.
     */
    Optional<WithTurns> findWithTurns(UUID id) {
        List<Turn> before = kept.of(id);
        Optional<WithTurns> read = postgres
                ? findWithTurnsAfter(id, before.size())
                : find(id).map(session -> new WithTurns(
                        session, session.turnCount() > before.size() ? turnsAfter(id, before.size()) : List.of()));
        if (read.isEmpty()) {
            kept.forget(id);
            return read;
        }
        Session session = read.get().session();
        boolean keep = !TransactionSynchronizationManager.isActualTransactionActive();
        List<Turn> turns = kept.merge(id, before, read.get().turns(), session.turnCount(), keep);
        if (turns == null) {
            turns = turns(id);
            if (keep) {
                kept.keep(id, turns);
            }
        }
        return Optional.of(new WithTurns(session, turns));
    }

    private List<Turn> turnsAfter(UUID sessionId, int after) {
        return jdbc.sql(TURNS_AFTER)
                .params(sessionId, after)
                .query(SessionStore::turn)
                .list();
    }

    private Optional<WithTurns> findWithTurnsAfter(UUID id, int after) {
        return template.execute(
                (Connection connection) -> {
                    PreparedStatement statement = connection.prepareStatement(FIND + ";\n" + TURNS_AFTER);
                    statement.setObject(1, id);
                    statement.setObject(2, id);
                    statement.setInt(3, after);
                    return statement;
                },
                (PreparedStatement statement) -> {
                    statement.execute();
                    Session session = null;
                    try (ResultSet rs = statement.getResultSet()) {
                        if (rs.next()) {
                            session = session(rs, 0);
                        }
                    }
                    List<Turn> turns = new java.util.ArrayList<>();
                    if (!statement.getMoreResults()) {
                        throw new IllegalStateException("PostgreSQL answered the session without its turns");
                    }
                    try (ResultSet rs = statement.getResultSet()) {
                        while (rs.next()) {
                            turns.add(turn(rs, turns.size()));
                        }
                    }
                    return session == null ? Optional.<WithTurns>empty() : Optional.of(new WithTurns(session, turns));
                });
    }

    /** A session's turns, in order. */
    List<Turn> turns(UUID sessionId) {
        return turnsAfter(sessionId, 0);
    }

    /** What was said while a human agent had the call, in stored order. */
    List<HandoffMessage> said(UUID sessionId) {
        return jdbc.sql("""
                select message_number, after_turn, author, content, created_at from session_message
                where session_id = ? order by message_number""")
                .param(sessionId)
                .query(SessionStore::handoffMessage)
                .list();
    }

    Optional<Turn> turn(UUID sessionId, int number) {
        return jdbc.sql(TURN_COLUMNS + " where session_id = ? and turn_number = ?")
                .params(sessionId, number)
                .query(SessionStore::turn)
                .optional();
    }

    /**
     * Appends a turn: one conditional update of the session's counter and one insert, atomically, whatever the
     * length of the history. On PostgreSQL the two are one statement (the update in a common table expression), so a
     * turn stored on its own is one round trip, commit included; elsewhere they are two in one transaction. Inside a
     * caller's transaction both join it.
     *
     * <p>The turn is stored even if the session was ended or expired while Lisa was answering: the
     * reply was paid for and is delivered to the client, so it must be in the history too.
     *
     * @throws TurnConflictException if another turn took this turn number first
     */
    void append(UUID sessionId, Turn turn) {
        if (postgres) {
            int stored = jdbc.sql("""
                    with counted as (
                        update session set turn_count = ?, last_activity = ?, activity_bucket = ?
                        where id = ? and turn_count = ?
                        returning id)
                    insert into turn (session_id, turn_number, user_message, received_at, reply, replied_at,
                                      finish_reason, model, prompt_tokens, reply_tokens, model_parts,
                                      cached_tokens, thought_tokens, cost_usd, tool_calls)
                    select id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? from counted""")
                    .params(concat(turnCounter(sessionId, turn), turnValues(turn)))
                    .update();
            if (stored != 1) {
                throw new TurnConflictException(sessionId, turn.number());
            }
            return;
        }
        transaction.executeWithoutResult(status -> {
            int updated = jdbc.sql("""
                    update session set turn_count = ?, last_activity = ?, activity_bucket = ?
                    where id = ? and turn_count = ?""").params(turnCounter(sessionId, turn)).update();
            if (updated != 1) {
                throw new TurnConflictException(sessionId, turn.number());
            }
            jdbc.sql("""
                    insert into turn (session_id, turn_number, user_message, received_at, reply, replied_at,
                                      finish_reason, model, prompt_tokens, reply_tokens, model_parts,
                                      cached_tokens, thought_tokens, cost_usd, tool_calls)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""").params(concat(List.of(sessionId), turnValues(turn))).update();
        });
    }

    private static List<Object> concat(List<Object> first, List<Object> then) {
        List<Object> all = new java.util.ArrayList<>(first.size() + then.size());
        all.addAll(first);
        all.addAll(then);
        return all;
    }

    /**
     * The parameters of the conditional update that counts a turn: new count, activity and its bucket, session,
     * expected count. Within one bucket the update changes no indexed column, so PostgreSQL makes it in place (V16).
     */
    private static List<Object> turnCounter(UUID sessionId, Turn turn) {
        return List.of(turn.number(), utc(turn.repliedAt()), bucket(turn.repliedAt()), sessionId, turn.number() - 1);
    }

    /**
     * A turn's columns after its session's id. The ones that may be null carry their SQL type: PostgreSQL types an
     * untyped null in the select list of {@link #append}'s statement as text, which a numeric column refuses.
     */
    private static List<Object> turnValues(Turn turn) {
        return List.of(
                turn.number(),
                turn.userMessage(),
                utc(turn.receivedAt()),
                turn.reply(),
                utc(turn.repliedAt()),
                turn.finishReason(),
                turn.model(),
                turn.promptTokens(),
                turn.replyTokens(),
                new SqlParameterValue(Types.VARCHAR, turn.modelParts()),
                turn.cachedTokens(),
                turn.thoughtTokens(),
                new SqlParameterValue(Types.NUMERIC, turn.costUsd()),
                new SqlParameterValue(Types.VARCHAR, turn.toolCalls()));
    }

    /**
     * Closes an open (active or handed-off) session; a closed one keeps its first closing status and time. A
     * session with at
     * least one turn gets its wrap-up due in the same transaction (table wrap_up, package wrapup), so
     * that no ended conversation is left without one, whatever happens to the instance next.
     */
    boolean close(UUID id, SessionStatus status, Instant at, int answeringTurn) {
        Boolean closed = transaction.execute(tx -> {
            boolean updated = jdbc.sql(
                                    "update session set status = ?, closed_at = ? where id = ? and status in ('ACTIVE', 'HANDED_OFF')")
                            .params(status.name(), utc(at), id)
                            .update()
                    == 1;
            if (updated) {
                wrapUpDue(id, at, answeringTurn);
            }
            return updated;
        });
        return Boolean.TRUE.equals(closed);
    }

    /**
     * Makes the wrap-up of a session with at least one turn due (nothing if it has none, or has one already).
     * Called inside the transaction that ends the session, so that the two commit together; a handoff to a human
     * (which ends Lisa's part of the call) is to call it in its own transaction too.
     *
     * @param answeringTurn the number of the session's turn being answered now on this instance (0: none): the
     *                      wrap-up waits for it to be stored ({@code turns_awaited}, V17)
     */
    void wrapUpDue(UUID id, Instant at, int answeringTurn) {
        // Due at the millisecond: the databases round to microseconds, and a due time rounded up past the
        // instant would not be due yet for a worker that asks at that very instant.
        Instant due = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        jdbc.sql(WRAP_UP_DUE + " s.id = ?")
                .params(utc(at), utc(at), utc(due), answeringTurn, id)
                .update();
    }

    /**
     * The turn a wrap-up awaits ({@code turns_awaited}) failed and will not be stored: the wrap-up waits for the
     * turns stored before it only.
     */
    void turnNotStored(UUID id, int turnNumber) {
        jdbc.sql("update wrap_up set turns_awaited = ? where session_id = ? and turns_awaited = ?")
                .params(turnNumber - 1, id, turnNumber)
                .update();
    }

    int expireIdle(Instant idleSince, Instant sweptAt) {
        // Stored and compared at a precision every database keeps, so that the sessions closed now are found again.
        Instant now = sweptAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Integer expired = transaction.execute(tx -> {
            int count = jdbc.sql("""
                    update session set status = 'EXPIRED', closed_at = ?
                    where status in ('ACTIVE', 'HANDED_OFF') and activity_bucket < ? and last_activity < ?""")
                    .params(utc(now), utc(idleSince), utc(idleSince))
                    .update();
            if (count > 0) {
                // The sessions this sweep closed: another instance's sweep closes at its own instant.
                jdbc.sql(WRAP_UP_DUE + " s.status = 'EXPIRED' and s.closed_at = ?")
                        .params(utc(now), utc(now), utc(now), 0, utc(now))
                        .update();
            }
            return count;
        });
        return expired == null ? 0 : expired;
    }

    /**
     * A wrap-up due for each selected session with a turn and none yet (params: created, updated, due, the number of
     * the session's turn being answered on this instance or 0; then the selection's).
     */
    private static final String WRAP_UP_DUE = """
            insert into wrap_up (session_id, state, attempts, created_at, updated_at, next_attempt_at, turns_awaited)
            select s.id, 'PENDING', 0, ?, ?, ?, greatest(s.turn_count, ?) from session s
            where s.turn_count > 0 and not exists (select 1 from wrap_up w where w.session_id = s.id) and""";

    /** Deletes sessions closed before the cut-off; their turns go with them (on delete cascade). */
    int purgeClosedBefore(Instant cutoff) {
        return jdbc.sql("delete from session where status in ('ENDED', 'EXPIRED') and closed_at < ?")
                .param(utc(cutoff))
                .update();
    }

    /**
     * Through the index session_owner_active (V14, V16): only the owner's open sessions are read, and those idle since
     * are left out by their row.
     */
    static final String COUNT_ACTIVE = """
            select count(*) from session
            where tenant = ? and owner = ? and status in ('ACTIVE', 'HANDED_OFF') and last_activity >= ?""";

    /**
     * The owner's sessions active and used since {@code activeSince}: what its active-sessions limit counts.
     * A handed-off call is still going on (a human agent has it, it can be resumed), so it counts too.
     */
    int countActive(String tenant, String owner, Instant activeSince) {
        return jdbc.sql(COUNT_ACTIVE)
                .params(tenant, owner, utc(activeSince))
                .query(Integer.class)
                .single();
    }

    /**
     * One page of sessions, newest first: those created before the cursor (keyset pagination on
     * created_at, id: a page costs the same however deep it is, and sessions created meanwhile do not shift it).
     * A {@code null} filter does not filter.
     */
    List<Session> list(String tenant, String owner, SessionStatus status, SessionPage.Cursor after, int limit) {
        StringBuilder sql = new StringBuilder("""
                select id, persona, status, metadata, created_at, last_activity, turn_count, tenant, owner,
                       null as context,
                       exists (select 1 from session_message m where m.session_id = s.id) as has_handoff_messages
                from session s where 1 = 1""");
        List<Object> params = new java.util.ArrayList<>();
        if (tenant != null) {
            sql.append(" and tenant = ?");
            params.add(tenant);
        }
        if (owner != null) {
            sql.append(" and owner = ?");
            params.add(owner);
        }
        if (status != null) {
            sql.append(" and status = ?");
            params.add(status.name());
        }
        if (after != null) {
            sql.append(" and (created_at < ? or (created_at = ? and id < ?))");
            params.add(utc(after.createdAt()));
            params.add(utc(after.createdAt()));
            params.add(after.id());
        }
        sql.append(" order by created_at desc, id desc limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(this::session).list();
    }

    /**
     * Hands an active session off to a human agent: its status and the handoff's row, in one transaction.
     *
     * @return false if the session was not active (any more)
     */
    boolean handOff(UUID id, String reason, Handoff.By by, Instant at, int answeringTurn) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            int updated = jdbc.sql(
                            "update session set status = 'HANDED_OFF', last_activity = ?, activity_bucket = ? where id = ? and status = 'ACTIVE'")
                    .params(utc(at), bucket(at), id)
                    .update();
            if (updated == 0) {
                return false;
            }
            wrapUpDue(id, at, answeringTurn); // Lisa's part of the call ends: its wrap-up, in the same transaction
            // The session's row is locked by the update until commit: numbers cannot collide.
            jdbc.sql("""
                    insert into handoff (session_id, handoff_number, reason, handed_off_by, handed_off_at, after_turn)
                    select id, (select coalesce(max(handoff_number), 0) + 1 from handoff where session_id = ?),
                           ?, ?, ?, turn_count
                    from session where id = ?""").params(id, reason, by.name(), utc(at), id).update();
            return true;
        }));
    }

    /**
     * Gives a handed-off session back to Lisa.
     *
     * @return false if the session was not handed off (any more)
     */
    boolean resume(UUID id, Instant at) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            int updated = jdbc.sql(
                            "update session set status = 'ACTIVE', last_activity = ?, activity_bucket = ? where id = ? and status = 'HANDED_OFF'")
                    .params(utc(at), bucket(at), id)
                    .update();
            if (updated == 0) {
                return false;
            }
            jdbc.sql("update handoff set resumed_at = ? where session_id = ? and resumed_at is null")
                    .params(utc(at), id)
                    .update();
            return true;
        }));
    }

    /**
     * Stores words said while a human agent has the call, as the session's next message. A repeat of the
     * session's last message (same author, same words) within {@code repeatWindow} is taken for a
     * double submit: the stored one is returned and nothing is added.
     *
     * @return the message, or empty if the session is not handed off (any more)
     */
    Optional<HandoffMessage> addHandoffMessage(
            UUID id, HandoffMessage.Author author, String content, Instant at, Duration repeatWindow) {
        return transaction.execute(status -> {
            // Locks the session's row until commit: one message at a time per session, numbers cannot collide.
            int updated = jdbc.sql(
                            "update session set last_activity = ?, activity_bucket = ? where id = ? and status = 'HANDED_OFF'")
                    .params(utc(at), bucket(at), id)
                    .update();
            if (updated == 0) {
                return Optional.<HandoffMessage>empty();
            }
            Optional<HandoffMessage> last =
                    jdbc.sql("""
                    select message_number, after_turn, author, content, created_at from session_message
                    where session_id = ? order by message_number desc fetch first 1 rows only""").param(id).query(SessionStore::handoffMessage).optional();
            if (last.isPresent()
                    && last.get().author() == author
                    && last.get().content().equals(content)
                    && !last.get().createdAt().isBefore(at.minus(repeatWindow))) {
                return last;
            }
            int number = last.map(HandoffMessage::number).orElse(0) + 1;
            int afterTurn = jdbc.sql("select turn_count from session where id = ?")
                    .param(id)
                    .query(Integer.class)
                    .single();
            HandoffMessage message = new HandoffMessage(number, afterTurn, author, content, at);
            jdbc.sql("""
                    insert into session_message (session_id, message_number, after_turn, author, content, created_at)
                    values (?, ?, ?, ?, ?, ?)""")
                    .params(id, number, afterTurn, author.name(), content, utc(at))
                    .update();
            return Optional.of(message);
        });
    }

    /** The session's last handoff, if it was not resumed. */
    Optional<Handoff> openHandoff(UUID sessionId) {
        return jdbc.sql("""
                select reason, handed_off_by, handed_off_at, after_turn, resumed_at from handoff
                where session_id = ? and resumed_at is null""")
                .param(sessionId)
                .query((rs, row) -> new Handoff(
                        rs.getString("reason"),
                        Handoff.By.valueOf(rs.getString("handed_off_by")),
                        instant(rs, "handed_off_at"),
                        rs.getInt("after_turn"),
                        null))
                .optional();
    }

    /**
     * The session's handoffs made while it had {@code turns} turns, oldest first: by the app between two turns,
     * or by Lisa's tool while the next turn was answered (a turn is stored after its tool calls). Several only if
     * the session was resumed and handed off again before its next turn was stored.
     */
    List<Handoff> handoffsAfterTurn(UUID sessionId, int turns) {
        return jdbc.sql("""
                select reason, handed_off_by, handed_off_at, after_turn, resumed_at from handoff
                where session_id = ? and after_turn = ? order by handoff_number""")
                .params(sessionId, turns)
                .query((rs, row) -> {
                    OffsetDateTime resumedAt = rs.getObject("resumed_at", OffsetDateTime.class);
                    return new Handoff(
                            rs.getString("reason"),
                            Handoff.By.valueOf(rs.getString("handed_off_by")),
                            instant(rs, "handed_off_at"),
                            rs.getInt("after_turn"),
                            resumedAt == null ? null : resumedAt.toInstant());
                })
                .list();
    }

    private static HandoffMessage handoffMessage(ResultSet rs, int row) throws SQLException {
        return new HandoffMessage(
                rs.getInt("message_number"),
                rs.getInt("after_turn"),
                HandoffMessage.Author.valueOf(rs.getString("author")),
                rs.getString("content"),
                instant(rs, "created_at"));
    }

    private Session session(ResultSet rs, int row) throws SQLException {
        return new Session(
                rs.getObject("id", UUID.class),
                SessionStatus.valueOf(rs.getString("status")),
                rs.getString("persona"),
                instant(rs, "created_at"),
                instant(rs, "last_activity"),
                metadata(rs.getString("metadata")),
                rs.getInt("turn_count"),
                new CallContext(rs.getString("context")),
                rs.getString("tenant"),
                rs.getString("owner"),
                rs.getBoolean("has_handoff_messages"));
    }

    private static Turn turn(ResultSet rs, int row) throws SQLException {
        return new Turn(
                rs.getInt("turn_number"),
                rs.getString("user_message"),
                instant(rs, "received_at"),
                rs.getString("reply"),
                instant(rs, "replied_at"),
                rs.getString("finish_reason"),
                rs.getString("model"),
                rs.getInt("prompt_tokens"),
                rs.getInt("reply_tokens"),
                rs.getString("model_parts"),
                rs.getInt("cached_tokens"),
                rs.getInt("thought_tokens"),
                rs.getBigDecimal("cost_usd"),
                rs.getString("tool_calls"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A session's metadata; most sessions have none, read on every turn without asking Jackson. */
    private Map<String, String> metadata(String stored) {
        return "{}".equals(stored) ? Map.of() : json.readValue(stored, METADATA);
    }

    /**
     * How coarse {@code activity_bucket} is (V16): a session's bucket changes at most once in this time, so its turns
     * within it leave every index as it was. Longer means fewer index writes and a little more read by the sweeps.
     */
    static final Duration ACTIVITY_BUCKET = Duration.ofMinutes(10);

    /** An activity's bucket: its time rounded down to {@link #ACTIVITY_BUCKET}. */
    static OffsetDateTime bucket(Instant activity) {
        long seconds = ACTIVITY_BUCKET.toSeconds();
        return utc(Instant.ofEpochSecond(Math.floorDiv(activity.getEpochSecond(), seconds) * seconds));
    }

    /**
     * A lower bound, exclusive, for the bucket of every activity at or after {@code since}: a bucket is always later
     * than its activity minus {@link #ACTIVITY_BUCKET}. With it the index finds what {@code last_activity >= since}
     * then decides.
     */
    static OffsetDateTime bucketsAfter(Instant since) {
        return utc(since.minus(ACTIVITY_BUCKET));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /**
     * The sessions whose wrap-up closing or handing off could not make due: Lisa's part ended while their first turn
     * was still being answered (turn_count 0 then), and that turn was stored afterwards, setting last_activity to its
     * reply's time. Read through the index session_status_activity (V1, V16): per status, only the sessions with a turn
     * stored since the parameter (and the rest of that bucket), not every session closed within the retention (params:
     * {@link #bucketsAfter}, since).
     */
    static final String LATE_FIRST_TURNS = """
            select s.id from session s
            where s.status in ('ENDED', 'EXPIRED', 'HANDED_OFF') and s.activity_bucket > ? and s.last_activity >= ?
              and s.turn_count > 0
              and not exists (select 1 from wrap_up w where w.session_id = s.id)""";

    /**
     * Makes due the wrap-up of each session closed or handed off whose first turn was stored after that, since
     * {@code storedSince} (the session sweep's catch-up, see SessionSweeper). The wrap-up is created now, so it covers
     * every turn of the session: none is taken after the close or the handoff but the late one (a session resumed
     * meanwhile is active again and gets its wrap-up at its next handoff or end).
     *
     * <p>The sessions' rows are locked first, as closing, handing off and storing a turn lock them before they make
     * a wrap-up due: so each wrap-up insert of a session runs after the others committed and finds their row, and
     * neither this nor a DELETE at the same moment (nor another instance's catch-up) fails on a duplicate.
     *
     * @return how many such sessions it found; each has its wrap-up now
     */
    int wrapUpsDueAfterLateFirstTurns(Instant storedSince, Instant now) {
        Integer found = transaction.execute(tx -> {
            List<UUID> late = jdbc.sql(LATE_FIRST_TURNS + " for update")
                    .params(bucketsAfter(storedSince), utc(storedSince))
                    .query(UUID.class)
                    .list();
            late.forEach(id -> wrapUpDue(id, now, 0)); // their turn is stored
            return late.size();
        });
        return found == null ? 0 : found;
    }
}
