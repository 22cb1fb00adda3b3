package com.callcenter.lisa.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of one model and the one thread that lets requests out of it, each only when every
 * budget of the model allows it ({@link QuotaLedger}), the circuit is not open and Gemini has not
 * asked us to pause.
 *
 * <p>The queue is first come, first served. That is round robin over sessions, because a session
 * has at most one request here at a time: its next message waits for this one's turn to be stored
 * (the chat's per-session order) before it asks for quota. So one chatty session cannot take more
 * than one slot per round. Retries go to the front: they already waited their turn.
 */
final class ModelLane implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelLane.class);
    private static final Duration RECHECK = Duration.ofSeconds(1);

    /** A request waiting for its slot. Completed with the ledger id of its dispatch, or a rejection. */
    static final class Ticket {
        final int inputTokens;
        final Instant enqueuedAt;
        final CompletableFuture<Long> slot = new CompletableFuture<>();
        /** 1 = next in line; 0 once out of the queue. Written under the lane's lock, read without it. */
        volatile int position;

        Ticket(int inputTokens, Instant enqueuedAt) {
            this.inputTokens = inputTokens;
            this.enqueuedAt = enqueuedAt;
        }
    }

    /** What health shows of this model. */
    record State(String model, ModelBudget configured, int effectiveRequestsPerMinute, QuotaLedger.Usage usage,
                 int queueLength, Duration oldestWait, CircuitBreaker.State circuit, Instant pausedUntil,
                 Instant exhaustedUntil) {
    }

    private final String model;
    private final ModelBudget budget;
    private final QuotaLedger ledger;
    private final Clock clock;
    private final int maxQueue;
    private final CircuitBreaker breaker;
    private final AdaptiveLimit limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Ticket> queue = new ArrayDeque<>();
    private final Thread dispatcher;
    private Instant pausedUntil = Instant.MIN;
    private Instant exhaustedUntil = Instant.MIN;
    private volatile boolean running = true;

    ModelLane(String model, ModelBudget budget, QuotaLedger ledger, Clock clock, int maxQueue,
              CircuitBreaker breaker, AdaptiveLimit limit) {
        this.model = model;
        this.budget = budget;
        this.ledger = ledger;
        this.clock = clock;
        this.maxQueue = maxQueue;
        this.breaker = breaker;
        this.limit = limit;
        this.dispatcher = Thread.ofVirtual().name("quota-" + model).start(this::dispatchLoop);
    }

    String model() {
        return model;
    }

    /**
     * Queues a request, or refuses it at once when it could not be served within {@code maxWait}.
     *
     * @param aheadInSession requests of the same session that arrived earlier and still wait
     * @throws QuotaRejectedException with an honest Retry-After
     */
    Ticket admit(int inputTokens, int aheadInSession, Duration maxWait) {
        lock.lock();
        try {
            check(inputTokens, aheadInSession, maxWait, clock.instant());
            Ticket ticket = new Ticket(inputTokens, clock.instant());
            queue.addLast(ticket);
            ticket.position = queue.size();
            changed.signalAll();
            return ticket;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a request arriving now behind {@code aheadInSession} requests of its own session
     * could be served within {@code maxWait}.
     *
     * @return its place in line and estimated wait
     * @throws QuotaRejectedException if not, with an honest Retry-After
     */
    QueuePlace check(int inputTokens, int aheadInSession, Duration maxWait) {
        lock.lock();
        try {
            Duration wait = check(inputTokens, aheadInSession, maxWait, clock.instant());
            return new QueuePlace(queue.size() + aheadInSession + 1, wait);
        } finally {
            lock.unlock();
        }
    }

    private Duration check(int inputTokens, int aheadInSession, Duration maxWait, Instant now) {
        refuseIfClosed(now);
        if (budget.requestsPerDay() > 0 && ledger.usage(model, now).requestsToday() >= budget.requestsPerDay()) {
            throw new QuotaRejectedException(QuotaRejectedException.Reason.DAILY_QUOTA_EXHAUSTED,
                    Duration.between(now, QuotaRules.nextPacificMidnight(now)),
                    "The daily budget of " + budget.requestsPerDay() + " requests to " + model
                            + " is used up until midnight Pacific time.");
        }
        if (queue.size() >= maxQueue) {
            throw new QuotaRejectedException(QuotaRejectedException.Reason.QUEUE_FULL,
                    estimate(queue.size() - maxQueue + 1, inputTokens, now),
                    maxQueue + " requests already wait for " + model + ".");
        }
        Duration wait = estimate(queue.size() + aheadInSession + 1, inputTokens, now);
        if (wait.compareTo(maxWait) > 0) {
            // Coming back once the queue has moved on by the excess gets the request in.
            throw new QuotaRejectedException(QuotaRejectedException.Reason.WAIT_TOO_LONG, wait.minus(maxWait),
                    "The wait for " + model + " is about " + (wait.toMillis() + 999) / 1000 + " s, longer than the "
                            + maxWait.toSeconds() + " s a request may wait.");
        }
        return wait;
    }

    /** Puts a request that is being retried back at the front of the queue. */
    Ticket requeue(int inputTokens) {
        lock.lock();
        try {
            refuseIfClosed(clock.instant());
            Ticket ticket = new Ticket(inputTokens, clock.instant());
            queue.addFirst(ticket);
            renumber();
            changed.signalAll();
            return ticket;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a request out of the queue (it timed out, or its client went away).
     *
     * @return false if it had already been given its slot, which the caller must then use
     */
    boolean cancel(Ticket ticket, RuntimeException why) {
        lock.lock();
        try {
            if (ticket.slot.completeExceptionally(why)) {
                queue.remove(ticket);
                ticket.position = 0;
                renumber();
                changed.signalAll();
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** How long the {@code position}-th request in line would wait from now. */
    Duration estimate(int position, int inputTokens) {
        lock.lock();
        try {
            return estimate(position, inputTokens, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    int queueLength() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    void succeeded(long dispatchId, int actualInputTokens) {
        ledger.correct(model, dispatchId, actualInputTokens);
        upstreamAnswered();
    }

    /** Gemini answered, if only with a refusal: it is up. */
    void upstreamAnswered() {
        lock.lock();
        try {
            breaker.upstreamAnswered();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void failedTransiently() {
        lock.lock();
        try {
            Instant now = clock.instant();
            breaker.failed(now);
            if (breaker.state(now) == CircuitBreaker.State.OPEN) {
                log.warn("Circuit for {} open for {} after repeated failures", model, breaker.remainingOpen(now));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A per-minute 429: our budget was too high. Pause, and lower the budget to what Gemini accepted. */
    void throttled(long dispatchId, Duration retryDelay) {
        lock.lock();
        try {
            Instant now = clock.instant();
            ledger.release(model, dispatchId);
            breaker.upstreamAnswered();
            Instant until = now.plus(retryDelay);
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
            int inWindow = ledger.usage(model, now).requestsLastMinute();
            limit.throttled(inWindow, now);
            log.warn("Gemini throttled {}: pausing {} and lowering to {} requests/min",
                    model, retryDelay, limit.requestsPerMinute(now));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A per-day 429: nothing more until the daily reset. */
    void exhaustedUntil(Instant reset) {
        lock.lock();
        try {
            breaker.upstreamAnswered();
            exhaustedUntil = reset;
            log.warn("Daily quota of {} is used up until {}", model, reset);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    State state() {
        lock.lock();
        try {
            Instant now = clock.instant();
            Ticket oldest = queue.peekFirst();
            return new State(model, budget, limit.requestsPerMinute(now), ledger.usage(model, now), queue.size(),
                    oldest == null ? Duration.ZERO : Duration.between(oldest.enqueuedAt, now),
                    breaker.state(now), pausedUntil.isAfter(now) ? pausedUntil : null,
                    exhaustedUntil.isAfter(now) ? exhaustedUntil : null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
    }

    private void dispatchLoop() {
        lock.lock();
        try {
            while (running) {
                Ticket head = queue.peekFirst();
                if (head == null) {
                    changed.await();
                    continue;
                }
                Instant now = clock.instant();
                if (now.isBefore(exhaustedUntil) || breaker.state(now) == CircuitBreaker.State.OPEN) {
                    refuseAll(now);
                    continue;
                }
                if (!breaker.mayDispatch(now)) {
                    changed.await();
                    continue;
                }
                if (now.isBefore(pausedUntil)) {
                    awaitFor(Duration.between(now, pausedUntil));
                    continue;
                }
                QuotaLedger.Decision decision;
                try {
                    decision = ledger.tryAcquire(model, budget(now), head.inputTokens, now);
                } catch (RuntimeException e) {
                    // The ledger's store failed: nothing can be sent safely. The head learns why.
                    log.error("Quota ledger for {} failed", model, e);
                    queue.pollFirst();
                    head.slot.completeExceptionally(e);
                    head.position = 0;
                    renumber();
                    continue;
                }
                switch (decision) {
                    case QuotaLedger.Decision.Granted granted -> {
                        queue.pollFirst();
                        head.position = 0;
                        renumber();
                        head.slot.complete(granted.id());
                        breaker.dispatched(now);
                    }
                    case QuotaLedger.Decision.Wait wait -> awaitFor(wait.after());
                }
            }
        } catch (InterruptedException e) {
            // Closing: the application is shutting down.
            Thread.currentThread().interrupt();
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

    private void refuseAll(Instant now) {
        Ticket ticket;
        while ((ticket = queue.pollFirst()) != null) {
            ticket.position = 0;
            ticket.slot.completeExceptionally(closedRefusal(now));
        }
    }

    /** Tells every waiting ticket its place after the queue changed. Queues are short (max-queue). */
    private void renumber() {
        int position = 0;
        for (Ticket ticket : queue) {
            ticket.position = ++position;
        }
    }

    private void refuseIfClosed(Instant now) {
        if (now.isBefore(exhaustedUntil) || breaker.state(now) == CircuitBreaker.State.OPEN) {
            throw closedRefusal(now);
        }
    }

    private QuotaRejectedException closedRefusal(Instant now) {
        if (now.isBefore(exhaustedUntil)) {
            return new QuotaRejectedException(QuotaRejectedException.Reason.DAILY_QUOTA_EXHAUSTED,
                    Duration.between(now, exhaustedUntil),
                    "The daily Gemini quota of " + model + " is used up until midnight Pacific time.");
        }
        return new QuotaRejectedException(QuotaRejectedException.Reason.CIRCUIT_OPEN, breaker.remainingOpen(now),
                "Gemini (" + model + ") failed repeatedly; requests are paused for a cool-down.");
    }

    private Duration estimate(int position, int inputTokens, Instant now) {
        Duration paused = now.isBefore(pausedUntil) ? Duration.between(now, pausedUntil) : Duration.ZERO;
        return paused.plus(ledger.estimateWait(model, budget(now), position, inputTokens, now.plus(paused)));
    }

    private ModelBudget budget(Instant now) {
        return new ModelBudget(limit.requestsPerMinute(now), budget.inputTokensPerMinute(), budget.requestsPerDay());
    }
}
