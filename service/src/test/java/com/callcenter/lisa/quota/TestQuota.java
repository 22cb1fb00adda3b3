package com.callcenter.lisa.quota;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

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

    private TestQuota(int requestsPerMinute, Duration maxWait, int maxQueue, Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        QuotaLedger ledger = new QuotaLedger() {
            @Override
            public Decision tryAcquire(String model, ModelBudget budget, int inputTokens, Instant now) {
                if (failNextAcquire.getAndSet(false)) {
                    throw new IllegalStateException("The ledger's store failed once");
                }
                return memory.tryAcquire(model, budget, inputTokens, now);
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
        ModelLane lane = new ModelLane("m", new ModelBudget(requestsPerMinute, 0, 0), ledger, clock, maxQueue,
                new AdaptiveLimit(requestsPerMinute, Duration.ofMinutes(10)));
        this.scheduler = new QuotaScheduler(List.of(lane), maxWait, clock, metrics);
    }

    public static TestQuota of(int requestsPerMinute, Duration maxWait, int maxQueue, Clock clock,
                               MeterRegistry metrics) {
        return new TestQuota(requestsPerMinute, maxWait, maxQueue, clock, metrics);
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
