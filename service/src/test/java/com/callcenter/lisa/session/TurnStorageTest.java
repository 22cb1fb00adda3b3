package com.callcenter.lisa.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.support.ServiceTest;
import com.callcenter.lisa.support.TestDatabases;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** A turn is one row, stored whole or not at all, and never over another turn. */
@Tag("database")
class TurnStorageTest extends ServiceTest {

    @Autowired
    SessionService sessions;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void aTurnNumberCanBeStoredOnlyOnce() {
        UUID id = UUID.fromString(api.newSession());
        Instant now = Instant.now();
        sessions.appendTurn(id, new Turn(1, "erste", now, "antwort", now, "STOP", "m", 1, 1));

        // A second writer that prepared turn 1 from the same history (another instance) loses.
        assertThatThrownBy(() -> sessions.appendTurn(id, new Turn(1, "andere", now, "x", now, "STOP", "m", 1, 1)))
                .isInstanceOf(TurnConflictException.class);

        Conversation conversation = sessions.conversation(id);
        assertThat(conversation.turns()).extracting(Turn::userMessage).containsExactly("erste");
        assertThat(conversation.session().turnCount()).isEqualTo(1);
    }

    /**
     * The optional columns, set and not set, come back as stored (on PostgreSQL a turn is one statement whose
     * values are typed by the statement, not by the table: an untyped null there would not fit a numeric column).
     */
    @Test
    void aTurnsOptionalColumnsAreStoredWithAndWithoutValues() {
        UUID id = UUID.fromString(api.newSession());
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Turn bare = new Turn(1, "erste", now, "antwort", now, "STOP", "m", 3, 4);
        Turn full = new Turn(
                2,
                "zweite",
                now,
                "noch eine",
                now.plusMillis(1),
                "STOP",
                "m",
                5,
                6,
                "{\"parts\":[{\"text\":\"noch eine\"}]}",
                2,
                1,
                new java.math.BigDecimal("0.000123456789"),
                "[{\"name\":\"book_callback\"}]");
        sessions.appendTurn(id, bare);
        sessions.appendTurn(id, full);

        Conversation conversation = sessions.conversation(id);
        assertThat(conversation.turns()).hasSize(2);
        assertThat(conversation.turns().get(0)).isEqualTo(bare);
        Turn stored = conversation.turns().get(1);
        assertThat(stored.modelParts()).isEqualTo(full.modelParts());
        assertThat(stored.costUsd()).isEqualByComparingTo(full.costUsd());
        assertThat(stored.toolCalls()).isEqualTo(full.toolCalls());
        assertThat(stored.cachedTokens()).isEqualTo(2);
        assertThat(stored.thoughtTokens()).isEqualTo(1);
        assertThat(conversation.session().turnCount()).isEqualTo(2);
        assertThat(conversation.session().lastActivity()).isEqualTo(full.repliedAt());
    }

    /**
     * Turns stored by another instance (here: straight into the store) after this one read the conversation are in
     * its next read: what this instance keeps of a history only spares reading it again, the session row says how many
     * turns there are.
     */
    @Test
    void turnsStoredElsewhereAfterARead() {
        UUID id = UUID.fromString(api.newSession());
        api.chat(id.toString(), "Erste Frage");
        api.chat(id.toString(), "Zweite Frage"); // its read kept turn 1
        assertThat(sessions.conversation(id).turns()).hasSize(2);
        Instant now = Instant.now();
        sessions.appendTurn(id, new Turn(3, "dritte, anderswo", now, "antwort 3", now, "STOP", "m", 1, 1));
        sessions.appendTurn(id, new Turn(4, "vierte, anderswo", now, "antwort 4", now, "STOP", "m", 1, 1));

        assertThat(sessions.conversation(id).turns())
                .extracting(Turn::userMessage)
                .containsExactly("Erste Frage", "Zweite Frage", "dritte, anderswo", "vierte, anderswo");
        String fifth =
                api.chat(id.toString(), "Fünfte Frage").json().get("reply").asString();
        assertThat(com.callcenter.lisa.support.EmulatorReply.contentsCount(fifth))
                .isEqualTo(9);
    }

    @Test
    void storingATurnWritesOneRowAndNeverRewritesTheHistory() {
        UUID id = UUID.fromString(api.newSession());
        for (int i = 1; i <= 5; i++) {
            api.chat(id.toString(), "Nachricht " + i);
        }
        // Rows are append-only: their stored times are those of their own turn, not rewritten later.
        var times = jdbc.sql("select replied_at from turn where session_id = ? order by turn_number")
                .param(id)
                .query(java.time.OffsetDateTime.class)
                .list();
        assertThat(times).hasSize(5).isSorted();
        assertThat(jdbc.sql("select count(*) from turn where session_id = ?")
                        .param(id)
                        .query(Integer.class)
                        .single())
                .isEqualTo(5);
    }

    /**
     * A turn moves its session's activity bucket (V16) only when its reply falls in a later 10 minutes: within one,
     * the update changes no indexed column, and PostgreSQL makes it in place (a HOT update: no new entry in any of the
     * session's indexes). Counted by PostgreSQL for this transaction alone, so other tests' turns do not count.
     */
    @Test
    void turnsWithinTenMinutesLeaveTheSessionsIndexesAlone() {
        UUID id = UUID.fromString(api.newSession());
        Instant first = Instant.parse("2031-05-05T10:00:00Z"); // a bucket after the session's creation
        Instant[] replies = {
            first,
            first.plusSeconds(61),
            Instant.parse("2031-05-05T10:09:59.999Z"),
            Instant.parse("2031-05-05T10:10:00Z")
        };
        long[] counted = transaction.execute(tx -> {
            // Before and after, in the transaction: PostgreSQL 14 also shows counts of earlier transactions of this
            // connection that it has not reported yet; within one transaction they stay as they are.
            long[] before = updates();
            for (int i = 0; i < replies.length; i++) {
                sessions.appendTurn(id, new Turn(i + 1, "m" + i, replies[i], "r" + i, replies[i], "STOP", "m", 1, 1));
                assertThat(jdbc.sql("select last_activity, activity_bucket from session where id = ?")
                                .param(id)
                                .query((rs, n) -> new OffsetDateTime[] {
                                    rs.getObject(1, OffsetDateTime.class), rs.getObject(2, OffsetDateTime.class)
                                })
                                .single())
                        .extracting(t -> t.toInstant())
                        .containsExactly(replies[i], i < 3 ? first : replies[3]);
            }
            long[] after = updates();
            return new long[] {after[0] - before[0], after[1] - before[1]};
        });
        if (TestDatabases.postgres()) {
            // the first turn's bucket and the last one's are new: those two updates write index entries, the others not
            assertThat(counted).containsExactly(4, 2);
        }
        assertThat(sessions.get(id).lastActivity()).isEqualTo(replies[3]);
    }

    /** PostgreSQL's count of the session table's updates and of those made in place (HOT); zeros elsewhere. */
    private long[] updates() {
        if (!TestDatabases.postgres()) {
            return new long[2];
        }
        return jdbc.sql("select n_tup_upd, n_tup_hot_upd from pg_stat_xact_user_tables where relname = 'session'")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
    }
}
