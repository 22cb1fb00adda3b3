package com.callcenter.lisa.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Runs the expiry and retention sweep at the configured interval, and after it the wrap-ups' catch-up.
 *
 * <p>The catch-up: a session's wrap-up is made due in the transaction that closes it or hands it off, if it has a
 * turn then. A session ended, expired or handed off while its first turn was still being answered has none then;
 * that turn is stored afterwards (a paid reply is stored), and without this the session would stay without a
 * wrap-up for ever. Each pass makes due the wrap-ups of the sessions closed or handed off whose turn was stored
 * since the previous pass that succeeded (see {@link SessionStore#wrapUpsDueAfterLateFirstTurns}), so a pass reads
 * a few index entries, not every closed session; a pass that failed widens the next one. Every instance runs it;
 * a wrap-up is made due once (one row per session), whichever instance's pass finds the session first. Like the
 * wrap-ups made due when a session ends, this runs with {@code lisa.wrapup.enabled=false} too: an instance that
 * makes none still leaves them due for one that does.
 */
@Component
class SessionSweeper {

    private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);

    /**
     * How far back the first catch-up after a start looks: the turns the instances stored while this one was not
     * sweeping (a stopping instance lets its turns finish and be stored after its last sweep).
     */
    static final Duration FIRST_LOOK_BACK = Duration.ofHours(1);

    /**
     * A turn's last_activity is its reply's time, taken just before the turn is stored, maybe on another instance:
     * each pass looks back this much before the previous one began, for the time the store took (a wait for a
     * connection of the pool included) and for clocks a little apart.
     */
    static final Duration STORE_MARGIN = Duration.ofMinutes(1);

    private final SessionService sessions;
    private final SessionStore store;
    private final SessionProperties properties;
    private final TaskScheduler scheduler;
    private final Clock clock;

    /** When the last catch-up that succeeded began; null before the first. Guarded by {@code this}. */
    private Instant caughtUpAt;

    SessionSweeper(
            SessionService sessions,
            SessionStore store,
            SessionProperties properties,
            TaskScheduler scheduler,
            Clock clock) {
        this.sessions = sessions;
        this.store = store;
        this.properties = properties;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::sweep, properties.sweepInterval());
    }

    /** One pass: expiry and purge, then the wrap-ups' catch-up, each tried even if the other failed. */
    synchronized void sweep() {
        try {
            sessions.sweep();
        } catch (RuntimeException e) {
            // A database hiccup must not stop future sweeps; the next one catches up.
            log.warn("Session sweep failed, will retry in {}: {}", properties.sweepInterval(), e.toString());
        }
        try {
            catchUpWrapUps();
        } catch (RuntimeException e) {
            log.warn("Wrap-up catch-up failed, will retry in {}: {}", properties.sweepInterval(), e.toString());
        }
    }

    private void catchUpWrapUps() {
        Instant now = clock.instant();
        Instant since = (caughtUpAt == null ? now.minus(FIRST_LOOK_BACK) : caughtUpAt).minus(STORE_MARGIN);
        int due = store.wrapUpsDueAfterLateFirstTurns(since, now);
        caughtUpAt = now;
        if (due > 0) {
            log.info(
                    "Wrap-ups made due for {} session(s) whose first turn was stored after they were closed or "
                            + "handed off",
                    due);
        }
    }
}
