package com.callcenter.lisa.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.TestDatabases;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The store check is bounded by its timeout whatever the database does: a server that accepts the
 * connection and never answers (a hung or black-holed database) counts as down within the timeout,
 * and a check still hanging is not stacked with new ones.
 */
class StoreStateTest {

    private static final StoreProperties PROPERTIES =
            new StoreProperties(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));

    @Test
    void aDatabaseThatAcceptsButNeverAnswersIsDownWithinTheTimeout() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0);
                HikariDataSource pool = new HikariDataSource()) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // and never a byte back
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/lisa");
            pool.setUsername("lisa");
            pool.setPassword("secret-never-shown");
            StoreState state = new StoreState(pool, PROPERTIES, Clock.systemUTC());
            assertThat(state.current().up()).isTrue();

            // The first tick that times out may be a busy machine; the next one that finds it hanging is an outage.
            long start = System.nanoTime();
            state.probe();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
            start = System.nanoTime();
            state.probe();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));

            StoreState.Check check = state.current();
            assertThat(check.up()).isFalse();
            assertThat(check.reason()).contains("database").doesNotContain("Exception", "secret", "127.0.0.1");
            assertThat(state.isDown()).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(state::requireUp)
                    .isInstanceOf(StoreUnavailableException.class)
                    .satisfies(e -> assertThat(((StoreUnavailableException) e).retryAfter())
                            .isEqualTo(Duration.ofSeconds(5)));

            // Still down at the next tick, and still answered at once.
            start = System.nanoTime();
            state.probe();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
            assertThat(state.current().up()).isFalse();
            assertThat(state.current().since()).isEqualTo(check.since());
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void aDatabaseThatAnswersIsUp() throws Exception {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:h2:file:" + TestDatabases.freshH2File());
            pool.setUsername("sa");
            pool.setPassword("");
            pool.getConnection().close(); // the database exists and is open, as after the service's migrations
            StoreState state = new StoreState(pool, PROPERTIES, Clock.systemUTC());
            state.probe();
            assertThat(state.current().up())
                    .as(String.valueOf(state.current().reason()))
                    .isTrue();
            state.requireUp();
        }
    }
}
