package com.callcenter.lisa.chat;

import com.callcenter.lisa.session.SessionProperties;
import com.callcenter.lisa.session.TurnConflictException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Recognises a chat request sent again with the same Idempotency-Key (a mobile app retrying after a
 * dropped connection), so that it is answered from the stored turn instead of a second Gemini call
 * and a second turn.
 */
@Component
class IdempotentRequests {

    private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);
    /** How often releases that failed are tried again (or every renewal interval, if that is shorter). */
    private static final Duration RELEASE_RETRY = Duration.ofSeconds(1);

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
        record Claimed() implements Claim {}

        /** Answered before: this is its stored outcome. */
        record Done(ChatRequestStore.Row row) implements Claim {}

        /** Being answered right now, by this or another instance. */
        record Running() implements Claim {}
    }

    private final ChatRequestStore store;
    private final ChatProperties.Idempotency properties;
    private final Clock clock;
    private final TaskScheduler scheduler;
    private final SessionProperties sessions;
    private final String instanceId;
    /** Claims beyond this age are not renewed: no turn runs that long, so their turn is lost, not running. */
    private final Duration renewedFor;
    /** The claims this instance holds, by request: only the holder's own turn may mark done or release. */
    private final ConcurrentHashMap<Request, UUID> held = new ConcurrentHashMap<>();
    /**
     * Claims of failed turns that could not be released (the store was down): released in the background
     * once it is back, and at once when a repeat of the key comes to this instance.
     */
    private final ConcurrentHashMap<Request, UUID> unreleased = new ConcurrentHashMap<>();
    /** Renews leases and retries releases; its own thread, so that it runs while a graceful shutdown drains. */
    private final ScheduledExecutorService leaseKeeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("idempotency-leases").daemon().factory());

    IdempotentRequests(
            ChatRequestStore store,
            ChatProperties properties,
            Clock clock,
            TaskScheduler scheduler,
            SessionProperties sessions,
            ServiceInstance instance,
            ClaimTimingRules timing) {
        this.store = store;
        this.properties = properties.idempotency();
        this.clock = clock;
        this.scheduler = scheduler;
        this.sessions = sessions;
        this.instanceId = instance.id();
        this.renewedFor = timing.longestTurn().plus(this.properties.lease());
    }

    /** @throws IdempotencyKeyReusedException if the key was used for another message */
    Claim claim(Request request) {
        releaseIfUnreleased(request);
        // Bounded: each round either decides, or saw the row vanish between two statements.
        for (int round = 0; round < 5; round++) {
            Instant now = clock.instant();
            Instant lease = now.plus(properties.lease());
            ChatRequestStore.Holder holder = new ChatRequestStore.Holder(instanceId, UUID.randomUUID());
            if (store.insertRunning(request.sessionId(), request.key(), request.messageSha256(), now, lease, holder)) {
                return claimed(request, holder);
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
            boolean abandoned = row.state() == ChatRequestStore.State.RUNNING
                    && row.leaseUntil().isBefore(now);
            if (forgotten || abandoned) {
                if (store.takeOver(
                        request.sessionId(),
                        request.key(),
                        request.messageSha256(),
                        now,
                        lease,
                        forgottenBefore,
                        holder)) {
                    return claimed(request, holder);
                }
                continue;
            }
            return row.state() == ChatRequestStore.State.DONE ? new Claim.Done(row) : new Claim.Running();
        }
        return new Claim.Running();
    }

    private Claim claimed(Request request, ChatRequestStore.Holder holder) {
        held.put(request, holder.claimId());
        return new Claim.Claimed();
    }

    /**
     * Waits while another run of the request is under way.
     *
     * @return its outcome, or {@link Claim.Claimed} when that run failed and this caller now runs it
     */
    Claim awaitOutcome(Request request) throws InterruptedException {
        while (true) {
            releaseIfUnreleased(request);
            Optional<ChatRequestStore.Row> row = store.find(request.sessionId(), request.key());
            boolean stillRunning = row.isPresent()
                    && row.get().state() == ChatRequestStore.State.RUNNING
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
        UUID claimId = held.get(request);
        if (claimId == null) {
            // Our claim was taken over (its lease ran out while the store was unreachable) and settled by
            // the turn that took it: that turn is the answer, ours must not be stored beside it.
            throw new TurnConflictException(request.sessionId(), turnNumber);
        }
        store.done(request.sessionId(), request.key(), claimId, turnNumber, totalTokens, queueWaitMs, attempts);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Held until the turn is committed: if the commit fails, the caller releases the claim.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status == STATUS_COMMITTED) {
                        held.remove(request, claimId);
                    }
                }
            });
        } else {
            held.remove(request, claimId);
        }
    }

    /** The run failed: a repeat of the key runs anew. */
    void release(Request request) {
        UUID claimId = held.remove(request);
        if (claimId == null) {
            return;
        }
        try {
            store.release(request.sessionId(), request.key(), claimId);
        } catch (RuntimeException e) {
            // Renewed until released, so a repeat would wait for it: released as soon as the store is back.
            unreleased.put(request, claimId);
            log.warn(
                    "Could not release the idempotency key of a failed turn of session {}, will retry: {}",
                    request.sessionId(),
                    e.getMessage());
        }
    }

    /** A repeat of a key whose release failed, on the instance that holds it: try the release now. */
    private void releaseIfUnreleased(Request request) {
        UUID claimId = unreleased.get(request);
        if (claimId != null) {
            store.release(request.sessionId(), request.key(), claimId);
            unreleased.remove(request, claimId);
        }
    }

    /**
     * Before the service takes requests: the running claims recorded under this instance's id are its
     * dead predecessor's (a graceful stop leaves none), whose turns will never finish. Their repeats
     * run at once instead of waiting for the lease to run out.
     */
    @PostConstruct
    void releasePredecessorsClaims() {
        try {
            int released = store.releaseAllOf(instanceId);
            if (released > 0) {
                log.info(
                        "Released {} idempotency keys that instance {} held when it stopped without finishing",
                        released,
                        instanceId);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Could not release the idempotency keys of this instance's predecessor; they free when their "
                            + "lease runs out: {}",
                    e.getMessage());
        }
        long every = properties.renewInterval().toMillis();
        leaseKeeper.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
        // Nothing to do (and no database access) unless a release failed; then its repeats wait for it.
        long retryEvery = Math.min(every, RELEASE_RETRY.toMillis());
        leaseKeeper.scheduleWithFixedDelay(this::retryReleases, retryEvery, retryEvery, TimeUnit.MILLISECONDS);
    }

    /** Releases what could not be released before: its repeats on other instances wait until then. */
    private void retryReleases() {
        for (Map.Entry<Request, UUID> entry : unreleased.entrySet()) {
            Request request = entry.getKey();
            try {
                store.release(request.sessionId(), request.key(), entry.getValue());
                unreleased.remove(request, entry.getValue());
                log.info("Released the idempotency key of a failed turn of session {}", request.sessionId());
            } catch (RuntimeException e) {
                log.debug("Idempotency key release still failing: {}", e.getMessage());
                break;
            }
        }
    }

    /** Renews the leases of the turns this instance is running, so that no other instance takes them over. */
    private void renewLeases() {
        retryReleases(); // first: an unreleased claim is renewed like a running one until it is released
        try {
            Instant now = clock.instant();
            store.renew(instanceId, now.minus(renewedFor), now.plus(properties.lease()));
        } catch (RuntimeException e) {
            log.warn(
                    "Could not renew the leases of running requests, will retry in {}: {}",
                    ClaimTimingRules.text(properties.renewInterval()),
                    e.getMessage());
        }
    }

    /** After the graceful shutdown drained the turns: a last try at what is still unreleased. */
    @PreDestroy
    void stop() {
        leaseKeeper.shutdownNow();
        try {
            leaseKeeper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        unreleased.forEach((request, claimId) -> {
            try {
                store.release(request.sessionId(), request.key(), claimId);
            } catch (RuntimeException e) {
                log.warn(
                        "Idempotency key of session {} left held; it frees when its lease runs out",
                        request.sessionId());
            }
        });
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
