package com.callcenter.lisa.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.springframework.stereotype.Component;

/**
 * Checks an owner's limits before a session is created or a message goes to the Gemini quota, and
 * counts what it lets in.
 *
 * <p>Sessions and messages per minute are counted <b>per instance</b>, in memory, over a sliding window
 * of 60 seconds (a log of the times let in, at most the limit's length per owner). Per instance
 * because a message must be counted on arrival, before anything is stored and whether or not it is
 * answered: counting rows of the store would miss messages still waiting and cost a round trip per
 * message. With several instances behind a load balancer an owner can send up to the limit to each;
 * set the limit per instance accordingly. Active sessions are the store's count of the owner's active
 * sessions, asked only of owners that have that limit, so it holds across instances.
 *
 * <p>The Retry-After of a rate limit is exact: when the counted event that keeps the owner at its limit
 * leaves the window. For active sessions it is {@link LimitsProperties#activeSessionsRetryAfter()}: when
 * one of them will end is not known.
 *
 * <p>Two requests of one owner checked at the same instant may both pass the active-sessions check:
 * the limit can be exceeded by the owner's concurrent creations, not more.
 */
@Component
public class OwnerLimiter {

    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Owners idle for a window are forgotten every this many checks, so the map holds only recent owners. */
    private static final int PURGE_EVERY = 1024;

    private record Key(String tenant, String owner) {}

    private final LimitsProperties properties;
    private final Clock clock;
    private final Map<Key, Deque<Instant>> sessionsCreated = new ConcurrentHashMap<>();
    private final Map<Key, Deque<Instant>> messagesSent = new ConcurrentHashMap<>();
    private final AtomicLong checks = new AtomicLong();

    OwnerLimiter(LimitsProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** The limits of an owner identified by a token. */
    public OwnerLimits tokenLimits() {
        return properties.token().limits();
    }

    /**
     * Before a session of {@code client} is created; counts it if let in.
     *
     * @param activeSessions the owner's active sessions now (asked only if it has that limit)
     * @throws ClientRateLimitedException if over a limit; nothing was counted
     */
    public void admitSession(LimitedClient client, IntSupplier activeSessions) {
        OwnerLimits limits = client.limits();
        if (limits.activeSessions() != null) {
            int active = activeSessions.getAsInt();
            if (active >= limits.activeSessions()) {
                throw new ClientRateLimitedException(
                        ClientRateLimitedException.Limit.ACTIVE_SESSIONS,
                        properties.activeSessionsRetryAfter(),
                        "This client already has " + active
                                + " active sessions, its limit is " + limits.activeSessions()
                                + "; end one (DELETE it) or wait for one to expire. No session was created.");
            }
        }
        take(
                sessionsCreated,
                client,
                limits.sessionsPerMinute(),
                ClientRateLimitedException.Limit.SESSIONS_PER_MINUTE,
                "sessions created",
                "No session was created.");
    }

    /**
     * Before a message of {@code client} goes to the Gemini quota; counts it if let in.
     *
     * @throws ClientRateLimitedException if over the limit; nothing was counted
     */
    public void admitMessage(LimitedClient client) {
        take(
                messagesSent,
                client,
                client.limits().messagesPerMinute(),
                ClientRateLimitedException.Limit.MESSAGES_PER_MINUTE,
                "messages sent",
                "Nothing was sent to Gemini and nothing was stored.");
    }

    private void take(
            Map<Key, Deque<Instant>> counted,
            LimitedClient client,
            Integer limit,
            ClientRateLimitedException.Limit which,
            String what,
            String consequence) {
        if (limit == null) {
            return;
        }
        if (checks.incrementAndGet() % PURGE_EVERY == 0) {
            purge();
        }
        Instant now = clock.instant();
        // compute: one owner's check and record happen as one step, and never on a log being purged.
        counted.compute(new Key(client.tenant(), client.owner()), (key, times) -> {
            Deque<Instant> log = times == null ? new ArrayDeque<>() : times;
            forgetBefore(log, now.minus(WINDOW));
            if (log.size() >= limit) {
                // Let in again when the event that keeps it at the limit leaves the window.
                Iterator<Instant> oldest = log.iterator();
                Instant blocking = oldest.next();
                for (int i = 0; i < log.size() - limit; i++) {
                    blocking = oldest.next();
                }
                Duration retryAfter = Duration.between(now, blocking.plus(WINDOW));
                throw new ClientRateLimitedException(
                        which,
                        retryAfter,
                        "This client has " + what + " "
                                + log.size() + " times in the last minute, its limit is " + limit
                                + "; the next is let in "
                                + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s from now. " + consequence);
            }
            log.addLast(now);
            return log;
        });
    }

    private void purge() {
        Instant from = clock.instant().minus(WINDOW);
        for (Map<Key, Deque<Instant>> counted : java.util.List.of(sessionsCreated, messagesSent)) {
            for (Key key : counted.keySet()) {
                counted.computeIfPresent(key, (k, log) -> {
                    forgetBefore(log, from);
                    return log.isEmpty() ? null : log;
                });
            }
        }
    }

    /** Events at or before {@code from} have left the window. */
    private static void forgetBefore(Deque<Instant> log, Instant from) {
        while (!log.isEmpty() && !log.peekFirst().isAfter(from)) {
            log.pollFirst();
        }
    }
}
