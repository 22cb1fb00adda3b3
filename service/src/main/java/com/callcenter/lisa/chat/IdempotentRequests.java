package com.callcenter.lisa.chat;

import com.callcenter.lisa.session.SessionProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Recognises a chat request sent again with the same Idempotency-Key (a mobile app retrying after a
 * dropped connection), so that it is answered from the stored turn instead of a second Gemini call
 * and a second turn.
 */
@Component
class IdempotentRequests {

    private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

    /** One keyed request: the key is per session, and remembers which message it was sent with. */
    record Request(UUID sessionId, String key, String messageSha256) {

        static Request of(UUID sessionId, String key, String message) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(message.getBytes(StandardCharsets.UTF_8));
                return new Request(sessionId, key, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JDK has SHA-256", e);
            }
        }
    }

    /** What a request with a key is, on arrival. */
    sealed interface Claim {
        /** New (or its earlier run failed): this caller runs it. */
        record Claimed() implements Claim {
        }

        /** Answered before: this is its stored outcome. */
        record Done(ChatRequestStore.Row row) implements Claim {
        }

        /** Being answered right now, by this or another instance. */
        record Running() implements Claim {
        }
    }

    private final ChatRequestStore store;
    private final ChatProperties.Idempotency properties;
    private final Clock clock;
    private final TaskScheduler scheduler;
    private final SessionProperties sessions;

    IdempotentRequests(ChatRequestStore store, ChatProperties properties, Clock clock, TaskScheduler scheduler,
                       SessionProperties sessions) {
        this.store = store;
        this.properties = properties.idempotency();
        this.clock = clock;
        this.scheduler = scheduler;
        this.sessions = sessions;
    }

    /** @throws IdempotencyKeyReusedException if the key was used for another message */
    Claim claim(Request request) {
        // Bounded: each round either decides, or saw the row vanish between two statements.
        for (int round = 0; round < 5; round++) {
            Instant now = clock.instant();
            Instant lease = now.plus(properties.lease());
            if (store.insertRunning(request.sessionId(), request.key(), request.messageSha256(), now, lease)) {
                return new Claim.Claimed();
            }
            Optional<ChatRequestStore.Row> existing = store.find(request.sessionId(), request.key());
            if (existing.isEmpty()) {
                continue;
            }
            ChatRequestStore.Row row = existing.get();
            Instant forgottenBefore = now.minus(properties.ttl());
            boolean forgotten = row.createdAt().isBefore(forgottenBefore);
            if (!forgotten && !row.messageSha256().equals(request.messageSha256())) {
                throw new IdempotencyKeyReusedException();
            }
            boolean abandoned = row.state() == ChatRequestStore.State.RUNNING && row.leaseUntil().isBefore(now);
            if (forgotten || abandoned) {
                if (store.takeOver(request.sessionId(), request.key(), request.messageSha256(), now, lease,
                        forgottenBefore)) {
                    return new Claim.Claimed();
                }
                continue;
            }
            return row.state() == ChatRequestStore.State.DONE ? new Claim.Done(row) : new Claim.Running();
        }
        return new Claim.Running();
    }

    /**
     * Waits while another run of the request is under way.
     *
     * @return its outcome, or {@link Claim.Claimed} when that run failed and this caller now runs it
     */
    Claim awaitOutcome(Request request) throws InterruptedException {
        while (true) {
            Optional<ChatRequestStore.Row> row = store.find(request.sessionId(), request.key());
            boolean stillRunning = row.isPresent() && row.get().state() == ChatRequestStore.State.RUNNING
                    && !row.get().leaseUntil().isBefore(clock.instant());
            if (!stillRunning) {
                Claim claim = claim(request);
                if (!(claim instanceof Claim.Running)) {
                    return claim;
                }
            }
            Thread.sleep(properties.pollInterval());
        }
    }

    /** Records the outcome; call in the transaction that stores the turn. */
    void done(Request request, int turnNumber, int totalTokens, long queueWaitMs, int attempts) {
        store.done(request.sessionId(), request.key(), turnNumber, totalTokens, queueWaitMs, attempts);
    }

    /** The run failed: a repeat of the key runs anew. */
    void release(Request request) {
        try {
            store.release(request.sessionId(), request.key());
        } catch (RuntimeException e) {
            // The row's lease runs out instead; a repeat waits until then.
            log.warn("Could not release idempotency key of session {}: {}", request.sessionId(), e.toString());
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void startPurge() {
        scheduler.scheduleWithFixedDelay(this::purge, sessions.sweepInterval());
    }

    private void purge() {
        try {
            int purged = store.purgeCreatedBefore(clock.instant().minus(properties.ttl()));
            if (purged > 0) {
                log.info("Forgot {} idempotency keys older than {}", purged, properties.ttl());
            }
        } catch (RuntimeException e) {
            log.warn("Idempotency key purge failed, will retry: {}", e.toString());
        }
    }
}
