package com.callcenter.lisa.quota;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;

/**
 * A quota of one model ({@code m}) counted in memory, for tests of the queue and of the attempt loop
 * without HTTP. Its ledger can be told to fail once, as a database that drops a connection would.
 */
public final class TestQuota implements AutoCloseable {

    private final InMemoryQuotaLedger memory = new InMemoryQuotaLedger();
    private final AtomicBoolean failNextCorrect = new AtomicBoolean();
    private final AtomicBoolean failNextAcquire = new AtomicBoolean();
    private final Clock clock;
    private final QuotaScheduler scheduler;
    private final boolean recheckSoon;

    private TestQuota(
            int requestsPerMinute,
            Duration maxWait,
            int maxQueue,
            Clock clock,
            MeterRegistry metrics,
            ToIntFunction<String> weights,
            boolean recheckSoon) {
        this.clock = clock;
        this.recheckSoon = recheckSoon;
        QuotaLedger ledger = new QuotaLedger() {
            @Override
            public Decision tryAcquire(String model, ModelBudget budget, int inputTokens, Instant now) {
                if (failNextAcquire.getAndSet(false)) {
                    throw new IllegalStateException("The ledger's store failed once");
                }
                Decision decision = memory.tryAcquire(model, budget, inputTokens, now);
                // The wait is in the test's clock, which the test moves instead of waiting: the
                // dispatcher asks again after a few real milliseconds instead of up to a second.
                return decision instanceof Decision.Wait wait && recheckSoon
                        ? new Decision.Wait(min(wait.after(), Duration.ofMillis(20)), wait.limit())
                        : decision;
            }

            @Override
            public void correct(String model, long id, int actualInputTokens) {
                if (failNextCorrect.getAndSet(false)) {
                    throw new IllegalStateException("The ledger's store failed once");
                }
                memory.correct(model, id, actualInputTokens);
            }

            @Override
            public void release(String model, long id) {
                memory.release(model, id);
            }

            @Override
            public Usage usage(String model, Instant now) {
                return memory.usage(model, now);
            }

            @Override
            public Duration estimateWait(String model, ModelBudget budget, int position, int inputTokens, Instant now) {
                return memory.estimateWait(model, budget, position, inputTokens, now);
            }
        };
        ModelLane lane = new ModelLane(
                "m",
                new ModelBudget(requestsPerMinute, 0, 0),
                ledger,
                clock,
                maxQueue,
                new AdaptiveLimit(requestsPerMinute, Duration.ofMinutes(10)),
                weights);
        this.scheduler = new QuotaScheduler(List.of(lane), maxWait, clock, metrics);
    }

    public static TestQuota of(
            int requestsPerMinute, Duration maxWait, int maxQueue, Clock clock, MeterRegistry metrics) {
        return new TestQuota(requestsPerMinute, maxWait, maxQueue, clock, metrics, tenant -> 1, false);
    }

    /**
     * With tenants weighted in the round robin by {@code weights} (tenant -> weight), for tests that move
     * the clock step by step: the dispatcher rechecks every few milliseconds, so a step's slot is
     * granted at once rather than within a second.
     */
    public static TestQuota of(
            int requestsPerMinute,
            Duration maxWait,
            int maxQueue,
            Clock clock,
            MeterRegistry metrics,
            ToIntFunction<String> weights) {
        return new TestQuota(requestsPerMinute, maxWait, maxQueue, clock, metrics, weights, true);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public QuotaScheduler scheduler() {
        return scheduler;
    }

    /** The next correction of a reply's input tokens fails. */
    public void failNextCorrect() {
        failNextCorrect.set(true);
    }

    /** The next decision of the ledger fails. */
    public void failNextAcquire() {
        failNextAcquire.set(true);
    }

    public int requestsLastMinute() {
        return memory.usage("m", clock.instant()).requestsLastMinute();
    }

    public long inputTokensLastMinute() {
        return memory.usage("m", clock.instant()).inputTokensLastMinute();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
