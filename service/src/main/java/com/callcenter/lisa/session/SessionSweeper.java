package com.callcenter.lisa.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/** Runs the expiry and retention sweep at the configured interval. */
@Component
class SessionSweeper {

    private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);

    private final SessionService sessions;
    private final SessionProperties properties;
    private final TaskScheduler scheduler;

    SessionSweeper(SessionService sessions, SessionProperties properties, TaskScheduler scheduler) {
        this.sessions = sessions;
        this.properties = properties;
        this.scheduler = scheduler;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::sweep, properties.sweepInterval());
    }

    private void sweep() {
        try {
            sessions.sweep();
        } catch (RuntimeException e) {
            // A database hiccup must not stop future sweeps; the next one catches up.
            log.warn("Session sweep failed, will retry in {}: {}", properties.sweepInterval(), e.toString());
        }
    }
}
