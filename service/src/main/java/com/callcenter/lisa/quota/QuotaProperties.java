package com.callcenter.lisa.quota;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the Gemini quota is shared out.
 *
 * @param budget         the primary model's ({@code lisa.gemini.model}) limits: {@code GEMINI_RPM},
 *                       {@code GEMINI_TPM}, {@code GEMINI_RPD}. Defaults: Google's free tier for
 *                       gemini-2.5-flash-lite (15 requests/min, 250,000 input tokens/min, 1,000/day)
 * @param fallbackModels further models, tried in order when the primary cannot serve a request within
 *                       its wait; each has its own budget (Google's quotas are per model). Empty = off
 * @param maxWait        longest a chat request waits for its turn ({@code CHAT_MAX_WAIT_SECONDS});
 *                       a request whose estimated wait is longer is refused at once with Retry-After
 * @param maxQueue       requests waiting per model beyond which new ones are refused at once
 * @param window         how long a request counts against the per-minute budgets: Gemini's 60 s plus a
 *                       margin for the time a request takes to reach Google, so that two requests
 *                       decided 60 s apart never arrive less than 60 s apart
 * @param spendPer10min  the Google project's spend budget in USD over any rolling 10 minutes
 *                       ({@code GEMINI_SPEND_PER_10MIN}; Google's spend limits: Tier 1 $10, Tier 2 $50,
 *                       Tier 3 $200), for every model together; 0 = none. A call is charged its input at the
 *                       full input price plus {@code lisa.gemini.generation.max-output-tokens} at the output
 *                       price before it is sent, and corrected to what Gemini counted afterwards
 * @param ledger         where dispatches are counted: {@code memory} (one instance), {@code database}
 *                       (instances sharing one PostgreSQL share the budget), {@code auto} = database
 *                       on PostgreSQL, memory otherwise
 * @param blockRequests  with the database ledger: the most requests an instance takes from it at once, to hand
 *                       out to its own requests within a second (what it does not use it gives back), so that the
 *                       database decides once per block instead of once per request. A block never holds more
 *                       than 1/16 of what is left of a budget, so near a limit it is a single request. The spend
 *                       budget is charged the same way, in blocks of up to this many calls' worth. 1 = one
 *                       decision of the database per request and per charge, with each correction written at once
 */
@ConfigurationProperties("lisa.quota")
public record QuotaProperties(
        @DefaultValue Budget budget,
        List<FallbackModel> fallbackModels,
        @DefaultValue("60s") Duration maxWait,
        @DefaultValue("500") int maxQueue,
        @DefaultValue("61s") Duration window,
        @DefaultValue("0") BigDecimal spendPer10min,
        @DefaultValue("auto") String ledger,
        @DefaultValue("32") int blockRequests,
        @DefaultValue Retry retry,
        @DefaultValue Breaker breaker) {

    public QuotaProperties {
        fallbackModels = fallbackModels == null ? List.of() : List.copyOf(fallbackModels);
        if (spendPer10min == null) {
            spendPer10min = BigDecimal.ZERO;
        }
        if (blockRequests < 1 || blockRequests > 10_000) {
            throw new IllegalArgumentException(
                    "lisa.quota.block-requests must be between 1 (no blocks) and 10000: " + blockRequests);
        }
        if (spendPer10min.signum() < 0) {
            throw new IllegalArgumentException(
                    "lisa.quota.spend-per-10min (GEMINI_SPEND_PER_10MIN) cannot be negative: " + spendPer10min);
        }
    }

    /** The spend budget in micro-dollars (rounded down: never more than configured). */
    public long spendPer10minMicros() {
        return spendPer10min
                .movePointRight(6)
                .setScale(0, java.math.RoundingMode.FLOOR)
                .longValueExact();
    }

    /** Zero means no limit of that kind. */
    public record Budget(
            @DefaultValue("15") int requestsPerMinute,
            @DefaultValue("250000") long inputTokensPerMinute,
            @DefaultValue("1000") int requestsPerDay) {

        ModelBudget toModelBudget() {
            return new ModelBudget(requestsPerMinute, inputTokensPerMinute, requestsPerDay);
        }
    }

    public record FallbackModel(String name, @DefaultValue Budget budget) {}

    /**
     * Retries of transient failures (500, 503, 504, connection failures, timeouts): exponential
     * backoff with full jitter, never beyond the request's remaining wait.
     *
     * @param maxAttempts calls per request in all, the first included
     */
    public record Retry(
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("500ms") Duration baseDelay,
            @DefaultValue("8s") Duration maxDelay) {}

    /**
     * The circuit breaker of each model's calls (resilience4j's, in {@code gemini.ModelCircuit}).
     *
     * @param failureThreshold consecutive transient failures of a model that open its circuit
     * @param coolDown         how long an open circuit refuses requests before one probe is let through
     * @param halfOpenTimeout  longest a probe may stay unanswered; then the circuit opens again for a
     *                         cool-down and a new probe follows, so a lost probe cannot block the model.
     *                         Longer than one Gemini call ({@code lisa.gemini.timeout})
     */
    public record Breaker(
            @DefaultValue("5") int failureThreshold,
            @DefaultValue("30s") Duration coolDown,
            @DefaultValue("60s") Duration halfOpenTimeout) {}
}
