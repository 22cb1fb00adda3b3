package com.callcenter.lisa.wrapup;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestPostgres;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V17 on a database with wrap-ups made due before it: a wrap-up after Lisa's own handoff (not resumed) waits for
 * the turn after the one the handoff came after, as the worker's rule was then; every other waits for nothing.
 */
@Tag("database")
class TurnsAwaitedMigrationTest {

    private static final OffsetDateTime AT = OffsetDateTime.of(2026, 11, 30, 10, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void wrapUpsMadeDueBeforeV17AwaitWhatTheyAwaitedThen() {
        boolean postgres = TestDatabases.postgres();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres ? TestPostgres.freshDatabase() : "jdbc:h2:file:" + TestDatabases.freshH2File());
        config.setUsername(postgres ? "postgres" : "sa");
        config.setPassword(postgres ? "postgres" : "");
        config.setMaximumPoolSize(2);
        String[] locations = {"classpath:db/migration", "classpath:db/vendor/" + (postgres ? "postgresql" : "h2")};
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Flyway.configure()
                    .dataSource(pool)
                    .locations(locations)
                    .target(postgres ? "16.1" : "16")
                    .load()
                    .migrate();
            JdbcClient jdbc = JdbcClient.create(pool);
            UUID byLisa = handedOff(jdbc, "TOOL", null);
            UUID byApp = handedOff(jdbc, "APP", null);
            UUID byLisaResumed = handedOff(jdbc, "TOOL", AT.plusMinutes(1));

            Flyway.configure().dataSource(pool).locations(locations).load().migrate();

            assertThat(awaited(jdbc, byLisa)).isEqualTo(3);
            assertThat(awaited(jdbc, byApp)).isZero();
            assertThat(awaited(jdbc, byLisaResumed)).isZero();
        }
    }

    /** A session with 2 turns stored, handed off after them, and its pending wrap-up (rows as V16 has them). */
    private static UUID handedOff(JdbcClient jdbc, String by, OffsetDateTime resumedAt) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into session (id, persona, status, metadata, created_at, last_activity, activity_bucket,
                                     turn_count, tenant, owner)
                values (?, 'lisa', 'HANDED_OFF', '{}', ?, ?, ?, 2, 'default', 'someone')""").params(id, AT, AT, AT).update();
        jdbc.sql("""
                insert into handoff (session_id, handoff_number, reason, handed_off_by, handed_off_at, after_turn,
                                     resumed_at)
                values (?, 1, 'test', ?, ?, 2, ?)""").params(id, by, AT, resumedAt).update();
        jdbc.sql("""
                insert into wrap_up (session_id, state, attempts, created_at, updated_at, next_attempt_at)
                values (?, 'PENDING', 0, ?, ?, ?)""").params(id, AT, AT, AT).update();
        return id;
    }

    private static int awaited(JdbcClient jdbc, UUID sessionId) {
        return jdbc.sql("select turns_awaited from wrap_up where session_id = ?")
                .param(sessionId)
                .query(Integer.class)
                .single();
    }
}
