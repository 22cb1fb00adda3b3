package com.callcenter.lisa.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of reservations of one model and the one thread that lets them out, each only when every
 * budget of the model allows it ({@link QuotaLedger}) and Gemini has not asked us to pause.
 *
 * <p>The queue is fair between clients ({@link FairQueue}): weighted round robin over tenants, round
 * robin over the owners of a tenant, first come, first served within an owner. That last is round
 * robin over the owner's sessions, because a session has at most one request here at a time: its next
 * message waits for this one's turn to be stored (the chat's per-session order) before it reserves.
 * Retries go to the front: they already waited their turn.
 *
 * <p>The lane's lock guards only the queue and the pause: the ledger (a database round trip on
 * PostgreSQL) is always asked outside it, with the inputs of the decision taken under the lock and the
 * outcome applied under it again. A request that left the queue while the ledger granted its slot
 * gives the slot back.
 *
 * <p>Background work (a wrap-up for the CRM) waits in a second queue, first come, first served, that the
 * dispatcher serves only when no live request waits: it takes only slots nobody in a conversation wants.
 * A live request arriving while the ledger grants a background slot makes that slot go back, so a live
 * request never waits behind background work for more than the budget already spent. Background
 * requests are never refused for their wait or the queue's length: they wait as long as they must.
 */
final class ModelLane implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelLane.class);
    private static final Duration RECHECK = Duration.ofSeconds(1);
    /** After an unexpected failure of the dispatcher, so that a failure that repeats cannot spin. */
    private static final Duration AFTER_FAILURE = Duration.ofMillis(100);

    /** What health shows of this model's queue and budget. */
    record State(
            String model,
            ModelBudget configured,
            int effectiveRequestsPerMinute,
            QuotaLedger.Usage usage,
            int queueLength,
            Duration oldestWait,
            Instant pausedUntil,
            Instant exhaustedUntil) {}

    /** Where a request arriving now would stand, and its estimated wait. */
    record Estimate(int position, Duration estimatedWait) {}

    private final String model;
    private final ModelBudget budget;
    private final QuotaLedger ledger;
    private final Clock clock;
    private final int maxQueue;
    private final AdaptiveLimit limit;
    /** The project's spend budget, shared by every lane. */
    private final SpendBudget spend;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final FairQueue queue;
    /** Background requests: served only while {@link #queue} is empty. */
    private final Deque<Reservation> background = new ArrayDeque<>();

    private final Thread dispatcher;
    /** Counts changes of the queue and the pause, so that the dispatcher never sleeps through one. */
    private long version;

    private Instant pausedUntil = Instant.MIN;
    private Instant exhaustedUntil = Instant.MIN;
    private volatile boolean running = true;

    /**
     * @param weights each tenant's weight in the round robin (1 = an equal share)
     */
    ModelLane(
            String model,
            ModelBudget budget,
            QuotaLedger ledger,
            Clock clock,
            int maxQueue,
            AdaptiveLimit limit,
            ToIntFunction<String> weights) {
        this(model, budget, ledger, clock, maxQueue, limit, weights, SpendBudget.NONE);
    }

    /** A lane whose tenants all weigh the same, under the project's spend budget {@code spend}. */
    ModelLane(
            String model,
            ModelBudget budget,
            QuotaLedger ledger,
            Clock clock,
            int maxQueue,
            AdaptiveLimit limit,
            SpendBudget spend) {
        this(model, budget, ledger, clock, maxQueue, limit, tenant -> 1, spend);
    }

    /**
     * @param weights each tenant's weight in the round robin (1 = an equal share)
     * @param spend   the project's spend budget, shared by every lane
     */
    ModelLane(
            String model,
            ModelBudget budget,
            QuotaLedger ledger,
            Clock clock,
            int maxQueue,
            AdaptiveLimit limit,
            ToIntFunction<String> weights,
            SpendBudget spend) {
        this.model = model;
        this.queue = new FairQueue(weights);
        this.spend = spend;
        this.budget = budget;
        this.ledger = ledger;
        this.clock = clock;
        this.maxQueue = maxQueue;
        this.limit = limit;
        this.dispatcher = Thread.ofVirtual().name("quota-" + model).start(this::dispatchLoop);
    }

    String model() {
        return model;
    }

    /**
     * Whether a request of {@code share} arriving now behind {@code aheadInSession} requests of its own
     * session could be served within {@code maxWait}: the one admission of a turn. Its place is where
     * the round robin would put it among those waiting now (a client with nothing waiting goes ahead
     * of a busy one's backlog), not the tail of the queue.
     *
     * @throws QuotaRejectedException if not, with an honest Retry-After
     */
    Estimate check(int inputTokens, int aheadInSession, Duration maxWait, Share share) {
        return check(inputTokens, 0, aheadInSession, maxWait, share);
    }

    /** As {@link #check(int, int, Duration, Share)}, for a call that may cost up to {@code spendMicros}. */
    Estimate check(int inputTokens, long spendMicros, int aheadInSession, Duration maxWait, Share share) {
        Instant now = clock.instant();
        int queued;
        int place;
        Instant paused;
        ModelBudget inForce;
        lock.lock();
        try {
            refuseIfExhausted(now);
            queued = queue.size();
            place = queued >= maxQueue ? queued + 1 : queue.placeOf(share);
            paused = pausedUntil;
            inForce = budget(now);
        } finally {
            lock.unlock();
        }
        if (queued >= maxQueue) {
            refuseIfDailyBudgetUsed(now);
            throw new QuotaRejectedException(
                    QuotaRejectedException.Reason.QUEUE_FULL,
                    estimate(queued - maxQueue + 1, inputTokens, spendMicros, now, paused, inForce),
                    maxQueue + " requests already wait for " + model + ".");
        }
        int position = place + aheadInSession;
        Duration wait = estimate(position, inputTokens, spendMicros, now, paused, inForce);
        if (wait.compareTo(maxWait) > 0) {
            refuseIfDailyBudgetUsed(now);
            // Coming back once the queue has moved on by the excess gets the request in.
            // Which budget holds it back, in words: the project's spend is a different thing to fix than a model's
            // rate.
            boolean spendBound = spend.limited()
                    && spend.estimateWait(position, spendMicros, now).compareTo(maxWait) > 0;
            throw new QuotaRejectedException(
                    QuotaRejectedException.Reason.WAIT_TOO_LONG,
                    wait.minus(maxWait),
                    "The wait for " + model + " is about " + (wait.toMillis() + 999) / 1000 + " s, longer than the "
                            + maxWait.toSeconds() + " s a request may wait"
                            + (spendBound ? ": the Gemini spend budget of the last 10 minutes is used up." : "."));
        }
        return new Estimate(position, wait);
    }

    /**
     * Queues a request admitted before, without estimating again. When nobody waits and the budgets
     * allow it, the slot is taken on the caller's thread, sparing the hand-over to the dispatcher and
     * back.
     *
     * @param front a retry, which goes to the front of the queue
     * @throws QuotaRejectedException if the model's daily quota is used up or the queue is full
     */
    Reservation reserve(int inputTokens, boolean front, PlaceListener listener, Share share) {
        return reserve(inputTokens, 0, front, listener, share);
    }

    /**
     * As {@link #reserve(int, boolean, PlaceListener, Share)}, for a call that may cost up to
     * {@code spendMicros}.
     */
    Reservation reserve(int inputTokens, long spendMicros, boolean front, PlaceListener listener, Share share) {
        Instant now = clock.instant();
        Reservation reservation = new Reservation(this, inputTokens, spendMicros, now, listener, share);
        boolean tryNow;
        ModelBudget inForce;
        lock.lock();
        try {
            refuseIfExhausted(now);
            tryNow = queue.isEmpty() && !now.isBefore(pausedUntil);
            inForce = budget(now);
            if (!tryNow && !front && queue.size() >= maxQueue) {
                throw new QuotaRejectedException(
                        QuotaRejectedException.Reason.QUEUE_FULL,
                        RECHECK,
                        maxQueue + " requests already wait for " + model + ".");
            }
        } finally {
            lock.unlock();
        }
        if (tryNow && acquire(reservation, inForce, now) instanceof QuotaLedger.Decision.Granted granted) {
            reservation.slot.complete(granted.id());
            return reservation;
        }
        List<Reservation> moved;
        Instant paused;
        lock.lock();
        try {
            Reservation head = queue.peek();
            queue.add(reservation, front);
            paused = pausedUntil;
            inForce = budget(now);
            moved = renumber();
            if (queue.peek() != head) {
                // A new head: the dispatcher decides again. One more further back changes nothing of
                // its decision, so it is not woken to ask the ledger the same question again.
                changed();
            }
        } finally {
            lock.unlock();
        }
        // It has to wait: one estimate for its place, outside the lock, from which every later
        // place's wait is scaled.
        int at = reservation.position;
        if (at > 0) {
            try {
                reservation.estimated(at, estimate(at, inputTokens, spendMicros, now, paused, inForce));
            } catch (RuntimeException e) {
                log.debug("No estimate for a request queued for {}: {}", model, e.toString());
            }
        }
        tell(moved);
        return reservation;
    }

    /**
     * Queues a background request: it gets a slot only when no live request waits and the budgets allow,
     * however long that takes (a daily quota used up makes it wait for the reset, not fail).
     */
    Reservation reserveBackground(int inputTokens, long spendMicros) {
        Reservation reservation =
                new Reservation(this, inputTokens, spendMicros, clock.instant(), (position, wait) -> {}, Share.NONE);
        locked(() -> {
            background.addLast(reservation);
            changed();
        });
        return reservation;
    }

    int backgroundLength() {
        return locked(background::size);
    }

    /**
     * Takes a request out of the queue.
     *
     * @return false if it had already been given its slot, which the caller must then use or release
     */
    boolean cancel(Reservation reservation, RuntimeException why) {
        List<Reservation> moved;
        lock.lock();
        try {
            if (!reservation.slot.completeExceptionally(why)) {
                return false;
            }
            moved = leave(reservation, false);
            changed();
        } finally {
            lock.unlock();
        }
        tell(moved);
        return true;
    }

    int queueLength() {
        return locked(queue::size);
    }

    /** Gemini answered: its count of input tokens replaces the estimate. */
    void correct(long slot, int actualInputTokens) {
        correct(null, slot, actualInputTokens, -1);
    }

    /**
     * Gemini answered: its count of input tokens, and what the call really cost ({@code actualSpendMicros};
     * negative = keep the estimate), replace the estimates.
     */
    void correct(Reservation reservation, long slot, int actualInputTokens, long actualSpendMicros) {
        ledger.correct(model, slot, actualInputTokens);
        if (reservation != null && actualSpendMicros >= 0) {
            spend.correct(reservation.charge, actualSpendMicros);
        }
        locked(this::changed); // fewer tokens than estimated may let the head go now
    }

    /** A granted slot that was not used: it no longer counts. */
    void release(long slot) {
        release(null, slot);
    }

    /** A granted slot that was not used: it no longer counts, nor does its spend. */
    void release(Reservation reservation, long slot) {
        ledger.release(model, slot);
        if (reservation != null) {
            spend.release(reservation.charge);
        }
        locked(this::changed);
    }

    /** A per-minute 429: our budget was too high. Pause, and lower the budget to what Gemini accepted. */
    void throttled(long slot, Duration retryDelay) {
        throttled(null, slot, retryDelay);
    }

    /** As {@link #throttled(long, Duration)}; a refused call is not billed, so its spend goes back too. */
    void throttled(Reservation reservation, long slot, Duration retryDelay) {
        Instant now = clock.instant();
        ledger.release(model, slot);
        if (reservation != null) {
            spend.release(reservation.charge);
        }
        int inWindow = ledger.usage(model, now).requestsLastMinute();
        int lowered;
        lock.lock();
        try {
            Instant until = now.plus(retryDelay);
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
            limit.throttled(inWindow, now);
            lowered = limit.requestsPerMinute(now);
            changed();
        } finally {
            lock.unlock();
        }
        log.warn("Gemini throttled {}: pausing {} and lowering to {} requests/min", model, retryDelay, lowered);
    }

    /** A per-day 429: nothing more until the daily reset. */
    void exhaustedUntil(Instant reset) {
        locked(() -> {
            exhaustedUntil = reset;
            changed();
        });
        log.warn("Daily quota of {} is used up until {}", model, reset);
    }

    State state() {
        Instant now = clock.instant();
        int effective;
        int length;
        Duration oldestWait;
        Instant paused;
        Instant exhausted;
        lock.lock();
        try {
            Instant oldest = now;
            for (Reservation waiting : queue.order()) {
                oldest = waiting.enqueuedAt.isBefore(oldest) ? waiting.enqueuedAt : oldest;
            }
            effective = limit.requestsPerMinute(now);
            length = queue.size();
            oldestWait = Duration.between(oldest, now);
            paused = pausedUntil.isAfter(now) ? pausedUntil : null;
            exhausted = exhaustedUntil.isAfter(now) ? exhaustedUntil : null;
        } finally {
            lock.unlock();
        }
        return new State(model, budget, effective, ledger.usage(model, now), length, oldestWait, paused, exhausted);
    }

    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
    }

    private void dispatchLoop() {
        while (running) {
            try {
                dispatchNext();
            } catch (InterruptedException e) {
                // Closing: the application is shutting down.
                return;
            } catch (RuntimeException | Error e) {
                // Whatever went wrong, the queue must keep moving: a dead dispatcher would leave every
                // request of the model waiting until a restart. The next round starts afresh.
                log.error("Quota dispatcher of {} failed; it carries on", model, e);
                pauseAfterFailure();
            }
        }
    }

    /** One round: look at the head under the lock, ask the ledger outside it, apply the answer under it. */
    private void dispatchNext() throws InterruptedException {
        Reservation head;
        ModelBudget inForce;
        Instant now;
        long seen;
        lock.lock();
        try {
            head = queue.peek();
            if (head == null) {
                head = background.peekFirst();
            }
            if (head == null) {
                changed.await();
                return;
            }
            now = clock.instant();
            if (now.isBefore(exhaustedUntil)) {
                if (queue.isEmpty()) {
                    // Only background work waits, and it waits for the reset rather than fail.
                    awaitFor(Duration.between(now, exhaustedUntil));
                } else {
                    refuseAll(now);
                }
                return;
            }
            if (now.isBefore(pausedUntil)) {
                awaitFor(Duration.between(now, pausedUntil));
                return;
            }
            inForce = budget(now);
            seen = version;
        } finally {
            lock.unlock();
        }
        QuotaLedger.Decision decision;
        try {
            decision = acquire(head, inForce, now);
        } catch (RuntimeException e) {
            // The ledger's store failed: nothing can be sent safely. The head learns why.
            log.error("Quota ledger for {} failed", model, e);
            cancel(head, e);
            return;
        }
        switch (decision) {
            case QuotaLedger.Decision.Granted granted -> grant(head, granted.id());
            case QuotaLedger.Decision.Wait wait -> {
                lock.lock();
                try {
                    if (version == seen) {
                        awaitFor(wait.after());
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void grant(Reservation head, long slot) {
        List<Reservation> moved = List.of();
        boolean given;
        lock.lock();
        try {
            if (!queue.isEmpty() && background.peekFirst() == head) {
                // A live request came while the ledger granted this background one: the slot is the live one's.
                given = false;
            } else {
                given = head.slot.complete(slot);
            }
            if (given) {
                moved = leave(head, true);
                changed();
            }
        } finally {
            lock.unlock();
        }
        if (!given) {
            // It left the queue while the ledger decided: the slot goes back, for the next in line.
            ledger.release(model, slot);
            spend.release(head.charge);
        }
        tell(moved);
    }

    private void pauseAfterFailure() {
        lock.lock();
        try {
            changed.await(AFTER_FAILURE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sleeps until the queue changes or {@code duration} has passed, but at most {@link #RECHECK}: a
     * ledger shared with other instances, or a clock that was set, can free a slot earlier than
     * this lane computed.
     */
    private void awaitFor(Duration duration) throws InterruptedException {
        changed.await(Math.max(1, Math.min(RECHECK.toNanos(), duration.toNanos())), TimeUnit.NANOSECONDS);
    }

    /** The length of a queue, read under the lock. */
    private int locked(java.util.function.IntSupplier length) {
        lock.lock();
        try {
            return length.getAsInt();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code change} under the lock. */
    private void locked(Runnable change) {
        lock.lock();
        try {
            change.run();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private void changed() {
        version++;
        changed.signalAll();
    }

    /**
     * Under the lock: removes a reservation ({@code served}: given its slot, which counts as its
     * client's turn) and renumbers the rest.
     */
    private List<Reservation> leave(Reservation reservation, boolean served) {
        if (background.remove(reservation)) {
            return List.of();
        }
        queue.remove(reservation, served);
        reservation.position = 0;
        return renumber();
    }

    /**
     * Under the lock: gives every waiting reservation its place in the order the round robin would
     * let them out. One pass over the queue (bounded by max-queue) per change, and only a number each:
     * nobody re-estimates here. A place may go back as well as forward: a client that starts waiting
     * takes its turn ahead of a busy client's backlog.
     *
     * @return the reservations whose place changed, to be told outside the lock
     */
    private List<Reservation> renumber() {
        List<Reservation> moved = new ArrayList<>();
        int position = 0;
        for (Reservation reservation : queue.order()) {
            if (reservation.position != ++position) {
                reservation.position = position;
                moved.add(reservation);
            }
        }
        return moved;
    }

    private void tell(List<Reservation> moved) {
        for (Reservation reservation : moved) {
            try {
                reservation.tell();
            } catch (RuntimeException e) {
                log.warn("A waiting request could not be told its place in the queue of {}", model, e);
            }
        }
    }

    /** Under the lock. */
    private void refuseAll(Instant now) {
        for (Reservation reservation : queue.clear()) {
            reservation.position = 0;
            reservation.slot.completeExceptionally(exhausted(now));
        }
        changed();
    }

    /** Under the lock. */
    private void refuseIfExhausted(Instant now) {
        if (now.isBefore(exhaustedUntil)) {
            throw exhausted(now);
        }
    }

    private QuotaRejectedException exhausted(Instant now) {
        return new QuotaRejectedException(
                QuotaRejectedException.Reason.DAILY_QUOTA_EXHAUSTED,
                Duration.between(now, exhaustedUntil),
                "The daily Gemini quota of " + model + " is used up until midnight Pacific time.");
    }

    /** Outside the lock: what the ledger knows (no round trip). */
    private void refuseIfDailyBudgetUsed(Instant now) {
        if (budget.requestsPerDay() > 0 && ledger.knownUsage(model, now).requestsToday() >= budget.requestsPerDay()) {
            throw new QuotaRejectedException(
                    QuotaRejectedException.Reason.DAILY_QUOTA_EXHAUSTED,
                    Duration.between(now, QuotaRules.nextPacificMidnight(now)),
                    "The daily budget of " + budget.requestsPerDay() + " requests to " + model
                            + " is used up until midnight Pacific time.");
        }
    }

    /**
     * Outside the lock: asks the ledgers what they know, in memory (no round trip). The wait is the longer of the model's and the spend budget's:
     * each holds the request back on its own, so the longer one is the least it will wait.
     */
    private Duration estimate(
            int position, int inputTokens, long spendMicros, Instant now, Instant paused, ModelBudget inForce) {
        Duration pause = now.isBefore(paused) ? Duration.between(now, paused) : Duration.ZERO;
        Duration modelWait = ledger.estimateWait(model, inForce, position, inputTokens, now.plus(pause));
        Duration spendWait = spend.estimateWait(position, spendMicros, now.plus(pause));
        return pause.plus(modelWait.compareTo(spendWait) >= 0 ? modelWait : spendWait);
    }

    /**
     * Outside the lock: one slot for {@code reservation} if the project's spend budget and then every
     * budget of the model allow it. The spend is charged first (its ledger decides atomically, so two
     * lanes cannot both take the last dollars); when the model's budget then says wait, the charge goes
     * back. So at no moment is more charged than the spend budget, whatever the order of the lanes.
     */
    private QuotaLedger.Decision acquire(Reservation reservation, ModelBudget inForce, Instant now) {
        SpendLedger.Charge charge = null;
        if (spend.limited()) {
            switch (spend.tryCharge(reservation.spendMicros, now)) {
                case SpendLedger.Decision.Granted granted -> charge = granted.charge();
                case SpendLedger.Decision.Wait wait -> {
                    return new QuotaLedger.Decision.Wait(wait.after(), QuotaLedger.Limit.SPEND_PER_10_MINUTES);
                }
            }
        }
        QuotaLedger.Decision decision;
        try {
            decision = ledger.tryAcquire(model, inForce, reservation.inputTokens, now);
        } catch (RuntimeException e) {
            spend.release(charge);
            throw e;
        }
        if (decision instanceof QuotaLedger.Decision.Granted) {
            reservation.charge = charge;
        } else {
            spend.release(charge);
        }
        return decision;
    }

    /** The project's spend as of {@code now}, null without a spend budget. */
    SpendState spendState(Instant now) {
        return spend.state(now);
    }

    /** Under the lock (the adaptive limit is guarded by it). */
    private ModelBudget budget(Instant now) {
        return new ModelBudget(limit.requestsPerMinute(now), budget.inputTokensPerMinute(), budget.requestsPerDay());
    }
}
