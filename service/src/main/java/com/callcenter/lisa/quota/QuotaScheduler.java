package com.callcenter.lisa.quota;

import com.callcenter.lisa.gemini.GeminiFailure;
import com.callcenter.lisa.gemini.GeminiReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every Gemini call of the service within the quota: one queue per model shared by all
 * sessions, admission with an honest estimated wait, retries of what is transient, a circuit
 * breaker, and the fallback models in order.
 */
public class QuotaScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuotaScheduler.class);

    /**
     * A request let in: it may wait until {@code deadline} for its turn, in all. {@code place} shows
     * where it stands while it waits and lets it leave the queue.
     */
    public record Admission(Instant arrivedAt, Instant deadline, QueuePlace place) {
    }

    private final List<ModelLane> lanes;
    private final QuotaProperties properties;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Timer waitTimer;

    QuotaScheduler(List<ModelLane> lanes, QuotaProperties properties, Clock clock, MeterRegistry metrics) {
        this.lanes = List.copyOf(lanes);
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics;
        this.waitTimer = Timer.builder("lisa.quota.wait")
                .description("Time a chat request waited for Gemini quota, retries included")
                .publishPercentileHistogram()
                .register(metrics);
        for (ModelLane lane : lanes) {
            metrics.gauge("lisa.quota.queue.length", io.micrometer.core.instrument.Tags.of("model", lane.model()),
                    lane, ModelLane::queueLength);
        }
    }

    /**
     * Decides on arrival whether a request can be served within the maximum wait.
     *
     * @param aheadInSession earlier requests of the same session still waiting or running
     * @throws QuotaRejectedException at once, with an honest Retry-After, when it cannot
     */
    public Admission admit(int aheadInSession, int inputTokens) {
        Instant now = clock.instant();
        QuotaRejectedException best = null;
        for (ModelLane lane : lanes) {
            try {
                QueuePlace place = lane.check(inputTokens, aheadInSession, properties.maxWait());
                return new Admission(now, now.plus(properties.maxWait()), place);
            } catch (QuotaRejectedException e) {
                best = earlier(best, e);
            }
        }
        throw rejected(best);
    }

    /**
     * Waits for a slot of the first model that can serve within the admission's deadline, calls
     * Gemini through {@code call} (given the model's name), and retries what is transient, unless
     * part of the reply had already been streamed to the client.
     *
     * @throws GeminiFailure          when Gemini refused for good, or kept failing within the wait
     * @throws QuotaRejectedException when no slot could be had in time, or the client left the queue
     */
    public Dispatched<GeminiReply> dispatch(Admission admission, int inputTokens, Function<String, GeminiReply> call)
            throws InterruptedException {
        long waitedNanos = 0;
        int attempts = 0;
        int laneIndex = 0;
        ModelLane.Ticket ticket = null;
        QuotaRejectedException refusal = null;
        QueuePlace place = admission.place();
        while (true) {
            ModelLane lane = lanes.get(laneIndex);
            long waitStart = System.nanoTime();
            long slot;
            try {
                if (ticket == null) {
                    if (place.hasLeft()) {
                        throw QueuePlace.clientGone();
                    }
                    ticket = lane.admit(inputTokens, 0, remaining(admission));
                }
                place.attach(lane, ticket);
                slot = await(lane, ticket, admission, inputTokens);
                place.dispatched();
            } catch (QuotaRejectedException e) {
                if (e.reason() == QuotaRejectedException.Reason.CLIENT_GONE) {
                    recordWait(waitedNanos + System.nanoTime() - waitStart);
                    throw rejected(e);
                }
                refusal = earlier(refusal, e);
                ticket = null;
                waitedNanos += System.nanoTime() - waitStart;
                if (++laneIndex < lanes.size()) {
                    continue;
                }
                recordWait(waitedNanos);
                throw rejected(refusal);
            }
            waitedNanos += System.nanoTime() - waitStart;
            ticket = null;
            attempts++;
            try {
                GeminiReply reply = call.apply(lane.model());
                lane.succeeded(slot, reply.usage().promptTokens());
                outcome(lane, "ok");
                tokens(lane, reply);
                recordWait(waitedNanos);
                return new Dispatched<>(reply, reply.model(), TimeUnit.NANOSECONDS.toMillis(waitedNanos), attempts);
            } catch (GeminiFailure failure) {
                outcome(lane, failure.kind().name().toLowerCase(java.util.Locale.ROOT));
                switch (failure.kind()) {
                    case REJECTED -> {
                        lane.upstreamAnswered();
                        recordWait(waitedNanos);
                        throw failure;
                    }
                    case QUOTA_MINUTE -> {
                        Duration delay = failure.retryAfter().orElse(Duration.ofMinutes(1));
                        metrics.counter("lisa.gemini.throttled", "model", lane.model(), "quota", "minute").increment();
                        lane.throttled(slot, delay);
                        if (failure.isMidReply() || !fitsBeforeDeadline(admission, delay)) {
                            recordWait(waitedNanos);
                            throw failure;
                        }
                        retry(lane, "throttled");
                        ticket = lane.requeue(inputTokens);
                    }
                    case QUOTA_DAY -> {
                        metrics.counter("lisa.gemini.throttled", "model", lane.model(), "quota", "day").increment();
                        lane.exhaustedUntil(clock.instant().plus(failure.retryAfter().orElse(Duration.ofHours(1))));
                        if (failure.isMidReply() || ++laneIndex >= lanes.size()) {
                            recordWait(waitedNanos);
                            throw failure;
                        }
                    }
                    case UNAVAILABLE, TIMEOUT -> {
                        lane.failedTransiently();
                        Duration backoff = backoff(attempts);
                        if (failure.isMidReply() || attempts >= properties.retry().maxAttempts()
                                || !fitsBeforeDeadline(admission, backoff)) {
                            recordWait(waitedNanos);
                            throw failure;
                        }
                        retry(lane, failure.kind().name().toLowerCase(java.util.Locale.ROOT));
                        long sleepStart = System.nanoTime();
                        Thread.sleep(backoff);
                        waitedNanos += System.nanoTime() - sleepStart;
                        try {
                            ticket = lane.requeue(inputTokens);
                        } catch (QuotaRejectedException circuitOpened) {
                            refusal = earlier(refusal, circuitOpened);
                            if (++laneIndex >= lanes.size()) {
                                recordWait(waitedNanos);
                                throw failure;
                            }
                        }
                    }
                }
            }
        }
    }

    /** What health shows per model, in pool order. */
    public List<ModelQuotaState> state() {
        List<ModelQuotaState> states = new ArrayList<>();
        for (ModelLane lane : lanes) {
            ModelLane.State s = lane.state();
            states.add(ModelQuotaState.of(s));
        }
        return states;
    }

    @Override
    public void close() {
        lanes.forEach(ModelLane::close);
    }

    private long await(ModelLane lane, ModelLane.Ticket ticket, Admission admission, int inputTokens)
            throws InterruptedException {
        try {
            return ticket.slot.get(Math.max(0, remaining(admission).toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            QuotaRejectedException late = new QuotaRejectedException(QuotaRejectedException.Reason.WAITED_TOO_LONG,
                    lane.estimate(lane.queueLength() + 1, inputTokens),
                    "The request waited " + properties.maxWait().toSeconds() + " s without its turn for "
                            + lane.model() + " coming.");
            if (lane.cancel(ticket, late)) {
                throw late;
            }
            return ticket.slot.join();
        } catch (InterruptedException e) {
            // The client went away (or the service stops): leave the queue without spending quota.
            if (!lane.cancel(ticket, new QuotaRejectedException(QuotaRejectedException.Reason.WAITED_TOO_LONG,
                    Duration.ZERO, "cancelled"))) {
                log.debug("Request interrupted just after its slot for {} was granted", lane.model());
            }
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Duration remaining(Admission admission) {
        Duration left = Duration.between(clock.instant(), admission.deadline());
        return left.isNegative() ? Duration.ZERO : left;
    }

    private boolean fitsBeforeDeadline(Admission admission, Duration delay) {
        return clock.instant().plus(delay).isBefore(admission.deadline());
    }

    /** Exponential backoff with full jitter: uniform in [0, min(max, base × 2^(attempt−1))]. */
    private Duration backoff(int attempt) {
        long ceiling = Math.min(properties.retry().maxDelay().toMillis(),
                properties.retry().baseDelay().toMillis() << Math.min(20, attempt - 1));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private void retry(ModelLane lane, String reason) {
        metrics.counter("lisa.quota.retries", "model", lane.model(), "reason", reason).increment();
    }

    private void outcome(ModelLane lane, String outcome) {
        metrics.counter("lisa.gemini.calls", "model", lane.model(), "outcome", outcome).increment();
    }

    private void tokens(ModelLane lane, GeminiReply reply) {
        metrics.counter("lisa.gemini.tokens", "model", lane.model(), "kind", "input")
                .increment(reply.usage().promptTokens());
        metrics.counter("lisa.gemini.tokens", "model", lane.model(), "kind", "output")
                .increment(Math.max(0, reply.usage().totalTokens() - reply.usage().promptTokens()));
    }

    private void recordWait(long nanos) {
        waitTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private QuotaRejectedException rejected(QuotaRejectedException e) {
        Counter.builder("lisa.quota.rejections").tag("reason", e.reason().name().toLowerCase(java.util.Locale.ROOT))
                .register(metrics).increment();
        return e;
    }

    private static QuotaRejectedException earlier(QuotaRejectedException a, QuotaRejectedException b) {
        if (a == null) {
            return b;
        }
        return b.retryAfter().compareTo(a.retryAfter()) < 0 ? b : a;
    }
}
