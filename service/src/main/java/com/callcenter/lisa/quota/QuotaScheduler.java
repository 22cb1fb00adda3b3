package com.callcenter.lisa.quota;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gemini quota of the service: one queue of reservations per model of the pool (the primary
 * first), all counting in one ledger. It knows budgets and queues, nothing of Gemini: the attempt loop
 * that calls Gemini ({@code gemini.GeminiGateway}) admits a turn here once, reserves a slot when the
 * turn is ready, and reports back what Gemini said about the slot it used.
 *
 * <p>Models are named by their index in the pool, {@link #models()}.
 */
public class QuotaScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuotaScheduler.class);

    /**
     * A request let in on arrival: it may wait until {@code deadline} for its turn, in all, and was
     * estimated to be served by the model at index {@code model}. {@code place} shows where it stands
     * while it waits and lets it leave the queue. {@code share} is whose request it is, for the round
     * robin over clients of every queue it joins.
     */
    public record Admission(Instant arrivedAt, Instant deadline, int model, QueuePlace place, Share share) {}

    private final List<ModelLane> lanes;
    private final Clock clock;
    /** How old the queueing estimate may be for a request to be refused on it at once. */
    private static final Duration FRESH = Duration.ofSeconds(1);

    private final MeterRegistry metrics;
    private final Duration maxWait;

    QuotaScheduler(List<ModelLane> lanes, Duration maxWait, Clock clock, MeterRegistry metrics) {
        this.lanes = List.copyOf(lanes);
        this.maxWait = maxWait;
        this.clock = clock;
        this.metrics = metrics;
        for (ModelLane lane : lanes) {
            metrics.gauge("lisa.quota.queue.length", Tags.of("model", lane.model()), lane, ModelLane::queueLength);
            metrics.gauge(
                    "lisa.quota.background.length", Tags.of("model", lane.model()), lane, ModelLane::backgroundLength);
        }
    }

    /** The models of the pool, in the order they are tried. */
    public List<String> models() {
        return lanes.stream().map(ModelLane::model).toList();
    }

    public Duration maxWait() {
        return maxWait;
    }

    /**
     * The one admission of a turn on the model at {@code model}: whether a request arriving now could
     * be served within what is left of the maximum wait.
     *
     * @param aheadInSession earlier requests of the same session still waiting or running
     * @param share          whose request it is: its place is where the round robin over clients puts it
     * @throws QuotaRejectedException at once, with an honest Retry-After, when it cannot
     */
    public Admission admit(int model, int aheadInSession, int inputTokens, Instant arrivedAt, Share share) {
        return admit(model, aheadInSession, inputTokens, 0, arrivedAt, share);
    }

    /**
     * As {@link #admit(int, int, int, Instant, Share)}, for a call that may cost up to {@code spendMicros}
     * (micro-dollars, by the caller's prices): the wait estimated counts the project's spend budget too.
     */
    public Admission admit(
            int model, int aheadInSession, int inputTokens, long spendMicros, Instant arrivedAt, Share share) {
        Instant deadline = arrivedAt.plus(maxWait);
        ModelLane.Estimate estimate =
                lanes.get(model).check(inputTokens, spendMicros, aheadInSession, remaining(deadline), share);
        return new Admission(
                arrivedAt, deadline, model, new QueuePlace(estimate.position(), estimate.estimatedWait()), share);
    }

    /**
     * Queues an admitted request of {@code share} for a slot of the model at {@code model} (a retry
     * goes to the front), without estimating again, and tells {@code place} where it stands as the
     * queue moves.
     */
    public Reservation reserve(int model, int inputTokens, boolean retry, PlaceListener place, Share share) {
        return lanes.get(model).reserve(inputTokens, retry, place, share);
    }

    /**
     * As {@link #reserve(int, int, boolean, PlaceListener, Share)}, for a call that may cost up to
     * {@code spendMicros}: its slot is granted only when the project's spend budget also has room for it.
     */
    public Reservation reserve(
            int model, int inputTokens, long spendMicros, boolean retry, PlaceListener place, Share share) {
        return lanes.get(model).reserve(inputTokens, spendMicros, retry, place, share);
    }

    /**
     * Queues a background request (a wrap-up) for a slot of the model at {@code model}: it is served only
     * when no live request of the model waits and the budgets (the spend budget too, for a call that may cost
     * up to {@code spendMicros}) allow, and never refused for its wait.
     */
    public Reservation reserveBackground(int model, int inputTokens, long spendMicros) {
        return lanes.get(model).reserveBackground(inputTokens, spendMicros);
    }

    /**
     * Waits at most {@code max} for a background slot; the request stays queued when none came, so the
     * caller can do what it must meanwhile (renew its claim) and wait again, for as long as it takes.
     *
     * @return the ledger id of the slot, to be used or given back like any other; empty if none came yet
     * @throws InterruptedException if the waiting thread was interrupted: the request left the queue,
     *                              and a slot granted meanwhile was given back
     */
    public java.util.OptionalLong awaitBackground(Reservation reservation, Duration max) throws InterruptedException {
        try {
            return java.util.OptionalLong.of(reservation.await(max));
        } catch (TimeoutException e) {
            return java.util.OptionalLong.empty();
        } catch (InterruptedException e) {
            if (!reservation.cancel(new QuotaRejectedException(
                    QuotaRejectedException.Reason.WAITED_TOO_LONG,
                    Duration.ZERO,
                    "The waiting background request was interrupted."))) {
                giveBack(reservation);
            }
            throw e;
        }
    }

    /**
     * Waits for a reserved slot until {@code deadline}.
     *
     * @return the ledger id of the slot, which the caller now must use (and then {@link #correct} or
     *         {@link #throttled}) or give back ({@link #release})
     * @throws QuotaRejectedException if no slot came in time (the request left the queue), or it was
     *                                refused while it waited
     * @throws InterruptedException   if the waiting thread was interrupted: the request left the queue,
     *                                and a slot granted meanwhile was given back
     */
    public long await(Reservation reservation, Instant deadline) throws InterruptedException {
        refuseAtOnceIfTooLate(reservation, deadline);
        try {
            return reservation.await(remaining(deadline));
        } catch (TimeoutException e) {
            ModelLane lane = reservation.lane;
            QuotaRejectedException late = new QuotaRejectedException(
                    QuotaRejectedException.Reason.WAITED_TOO_LONG,
                    Duration.ofSeconds(1),
                    "The request waited " + maxWait.toSeconds() + " s without its turn for " + lane.model()
                            + " coming.");
            if (reservation.cancel(late)) {
                throw late;
            }
            return reservation.granted();
        } catch (InterruptedException e) {
            if (!reservation.cancel(new QuotaRejectedException(
                    QuotaRejectedException.Reason.WAITED_TOO_LONG,
                    Duration.ZERO,
                    "The waiting request was interrupted."))) {
                giveBack(reservation);
            }
            throw e;
        }
    }

    /**
     * The admission promised a slot within the wait, but requests admitted in the same instant took the
     * slots it was counting on (admission and reservation are not one step: the turn first waits for its
     * session's earlier turns). When the one estimate made on queueing already says the slot comes after
     * the deadline, the client hears so now, with an honest Retry-After, instead of after waiting in vain.
     */
    private void refuseAtOnceIfTooLate(Reservation reservation, Instant deadline) {
        Duration estimated = reservation.estimatedWait();
        // Only the estimate just made on queueing: once the queue has moved (a head refused, a slot given
        // back) it no longer says when this request's slot comes, and the wait itself decides.
        if (estimated == null
                || Duration.between(reservation.enqueuedAt, clock.instant()).compareTo(FRESH) > 0) {
            return;
        }
        Instant due = reservation.enqueuedAt.plus(estimated);
        if (!due.isAfter(deadline)) {
            return;
        }
        QuotaRejectedException tooLate = new QuotaRejectedException(
                QuotaRejectedException.Reason.WAIT_TOO_LONG,
                Duration.between(deadline, due),
                "The wait for " + reservation.model() + " grew to about "
                        + (estimated.toMillis() + 999) / 1000 + " s while the request was being let in, longer than it"
                        + " may wait (" + maxWait.toSeconds() + " s).");
        if (reservation.cancel(tooLate)) {
            throw tooLate;
        }
        // Granted meanwhile after all: the caller uses the slot.
    }

    /** Granted just as its wait was interrupted: nobody will use the slot. */
    private static void giveBack(Reservation reservation) {
        try {
            reservation.lane.release(reservation, reservation.granted());
        } catch (RuntimeException e) {
            // Refused after all (nothing to give back), or the ledger failed: the slot then only
            // counts until it leaves the window. The interruption is what the caller must hear of.
            log.debug(
                    "A slot of {} granted to an interrupted request was not given back: {}",
                    reservation.model(),
                    e.toString());
        }
    }

    /** Gemini answered on this slot: its count of input tokens replaces the estimate. */
    public void correct(Reservation reservation, long slot, int actualInputTokens) {
        reservation.lane.correct(reservation, slot, actualInputTokens, -1);
    }

    /**
     * Gemini answered on this slot: its count of input tokens and what the call really cost
     * ({@code actualSpendMicros}, micro-dollars by the caller's prices) replace the estimates.
     */
    public void correct(Reservation reservation, long slot, int actualInputTokens, long actualSpendMicros) {
        reservation.lane.correct(reservation, slot, actualInputTokens, actualSpendMicros);
    }

    /** A granted slot that is not used (the circuit refused it, or the request gave up): it no longer counts. */
    public void release(Reservation reservation, long slot) {
        reservation.lane.release(reservation, slot);
    }

    /** Gemini refused this slot with a per-minute 429: pause the model and lower its budget. */
    public void throttled(Reservation reservation, long slot, Duration retryDelay) {
        reservation.lane.throttled(reservation, slot, retryDelay);
    }

    /** Gemini said the model's daily quota is used up: refuse it until {@code reset}. */
    public void exhaustedUntil(int model, Instant reset) {
        lanes.get(model).exhaustedUntil(reset);
    }

    /** Counts a request refused or given up before it reached Gemini, by reason. */
    public QuotaRejectedException rejected(QuotaRejectedException e) {
        Counter.builder("lisa.quota.rejections")
                .tag("reason", e.reason().name().toLowerCase(Locale.ROOT))
                .register(metrics)
                .increment();
        return e;
    }

    /** What health shows per model, in pool order; the circuit is the caller's to fill in. */
    public List<ModelQuotaState> state() {
        List<ModelQuotaState> states = new ArrayList<>();
        for (ModelLane lane : lanes) {
            states.add(ModelQuotaState.of(lane.state()));
        }
        return states;
    }

    /** The project's spend budget over the rolling 10 minutes, for health; null when none is set. */
    public SpendState spend() {
        return lanes.getFirst().spendState(clock.instant());
    }

    @Override
    public void close() {
        lanes.forEach(ModelLane::close);
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
