package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.quota.QuotaLedger.Decision.Wait;
import com.callcenter.lisa.quota.QuotaRules.Bucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shortcut the ledgers take far from the limits says exactly what the full rules say, and the
 * per-second buckets decide like the exact log of every request, or more strictly by less than a second.
 */
class QuotaRulesTest {

    private static final Duration WINDOW = Duration.ofSeconds(61);

    private final QuotaRules rules = new QuotaRules(WINDOW);

    private final Instant now = Instant.parse("2026-11-27T20:00:00.000300Z");

    @Test
    void fitAtOnceAgreesWithCheckAndEstimateWaitOnRandomBuckets() {
        Random random = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            ModelBudget budget = randomBudget(random);
            List<Bucket> buckets = buckets(randomLog(random, random.nextInt(15), 70_000));
            QuotaLedger.Usage usage = rules.usage(buckets, 0, now);
            int today = random.nextInt(35);
            long inputTokens = random.nextInt(500);
            int position = 1 + random.nextInt(5);

            boolean one = rules.fitAtOnce(
                    budget, usage.requestsLastMinute(), usage.inputTokensLastMinute(), today, inputTokens, 1);
            assertThat(one)
                    .as("check, round %d", round)
                    .isEqualTo(rules.check(budget, buckets, today, inputTokens, now)
                            .isEmpty());
            boolean several = rules.fitAtOnce(
                    budget, usage.requestsLastMinute(), usage.inputTokensLastMinute(), today, inputTokens, position);
            assertThat(several)
                    .as("estimateWait, round %d", round)
                    .isEqualTo(rules.estimateWait(budget, buckets, today, position, inputTokens, now)
                            .isZero());
        }
    }

    /**
     * Windows of up to 3,000 requests (far more than the ~62 buckets that hold them), many in the same
     * second, against the exact rule on every request: the buckets never grant what the exact rule
     * refuses, and when they refuse, they wait at least as long as the exact rule and less than a
     * second longer.
     */
    @Test
    void bucketsDecideAsTheExactLogOrMoreStrictlyByLessThanASecond() {
        Random random = new Random(7);
        int stricter = 0;
        for (int round = 0; round < 2_000; round++) {
            int requests = random.nextInt(3_000);
            List<Sent> log = randomLog(random, requests, 62_000);
            ModelBudget budget = new ModelBudget(
                    Math.max(1, requests - 20 + random.nextInt(40)),
                    random.nextInt(3) == 0 ? 0 : 200L * requests + random.nextInt(20_000),
                    0);
            long inputTokens = random.nextInt(2_000);

            Duration exact = exactWait(budget, log, inputTokens);
            Optional<Wait> bucketed = rules.check(budget, buckets(log), 0, inputTokens, now);
            Duration wait = bucketed.map(Wait::after).orElse(Duration.ZERO);
            assertThat(wait).as("round %d", round).isGreaterThanOrEqualTo(exact).isLessThan(exact.plusSeconds(1));
            if (wait.compareTo(exact) > 0) {
                stricter++;
            }
        }
        assertThat(stricter).as("rounds where the buckets were stricter").isPositive();
    }

    /**
     * A test's short minute (the emulator's 6 s plus the 1 s margin) gets buckets of a sixtieth of its
     * window, not of a second: the rounding stays under one bucket, 116 ms here, as a second is to a minute.
     */
    @Test
    void aShortWindowHasShortBuckets() {
        Duration window = Duration.ofSeconds(7);
        QuotaRules shortMinute = new QuotaRules(window, Duration.ofSeconds(6));
        assertThat(shortMinute.bucketWidth()).isEqualTo(Duration.ofMillis(116));
        assertThat(rules.bucketWidth()).isEqualTo(Duration.ofSeconds(1));
        Random random = new Random(13);
        for (int round = 0; round < 2_000; round++) {
            int requests = random.nextInt(500);
            List<Sent> log = randomLog(random, requests, 7_500);
            ModelBudget budget = new ModelBudget(Math.max(1, requests - 10 + random.nextInt(20)), 0, 0);
            Duration exact = exactWait(budget, log, 1, window);
            Duration wait = shortMinute
                    .check(budget, buckets(shortMinute, log), 0, 1, now)
                    .map(Wait::after)
                    .orElse(Duration.ZERO);
            assertThat(wait)
                    .as("round %d", round)
                    .isGreaterThanOrEqualTo(exact)
                    .isLessThan(exact.plus(shortMinute.bucketWidth()));
        }
    }

    /** With at most one request in each second, the buckets are the exact log. */
    @Test
    void oneRequestPerSecondDecidesExactly() {
        Random random = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            List<Sent> log = new ArrayList<>();
            for (int second = 62; second >= 0; second--) {
                if (random.nextBoolean()) {
                    log.add(new Sent(now.minusSeconds(second).plusMillis(random.nextInt(1_000)), random.nextInt(400)));
                }
            }
            log.removeIf(sent -> sent.at().isAfter(now));
            ModelBudget budget = new ModelBudget(
                    1 + random.nextInt(40), random.nextInt(3) == 0 ? 0 : 1_000 + random.nextInt(8_000), 0);
            long inputTokens = random.nextInt(1_000);
            Duration wait = rules.check(budget, buckets(log), 0, inputTokens, now)
                    .map(Wait::after)
                    .orElse(Duration.ZERO);
            assertThat(wait).as("round %d", round).isEqualTo(exactWait(budget, log, inputTokens));
        }
    }

    /** As on the testloop branch, which makes Gemini's minute configurable for load tests. */
    @Test
    void theWindowIsNeverShorterThanGeminisMinute() {
        assertThatThrownBy(() -> new QuotaRules(Duration.ofSeconds(59)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than Gemini's minute (60 s)");
        // Against an emulator with a 5-second minute (load tests), a 6-second window is allowed, 4 s is not.
        assertThat(new QuotaRules(Duration.ofSeconds(6), Duration.ofSeconds(5)).window())
                .hasSeconds(6);
        assertThatThrownBy(() -> new QuotaRules(Duration.ofSeconds(4), Duration.ofSeconds(5)))
                .hasMessageContaining("shorter than Gemini's minute (5 s)");
    }

    private record Sent(Instant at, long tokens) {}

    private ModelBudget randomBudget(Random random) {
        return new ModelBudget(
                random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(12),
                random.nextInt(4) == 0 ? 0 : 100 + random.nextInt(2_000),
                random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(30));
    }

    /** Requests at random moments of the last {@code spanMillis}, to the microsecond, in time order. */
    private List<Sent> randomLog(Random random, int requests, int spanMillis) {
        List<Sent> log = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            log.add(new Sent(now.minusNanos(1_000L * random.nextInt(spanMillis * 1_000)), random.nextInt(400)));
        }
        log.sort((a, b) -> a.at().compareTo(b.at()));
        return log;
    }

    /** The log as the ledgers record it. */
    private List<Bucket> buckets(List<Sent> log) {
        return buckets(rules, log);
    }

    private static List<Bucket> buckets(QuotaRules rules, List<Sent> log) {
        List<Bucket> buckets = new ArrayList<>();
        for (Sent sent : log) {
            rules.add(buckets, sent.tokens(), QuotaRules.micros(sent.at()));
        }
        return buckets;
    }

    /** The rule on every single request, as the ledgers applied it before they kept buckets. */
    private Duration exactWait(ModelBudget budget, List<Sent> log, long inputTokens) {
        return exactWait(budget, log, inputTokens, WINDOW);
    }

    private Duration exactWait(ModelBudget budget, List<Sent> log, long inputTokens, Duration window) {
        Instant start = now.minus(window);
        List<Sent> inWindow =
                log.stream().filter(sent -> sent.at().isAfter(start)).toList();
        Duration longest = Duration.ZERO;
        int rpm = budget.requestsPerMinute();
        if (rpm > 0 && inWindow.size() >= rpm) {
            longest = max(longest, leaves(inWindow.get(inWindow.size() - rpm), window));
        }
        long tpm = budget.inputTokensPerMinute();
        if (tpm > 0) {
            long cost = Math.min(inputTokens, tpm);
            long used = inWindow.stream().mapToLong(Sent::tokens).sum();
            int leaving = 0;
            while (used + cost > tpm) {
                used -= inWindow.get(leaving).tokens();
                leaving++;
            }
            if (leaving > 0) {
                longest = max(longest, leaves(inWindow.get(leaving - 1), window));
            }
        }
        return longest;
    }

    private Duration leaves(Sent sent, Duration window) {
        return Duration.between(now, sent.at().plus(window));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
