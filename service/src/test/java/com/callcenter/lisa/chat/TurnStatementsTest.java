package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EmulatorReply;
import com.callcenter.lisa.support.ServiceTest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What one turn asks of the database, counted by H2's own statistics of executed statements: a JSON turn
 * without an idempotency key, in a session that has a turn already, must not do more than
 * {@link #MOST_STATEMENTS} statements. Each of them costs the database CPU and a round trip on every turn;
 * this keeps waste (the same history read twice, a read for an estimate) from creeping back unnoticed.
 *
 * <p>On H2 the quota ledger is in memory (PostgreSQL's takes quota in blocks, one call of a ledger function for
 * dozens of turns at full load): only the session's statements are counted here. On PostgreSQL a turn is about two
 * round trips in all: the session with its turns not read before (sent together) and the store (one statement).
 */
class TurnStatementsTest extends ServiceTest {

    /**
     * On arrival: the session (1, with whether anything was said during a handoff) and its turns (1), from which
     * admission builds the prompt. When the turn's time comes, nothing: this instance has not changed the session
     * since it was read (else the session is read again). The store: the session's turn count (1) and the turn (1),
     * in one transaction (on PostgreSQL one statement). (A turn did 10 at first, then 6: the session read again at
     * its slot, and what was said during handoffs read also for calls never handed off.)
     */
    static final int MOST_STATEMENTS = 4;

    /**
     * One transaction, the store's: H2 counts two COMMITs for it, Spring's commit and the one H2's
     * connection makes when it is given back in auto-commit mode.
     */
    static final int MOST_COMMITS = 2;

    /** Statements of the service's background work (lease renewal, sweeps, purges), not of a turn. */
    private static final List<String> BACKGROUND =
            List.of("chat_request", "delete from", "last_activity <", "wrap_up", "quota_");

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void countStatements() {
        jdbc.sql("set query_statistics true").update();
    }

    @AfterEach
    void stopCounting() {
        jdbc.sql("set query_statistics false").update();
    }

    @Test
    void aTurnDoesAtMostItsStatements() {
        String id = api.newSession();
        assertThat(api.chat(id, "Erste Frage").status()).isEqualTo(200);

        Map<String, Long> before = executed();
        assertThat(api.chat(id, "Zweite Frage").status()).isEqualTo(200);
        Map<String, Long> after = executed();

        Map<String, Long> turn = new HashMap<>();
        after.forEach((sql, count) -> {
            long more = count - before.getOrDefault(sql, 0L);
            if (more > 0 && BACKGROUND.stream().noneMatch(sql.toLowerCase(Locale.ROOT)::contains)) {
                turn.put(sql, more);
            }
        });
        long commits = turn.getOrDefault("COMMIT", 0L);
        long statements = turn.values().stream().mapToLong(Long::longValue).sum() - commits;
        assertThat(commits).as("commits of one turn: %s", turn).isLessThanOrEqualTo(MOST_COMMITS);
        assertThat(statements)
                .as("statements of one turn: %s", turn)
                .isLessThanOrEqualTo(MOST_STATEMENTS)
                // the count is real: the turn was stored
                .isGreaterThanOrEqualTo(2);
    }

    /**
     * A later turn of a conversation reads its session and only the turns stored since this instance last read them
     * (the one before), not the whole history again: read over and over, the history made a conversation's reads grow
     * with the square of its length.
     */
    @Test
    void aLaterTurnReadsOnlyTheTurnsStoredSinceTheLastRead() {
        String id = api.newSession();
        for (int i = 1; i <= 6; i++) {
            assertThat(api.chat(id, "Frage " + i).status()).isEqualTo(200);
        }
        Map<String, Long> before = rowsRead();
        Api.Response seventh = api.chat(id, "Frage 7");
        Map<String, Long> after = rowsRead();

        long turnRows = after.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(Locale.ROOT).contains("from turn where session_id"))
                .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L))
                .sum();
        assertThat(turnRows).as("turn rows read by the 7th turn: %s", after).isEqualTo(1);
        // and what Gemini got is still the whole conversation (the emulator says how many contents): 6 turns + 1
        assertThat(seventh.status()).isEqualTo(200);
        assertThat(EmulatorReply.contentsCount(seventh.json().get("reply").asString()))
                .isEqualTo(13);
    }

    /** Every statement H2 has executed since the statistics were switched on, with the rows it gave back in all. */
    private Map<String, Long> rowsRead() {
        Map<String, Long> rows = new HashMap<>();
        jdbc.sql("select sql_statement, cumulative_row_count from information_schema.query_statistics")
                .query(rs -> {
                    rows.merge(rs.getString(1), rs.getLong(2), Long::sum);
                });
        return rows;
    }

    /** Every statement H2 has executed since the statistics were switched on, with how often. */
    private Map<String, Long> executed() {
        Map<String, Long> counts = new HashMap<>();
        jdbc.sql("select sql_statement, execution_count from information_schema.query_statistics")
                .query(rs -> {
                    String sql = rs.getString(1);
                    if (!sql.toLowerCase(Locale.ROOT).contains("query_statistics")) {
                        counts.merge(sql, rs.getLong(2), Long::sum);
                    }
                });
        return counts;
    }
}
