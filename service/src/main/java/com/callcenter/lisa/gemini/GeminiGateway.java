package com.callcenter.lisa.gemini;

import com.callcenter.lisa.quota.ModelQuotaState;
import com.callcenter.lisa.quota.QueuePlace;
import com.callcenter.lisa.quota.QuotaProperties;
import com.callcenter.lisa.quota.QuotaRejectedException;
import com.callcenter.lisa.quota.QuotaScheduler;
import com.callcenter.lisa.quota.Reservation;
import com.callcenter.lisa.quota.Share;
import com.callcenter.lisa.quota.SpendState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The attempt loop of every Gemini call of the service: reserve a slot of the model's quota, ask the
 * model's circuit breaker, call, classify what came back, back off and retry what is transient, and
 * fall back to the next model of the pool. The quota ({@link QuotaScheduler}) decides when a slot is
 * free; this decides what to do with it and with Gemini's answer.
 */
@Component
public class GeminiGateway {

    private static final Logger log = LoggerFactory.getLogger(GeminiGateway.class);
    /** Longest wait for a probe's outcome before the queue is tried again. */
    private static final Duration PROBE_RECHECK = Duration.ofSeconds(1);

    private final QuotaScheduler quota;
    private final QuotaProperties properties;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Timer waitTimer;
    private final List<String> models;
    private final List<ModelCircuit> circuits = new ArrayList<>();
    private final ModelAvailability availability;
    private final PriceTable prices;
    /**
     * The reply cap a call is charged against the spend budget with before it is sent: the configured
     * max-output-tokens, or Gemini 3's largest output when none is set (an honest upper bound).
     */
    private final int replyCap;

    /** The most tokens a Gemini 3 reply can have (gemini-3.5-flash-lite's model page). */
    private static final int LARGEST_REPLY = 65_536;

    /** Without prices: every cost is unknown and no call is charged against a spend budget (tests). */
    GeminiGateway(
            QuotaScheduler quota,
            QuotaProperties properties,
            Clock clock,
            MeterRegistry metrics,
            ModelAvailability availability) {
        this(quota, properties, clock, metrics, availability, new PriceTable(Map.of(), clock), null);
    }

    @Autowired
    GeminiGateway(
            QuotaScheduler quota,
            QuotaProperties properties,
            Clock clock,
            MeterRegistry metrics,
            ModelAvailability availability,
            PriceTable prices,
            GeminiProperties gemini) {
        this.prices = prices;
        Integer cap = gemini == null ? null : gemini.generation().maxOutputTokens();
        this.replyCap = cap == null ? LARGEST_REPLY : cap;
        this.quota = quota;
        this.availability = availability;
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics;
        this.models = quota.models();
        for (String model : models) {
            circuits.add(new ModelCircuit(model, properties.breaker(), clock));
        }
        this.waitTimer = Timer.builder("lisa.quota.wait")
                .description("Time a chat request waited for Gemini quota, retries included")
                .publishPercentileHistogram()
                .register(metrics);
    }

    /**
     * The one admission of a turn, on arrival: the first model of the pool whose circuit is not open
     * and that can serve it within the maximum wait.
     *
     * @param share          whose request it is (tenant, owner), for the round robin over clients
     * @param aheadInSession earlier requests of the same session still waiting or running
     * @throws QuotaRejectedException at once, with an honest Retry-After, when no model can
     * @throws GeminiFailure          ({@link GeminiFailure.Kind#MODEL_UNAVAILABLE}) when Gemini serves none of
     *                                the models of the pool
     */
    public QuotaScheduler.Admission admit(Share share, int aheadInSession, int inputTokens) {
        Instant now = clock.instant();
        QuotaRejectedException best = null;
        for (int model = 0; model < models.size(); model++) {
            if (!availability.isAvailable(models.get(model))) {
                continue;
            }
            if (circuits.get(model).refusing()) {
                best = earlier(best, circuitOpen(model));
                continue;
            }
            try {
                return quota.admit(model, aheadInSession, inputTokens, spendEstimate(model, inputTokens), now, share);
            } catch (QuotaRejectedException e) {
                best = earlier(best, e);
            }
        }
        if (best == null) {
            throw availability.noneAvailable();
        }
        throw quota.rejected(best);
    }

    /**
     * Waits for a slot of the admitted model (or, when it cannot serve any more, of the next ones
     * that can within the admission's deadline), calls Gemini through {@code call} (given the model's
     * name), and retries what is transient, unless part of the reply had already been streamed.
     *
     * @param inputTokens the call's estimated input tokens, counted until Gemini reports its own count
     * @throws GeminiFailure          when Gemini refused for good, or kept failing within the wait
     * @throws QuotaRejectedException when no slot could be had in time, or the request left the queue
     */
    public Dispatched<GeminiReply> dispatch(
            QuotaScheduler.Admission admission, int inputTokens, Function<String, GeminiReply> call)
            throws InterruptedException {
        return dispatch(admission, inputTokens, call, null);
    }

    /**
     * As {@link #dispatch(QuotaScheduler.Admission, int, Function)}, for a further request of a turn that already
     * waited its turn (the next round of its tool calls): it goes to the front of the queue, as a retry does,
     * ahead of new messages, and keeps the turn's admission and deadline. It goes to {@code answeredBy} (the model
     * that made the calls, as {@link Dispatched#model()} reports it) while that model can serve, since the
     * signatures of its call parts are valid for it only; another model gets the calls with Google's placeholder
     * signature instead ({@link ModelParts#PLACEHOLDER}), which it accepts, without the reasoning context a real
     * signature carries.
     *
     * @param answeredBy the model of the turn's previous request, or null for a turn's first request
     */
    public Dispatched<GeminiReply> dispatch(
            QuotaScheduler.Admission admission, int inputTokens, Function<String, GeminiReply> call, String answeredBy)
            throws InterruptedException {
        long waitedNanos = 0;
        int attempts = 0;
        int model = admission.model();
        boolean admitted = true;
        boolean retry = answeredBy != null;
        if (answeredBy != null) {
            int previous = models.indexOf(answeredBy.startsWith("demo:") ? answeredBy.substring(5) : answeredBy);
            if (previous >= 0 && previous != model) {
                // a fallback model answered the previous round: only if it can still serve within the wait
                model = previous;
                admitted = false;
            }
        }
        QuotaRejectedException refusal = null;
        QueuePlace place = admission.place();
        while (true) {
            if (!availability.isAvailable(models.get(model))) {
                // Gone (404 NOT_FOUND) since admission, or for an earlier turn: the next model, no wait.
                if (++model < models.size()) {
                    admitted = false;
                    continue;
                }
                recordWait(waitedNanos);
                if (refusal != null) {
                    throw quota.rejected(refusal);
                }
                throw availability.noneAvailable();
            }
            ModelCircuit circuit = circuits.get(model);
            long waitStart = System.nanoTime();
            Reservation reservation;
            long slot;
            try {
                QuotaRejectedException left = place.leftBecause();
                if (left != null) {
                    throw left;
                }
                if (circuit.refusing()) {
                    throw circuitOpen(model);
                }
                if (!admitted) {
                    // A fallback model: only if it can serve within what is left of the wait.
                    quota.admit(
                            model,
                            0,
                            inputTokens,
                            spendEstimate(model, inputTokens),
                            admission.arrivedAt(),
                            admission.share());
                    admitted = true;
                }
                reservation = quota.reserve(
                        model, inputTokens, spendEstimate(model, inputTokens), retry, place, admission.share());
                place.attach(reservation);
                slot = quota.await(reservation, admission.deadline());
            } catch (QuotaRejectedException e) {
                waitedNanos += System.nanoTime() - waitStart;
                if (e.reason() == QuotaRejectedException.Reason.CLIENT_GONE
                        || e.reason() == QuotaRejectedException.Reason.SESSION_ENDED
                        || e.reason() == QuotaRejectedException.Reason.HANDED_OFF) {
                    recordWait(waitedNanos);
                    throw quota.rejected(e);
                }
                refusal = earlier(refusal, e);
                retry = false;
                if (++model < models.size()) {
                    admitted = false;
                    continue;
                }
                recordWait(waitedNanos);
                throw quota.rejected(refusal);
            }
            waitedNanos += System.nanoTime() - waitStart;
            retry = false;
            if (!circuit.tryPermit()) {
                // The slot is not used: it goes back, so that the budget does not shrink for nothing.
                quota.release(reservation, slot);
                if (circuit.refusing()) {
                    refusal = earlier(refusal, circuitOpen(model));
                    if (++model < models.size()) {
                        admitted = false;
                        continue;
                    }
                    recordWait(waitedNanos);
                    throw quota.rejected(refusal);
                }
                // Half open, its one probe in flight: wait for the probe's outcome, then go again, first in line.
                long probeWait = System.nanoTime();
                circuit.awaitChange(min(remaining(admission), PROBE_RECHECK));
                waitedNanos += System.nanoTime() - probeWait;
                retry = true;
                continue;
            }
            place.dispatched();
            attempts++;
            String name = models.get(model);
            long callStart = System.nanoTime();
            GeminiReply reply;
            try {
                reply = call.apply(name);
            } catch (GeminiFailure failure) {
                long took = System.nanoTime() - callStart;
                outcome(name, failure.kind().name().toLowerCase(Locale.ROOT));
                switch (failure.kind()) {
                    case REJECTED -> {
                        circuit.answered(took);
                        recordWait(waitedNanos);
                        throw failure;
                    }
                    case QUOTA_MINUTE -> {
                        circuit.answered(took);
                        Duration delay = failure.retryAfter().orElse(Duration.ofMinutes(1));
                        metrics.counter("lisa.gemini.throttled", "model", name, "quota", "minute")
                                .increment();
                        quota.throttled(reservation, slot, delay);
                        if (failure.isMidReply() || !fitsBeforeDeadline(admission, delay)) {
                            recordWait(waitedNanos);
                            throw failure;
                        }
                        retried(name, "throttled");
                        retry = true;
                    }
                    case MODEL_UNAVAILABLE -> {
                        // Gemini answered: the model is gone, not the service. A 404 uses no quota, so the
                        // slot goes back; no retry, the next model of the pool takes the same turn at once.
                        circuit.answered(took);
                        quota.release(reservation, slot);
                        availability.markUnavailable(name, failure.getMessage());
                        if (failure.isMidReply()) {
                            recordWait(waitedNanos);
                            throw failure;
                        }
                        if (++model >= models.size()) {
                            recordWait(waitedNanos);
                            if (refusal != null) {
                                throw quota.rejected(refusal);
                            }
                            throw availability.noneAvailable();
                        }
                        admitted = false;
                    }
                    case QUOTA_DAY -> {
                        circuit.answered(took);
                        metrics.counter("lisa.gemini.throttled", "model", name, "quota", "day")
                                .increment();
                        quota.exhaustedUntil(
                                model, clock.instant().plus(failure.retryAfter().orElse(Duration.ofHours(1))));
                        if (failure.isMidReply() || ++model >= models.size()) {
                            recordWait(waitedNanos);
                            throw failure;
                        }
                        admitted = false;
                    }
                    case UNAVAILABLE, TIMEOUT -> {
                        circuit.failed(took, failure);
                        Duration backoff = backoff(attempts);
                        if (failure.isMidReply()
                                || attempts >= properties.retry().maxAttempts()
                                || !fitsBeforeDeadline(admission, backoff)) {
                            recordWait(waitedNanos);
                            throw failure;
                        }
                        retried(name, failure.kind().name().toLowerCase(Locale.ROOT));
                        long sleepStart = System.nanoTime();
                        Thread.sleep(backoff);
                        waitedNanos += System.nanoTime() - sleepStart;
                        if (circuit.refusing()) {
                            refusal = earlier(refusal, circuitOpen(model));
                            if (++model >= models.size()) {
                                recordWait(waitedNanos);
                                throw failure;
                            }
                            admitted = false;
                        } else {
                            retry = true;
                        }
                    }
                }
                continue;
            } catch (RuntimeException | Error e) {
                // Not Gemini's answer (the caller's observer failed, or the thread was stopped): the
                // circuit learns nothing from it, and its permission goes back.
                circuit.notSent();
                throw e;
            }
            circuit.answered(System.nanoTime() - callStart);
            counted(reservation, slot, name, reply, inputTokens);
            outcome(name, "ok");
            BigDecimal cost = prices.cost(name, reply.usage()).orElse(null);
            tokens(name, reply, cost);
            recordWait(waitedNanos);
            return new Dispatched<>(reply, reply.model(), TimeUnit.NANOSECONDS.toMillis(waitedNanos), attempts, cost);
        }
    }

    /**
     * A background call (a wrap-up for the CRM) on {@code model}, a model of the pool: it waits in the
     * model's background queue, served only by slots no live turn waits for, for as long as it takes; the
     * circuit and a per-minute 429 are respected (it waits them out and tries again). Other failures are
     * the caller's to handle: background work is retried later from its stored state, not here.
     *
     * @param whileWaiting    run every {@code waitingInterval} while the request waits for its slot (to renew a
     *                        claim); if it throws, the request leaves the queue and the exception is thrown
     * @throws IllegalArgumentException if {@code model} is not in the pool
     * @throws GeminiFailure            when Gemini refused or failed
     */
    public GeminiReply background(
            String model,
            int inputTokens,
            Runnable whileWaiting,
            Duration waitingInterval,
            Function<String, GeminiReply> call)
            throws InterruptedException {
        int index = models.indexOf(model);
        if (index < 0) {
            throw new IllegalArgumentException(model + " is not a model of the pool " + models);
        }
        ModelCircuit circuit = circuits.get(index);
        while (true) {
            Reservation reservation = quota.reserveBackground(index, inputTokens, spendEstimate(index, inputTokens));
            java.util.OptionalLong granted;
            while ((granted = quota.awaitBackground(reservation, waitingInterval)).isEmpty()) {
                try {
                    whileWaiting.run();
                } catch (RuntimeException e) {
                    if (!reservation.cancel(e)) {
                        quota.release(reservation, reservation.grantedSlot());
                    }
                    throw e;
                }
            }
            long slot = granted.getAsLong();
            if (!circuit.tryPermit()) {
                quota.release(reservation, slot);
                circuit.awaitChange(PROBE_RECHECK);
                continue;
            }
            long callStart = System.nanoTime();
            GeminiReply reply;
            try {
                reply = call.apply(model);
            } catch (GeminiFailure failure) {
                long took = System.nanoTime() - callStart;
                outcome(model, failure.kind().name().toLowerCase(Locale.ROOT));
                switch (failure.kind()) {
                    case QUOTA_MINUTE -> {
                        circuit.answered(took);
                        quota.throttled(reservation, slot, failure.retryAfter().orElse(Duration.ofMinutes(1)));
                        continue; // paused lane: the next slot comes after the pause
                    }
                    case UNAVAILABLE, TIMEOUT -> circuit.failed(took, failure);
                    case QUOTA_DAY -> {
                        circuit.answered(took);
                        quota.exhaustedUntil(
                                index, clock.instant().plus(failure.retryAfter().orElse(Duration.ofHours(1))));
                    }
                    default -> {
                        circuit.answered(took);
                        quota.release(reservation, slot);
                    }
                }
                throw failure;
            } catch (RuntimeException | Error e) {
                circuit.notSent();
                quota.release(reservation, slot);
                throw e;
            }
            circuit.answered(System.nanoTime() - callStart);
            counted(reservation, slot, model, reply, inputTokens);
            outcome(model, "ok");
            tokens(model, reply, prices.cost(model, reply.usage()).orElse(null));
            return reply;
        }
    }

    /** What health shows per model, in pool order: the quota, and the circuit of its calls. */
    public List<ModelQuotaState> state() {
        List<ModelQuotaState> quotas = quota.state();
        List<ModelQuotaState> states = new ArrayList<>(quotas.size());
        for (int model = 0; model < quotas.size(); model++) {
            states.add(quotas.get(model).withCircuit(circuits.get(model).state()));
        }
        return states;
    }

    /** The project's spend budget, used and left, for health; null when none is set. */
    public SpendState spend() {
        return quota.spend();
    }

    /** The circuit of the model at {@code model}: for tests that take a permission and lose it. */
    ModelCircuit circuit(int model) {
        return circuits.get(model);
    }

    /**
     * The ledger learns what the call really cost: Gemini's count of input tokens, or, when the reply
     * carried no usageMetadata (Gemini leaves zero counters out, and a prompt is never zero tokens),
     * the estimate the slot was taken with. A ledger failure here costs the correction only: the reply
     * exists and the turn goes on.
     */
    private void counted(Reservation reservation, long slot, String model, GeminiReply reply, int estimatedTokens) {
        int reported = reply.usage().promptTokens();
        // What Gemini billed replaces the spend estimate, but only with Gemini's counts to go by: a reply
        // without usageMetadata keeps the (higher) estimate, as a model without a price keeps 0.
        long spent = reported > 0 && prices.knows(model) ? prices.actualMicros(model, reply.usage()) : -1;
        try {
            quota.correct(reservation, slot, reported > 0 ? reported : estimatedTokens, spent);
        } catch (RuntimeException e) {
            log.warn(
                    "The quota ledger of {} could not record the input tokens of a reply; it keeps the estimate: {}",
                    reservation.model(),
                    e.toString());
        }
    }

    private QuotaRejectedException circuitOpen(int model) {
        Duration remaining = circuits.get(model).remainingOpen();
        return new QuotaRejectedException(
                QuotaRejectedException.Reason.CIRCUIT_OPEN,
                remaining.isPositive() ? remaining : Duration.ofSeconds(1),
                "Gemini (" + models.get(model) + ") failed repeatedly; requests are paused for a cool-down.");
    }

    private Duration remaining(QuotaScheduler.Admission admission) {
        Duration left = Duration.between(clock.instant(), admission.deadline());
        return left.isNegative() ? Duration.ZERO : left;
    }

    private boolean fitsBeforeDeadline(QuotaScheduler.Admission admission, Duration delay) {
        return clock.instant().plus(delay).isBefore(admission.deadline());
    }

    /** Exponential backoff with full jitter: uniform in [0, min(max, base × 2^(attempt−1))]. */
    private Duration backoff(int attempt) {
        long ceiling = Math.min(
                properties.retry().maxDelay().toMillis(),
                properties.retry().baseDelay().toMillis() << Math.min(20, attempt - 1));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private void retried(String model, String reason) {
        metrics.counter("lisa.quota.retries", "model", model, "reason", reason).increment();
    }

    private void outcome(String model, String outcome) {
        metrics.counter("lisa.gemini.calls", "model", model, "outcome", outcome).increment();
    }

    /**
     * {@code lisa_gemini_tokens_total{model,kind}}: kind prompt (all input tokens, cached ones included,
     * as Gemini's promptTokenCount), cached (the part of them served from the implicit cache), reply and
     * thought; and {@code lisa_gemini_cost_usd_total{model}} by the price table (nothing added for a
     * model without a price: unknown is not 0).
     */
    private void tokens(String model, GeminiReply reply, BigDecimal cost) {
        TokenUsage usage = reply.usage();
        metrics.counter("lisa.gemini.tokens", "model", model, "kind", "prompt").increment(usage.promptTokens());
        metrics.counter("lisa.gemini.tokens", "model", model, "kind", "cached").increment(usage.cachedTokens());
        metrics.counter("lisa.gemini.tokens", "model", model, "kind", "reply").increment(usage.replyTokens());
        metrics.counter("lisa.gemini.tokens", "model", model, "kind", "thought").increment(usage.thoughtTokens());
        if (cost != null) {
            metrics.counter("lisa.gemini.cost.usd", "model", model).increment(cost.doubleValue());
        }
    }

    /** The most a call to the model at {@code model} can cost, in micro-dollars, before it is sent. */
    private long spendEstimate(int model, int inputTokens) {
        return prices.estimateMicros(models.get(model), inputTokens, replyCap);
    }

    private void recordWait(long nanos) {
        waitTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static QuotaRejectedException earlier(QuotaRejectedException a, QuotaRejectedException b) {
        if (a == null) {
            return b;
        }
        return b.retryAfter().compareTo(a.retryAfter()) < 0 ? b : a;
    }
}
