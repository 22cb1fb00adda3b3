package com.callcenter.lisa.chat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets one turn per session run at a time, in arrival order, while turns of different sessions run
 * in parallel. A fair lock per session hands the turn to the longest-waiting request; the lock is
 * dropped when nobody holds or waits for it, so idle sessions cost no memory.
 */
final class SessionTurnOrder {

    /** Released by {@link #close()}; holding one means it is this request's turn on its session. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Line {
        final ReentrantLock lock = new ReentrantLock(true);
        volatile int users;
    }

    private final ConcurrentHashMap<UUID, Line> lines = new ConcurrentHashMap<>();

    /**
     * Waits until every earlier request on this session has finished its turn.
     *
     * @return null if that did not happen within {@code timeout}
     */
    Slot await(UUID sessionId, Duration timeout) throws InterruptedException {
        Line line = lines.compute(sessionId, (id, existing) -> {
            Line l = existing == null ? new Line() : existing;
            l.users++;
            return l;
        });
        boolean acquired = false;
        try {
            acquired = line.lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            if (!acquired) {
                leave(sessionId);
            }
        }
        if (!acquired) {
            return null;
        }
        return () -> {
            line.lock.unlock();
            leave(sessionId);
        };
    }

    /** Requests of this session running or waiting now, i.e. ahead of one arriving now. */
    int ahead(UUID sessionId) {
        Line line = lines.get(sessionId);
        return line == null ? 0 : line.users;
    }

    /**
     * Requests of this session queued behind the one whose turn it is (a request counts once it is in the
     * line, not while it is still joining it). For tests of the arrival order.
     */
    int queued(UUID sessionId) {
        Line line = lines.get(sessionId);
        return line == null ? 0 : line.lock.getQueueLength();
    }

    private void leave(UUID sessionId) {
        lines.computeIfPresent(sessionId, (id, line) -> --line.users == 0 ? null : line);
    }
}
