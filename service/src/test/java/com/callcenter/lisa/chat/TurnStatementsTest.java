package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

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
 * <p>On H2 the quota ledger is in memory (PostgreSQL's adds its one grant and one correction, each one
 * call of a ledger function): only the session's statements are counted here. On PostgreSQL a turn is four round
 * trips in all: the session with its turns (sent together), the grant, the correction, and the store (one statement).
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
