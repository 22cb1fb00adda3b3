package com.callcenter.lisa.session;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Whether the conversation store answers, known without asking it on the request's time: a background
 * check every {@link StoreProperties#probeInterval() second}, bounded by a short timeout, keeps the
 * state. A refused or failed connection counts as down at once; a check that does not answer in time
 * counts when the next tick finds it still hanging (a busy machine can be slow once). While the store is down, requests that need it are refused at once with 503 and
 * {@code Retry-After} ({@link #requireUp()}) instead of each hanging on the pool's connection timeout,
 * and health reports it in words; the first successful check brings the service back, no restart.
 *
 * <p>The check uses one connection of its own, outside the pool: a pool busy with turns is not a store
 * that is down, and the pool's connection timeout is far longer than a health answer may take.
 */
@Component
public class StoreState implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StoreState.class);

    /**
     * The last check.
     *
     * @param up        whether the store answered
     * @param since     when it last changed between up and down
     * @param checkedAt when the check finished
     * @param latencyMs how long it took
     * @param reason    why it counts as down, in words; {@code null} while up
     */
    public record Check(boolean up, Instant since, Instant checkedAt, long latencyMs, String reason) {}

    private final DataSource pool;
    private final StoreProperties properties;
    private final Clock clock;
    private volatile Check current;
    private volatile boolean running;
    private Thread prober;
    /** The check that did not finish within its timeout, if any: no second one piles up behind it. */
    private CompletableFuture<String> lateCheck;

    private long startOfLate;
    /** The checks' own connection, reused while it is valid; only the prober thread touches it. */
    private Connection connection;

    StoreState(DataSource pool, StoreProperties properties, Clock clock) {
        this.pool = pool;
        this.properties = properties;
        this.clock = clock;
        // The service starts only after its migrations ran, so the store answered a moment ago.
        Instant now = clock.instant();
        this.current = new Check(true, now, now, 0, null);
    }

    /** The state as of the last check; never waits for the store. */
    public Check current() {
        return current;
    }

    public boolean isDown() {
        return !current.up();
    }

    /**
     * @throws StoreUnavailableException if the store is known to be down, so nothing was touched yet
     */
    public void requireUp() {
        Check check = current;
        if (!check.up()) {
            throw new StoreUnavailableException(
                    "The conversation store is unavailable (" + check.reason()
                            + "); nothing was sent to Gemini and nothing was changed. Try again shortly.",
                    properties.retryAfter());
        }
    }

    @Override
    public void start() {
        running = true;
        prober = Thread.ofPlatform().daemon().name("store-probe").start(this::probeLoop);
    }

    @Override
    public void stop() {
        running = false;
        prober.interrupt();
        try {
            prober.join(properties.probeTimeout().toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void probeLoop() {
        while (running) {
            probe();
            try {
                Thread.sleep(properties.probeInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One bounded check; its outcome becomes {@link #current()}. */
    void probe() {
        long start = System.nanoTime();
        String failure;
        if (lateCheck != null && !lateCheck.isDone()) {
            failure = "the database has not answered a check for "
                    + Duration.ofNanos(start - startOfLate).toSeconds() + " s";
        } else if (lateCheck != null && lateFailure(lateCheck) instanceof String lateFailure) {
            // The late check has ended meanwhile, failing (its driver gave up): that is the answer, rather
            // than waiting out another check against a database that does not answer.
            lateCheck = null;
            failure = lateFailure;
        } else {
            CompletableFuture<String> check = CompletableFuture.supplyAsync(
                    this::check, task -> Thread.ofVirtual().name("store-check").start(task));
            startOfLate = start;
            try {
                failure = check.get(properties.probeTimeout().toNanos(), TimeUnit.NANOSECONDS);
                lateCheck = null;
            } catch (TimeoutException e) {
                lateCheck = check;
                if (current.up()) {
                    // One slow answer on a busy machine is not an outage: down if the next tick finds it hanging.
                    return;
                }
                failure = "the database did not answer within "
                        + properties.probeTimeout().toMillis() + " ms";
            } catch (ExecutionException e) {
                failure = "the check failed unexpectedly";
                log.warn("Store check failed unexpectedly", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        record(failure, (System.nanoTime() - start) / 1_000_000);
    }

    /** What a check that has ended reported: its failure, or null if the database answered. */
    private static String lateFailure(CompletableFuture<String> ended) {
        try {
            return ended.getNow(null);
        } catch (RuntimeException e) {
            return "the check failed unexpectedly";
        }
    }

    private void record(String failure, long latencyMs) {
        Check before = current;
        Instant now = clock.instant();
        boolean up = failure == null;
        Instant since = up == before.up() ? before.since() : now;
        current = new Check(up, since, now, latencyMs, failure);
        if (up != before.up()) {
            if (up) {
                log.info(
                        "Conversation store is back after {} s",
                        Duration.between(before.since(), now).toSeconds());
            } else {
                log.warn("Conversation store is down: {}; requests that need it are refused until it answers", failure);
            }
        }
    }

    /** Runs on its own thread: {@code null} if the store answered, else why not, in words. */
    private String check() {
        try {
            if (connection == null || !connection.isValid(timeoutSeconds())) {
                closeConnection();
                connection = connect();
                try (Statement statement = connection.createStatement()) {
                    statement.setQueryTimeout(timeoutSeconds());
                    statement.execute("select 1");
                }
            }
            return null;
        } catch (SQLException e) {
            closeConnection();
            return reason(e);
        } catch (RuntimeException e) {
            closeConnection();
            log.debug("Store check failed", e);
            return "the database check failed";
        }
    }

    private Connection connect() throws SQLException {
        if (pool instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
            Properties settings = new Properties();
            settings.putAll(hikari.getDataSourceProperties());
            if (hikari.getJdbcUrl().startsWith("jdbc:postgresql:")) {
                // The driver's own defaults wait 10 s to connect and for ever for an answer. Ours end a
                // second after the probe's timeout, so a hanging database is always caught by the probe
                // (and answered at once on the next tick) rather than racing the driver's own timer.
                settings.setProperty("connectTimeout", Integer.toString(timeoutSeconds() + 1));
                settings.setProperty("socketTimeout", Integer.toString(timeoutSeconds() + 1));
                settings.setProperty("loginTimeout", Integer.toString(timeoutSeconds() + 1));
                settings.setProperty("ApplicationName", "lisa-store-check");
            }
            return new DriverDataSource(
                            hikari.getJdbcUrl(),
                            hikari.getDriverClassName(),
                            settings,
                            hikari.getUsername(),
                            hikari.getPassword())
                    .getConnection();
        }
        // Another pool: checked through it, still bounded by the probe timeout.
        return pool.getConnection();
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, (properties.probeTimeout().toMillis() + 999) / 1000);
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // A connection to a dead store may not close cleanly; it is dropped either way.
            }
        }
    }

    /** Why the store counts as down, in words: never a driver's message, which may name hosts or users. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "the database refused the connection or is not running";
            }
            if (t instanceof UnknownHostException) {
                return "the database host name does not resolve";
            }
            if (t instanceof SocketTimeoutException) {
                return "the database did not answer in time";
            }
        }
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            if (state.startsWith("08")) {
                return "the database connection failed (SQL state " + state + ")";
            }
            if (state.startsWith("28")) {
                return "the database refused the service's credentials";
            }
            if (state.startsWith("57")) {
                return "the database is shutting down or starting (SQL state " + state + ")";
            }
            return "the database answered the check with an error (SQL state " + state + ")";
        }
        return "the database could not be reached";
    }

    /** Started before the web server takes requests (its phase is DEFAULT_PHASE - 2048), stopped after it. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
