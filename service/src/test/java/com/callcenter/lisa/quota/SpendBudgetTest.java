package com.callcenter.lisa.quota;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The spend budget ({@code GEMINI_SPEND_PER_10MIN}) is one more budget of the quota, on a moved clock
 * (no real waiting): over any rolling 10 minutes what Gemini billed (the emulator's usageMetadata at
 * gemini-3.5-flash-lite's table price: USD 0.30 input, 0.03 cached, 2.50 output per 1M tokens) stays
 * within it, Gemini never refuses, a refusal's Retry-After is when the request is served, and the
 * record is corrected to what Gemini billed.
 *
 * <p>The clock stands still while a round of requests is answered and moves between rounds, so every
 * request of a round is charged and stored at the same instant: the test's windows are the ledger's.
 * A request's estimate is its input at the full price plus 200 reply tokens (max-output-tokens) at the
 * output price, about USD 0.0006; the emulator's replies cost a good deal less, so the corrections are
 * what lets most requests through.
 */
@Tag("database")
@Import(MovableTime.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@TestPropertySource(
        properties = {
            "lisa.gemini.model=gemini-3.5-flash-lite",
            "lisa.gemini.generation.max-output-tokens=200",
            "lisa.quota.spend-per-10min=0.004",
            "lisa.quota.max-wait=1s",
            "lisa.quota.window=60s"
        })
class SpendBudgetTest extends ServiceTest {

    private static final BigDecimal BUDGET = new BigDecimal("0.004");
    private static final Duration WINDOW = Duration.ofMinutes(10);

    @Autowired
    MutableClock clock;

    /** A reply that counted: when (service clock) and what Gemini billed for it. */
    record Billed(Instant at, BigDecimal usd) {}

    @Test
    void overAnyRollingTenMinutesTheSpendStaysWithinTheBudgetAndGeminiNeverRefuses() throws Exception {
        int clients = 4;
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            sessions.add(api.newSession());
        }
        List<Billed> billed = Collections.synchronizedList(new ArrayList<>());
        int refused = 0;
        int answered = 0;
        try (ExecutorService threads = Executors.newFixedThreadPool(clients)) {
            for (int round = 0; round < 120; round++) { // 30 minutes in steps of 15 s
                List<Future<Api.Response>> calls = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    String session = sessions.get(c);
                    int n = round;
                    calls.add(threads.submit(() -> api.chat(session, "Frage " + n + " zum Tarif")));
                }
                for (Future<Api.Response> call : calls) {
                    Api.Response response = call.get();
                    if (response.status() == 200) {
                        answered++;
                        JsonNode reply = response.json();
                        BigDecimal usd = cost(reply.get("usage"));
                        assertThat(reply.get("usage").get("costUsd").decimalValue())
                                .isEqualByComparingTo(usd);
                        billed.add(
                                new Billed(Instant.parse(reply.get("createdAt").asString()), usd));
                    } else {
                        assertProblem(response, 503, "quota-exhausted");
                        assertThat(Long.parseLong(response.header("Retry-After")))
                                .isPositive();
                        refused++;
                    }
                }
                clock.advance(Duration.ofSeconds(15));
            }
        }

        assertThat(refused).as("the budget held requests back").isPositive();
        assertThat(answered).as("requests answered").isGreaterThan(20);
        BigDecimal fullest = BigDecimal.ZERO;
        for (Billed end : billed) {
            BigDecimal inWindow = billed.stream()
                    .filter(b -> b.at().isAfter(end.at().minus(WINDOW)) && !b.at().isAfter(end.at()))
                    .map(Billed::usd)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(inWindow)
                    .as("billed in the 10 minutes up to %s", end.at())
                    .isLessThanOrEqualTo(BUDGET);
            fullest = fullest.max(inWindow);
        }
        assertThat(fullest)
                .as("the budget was used, not only guarded")
                .isGreaterThan(BUDGET.multiply(new BigDecimal("0.8")));
        assertThat(upstream.counters().get("quota_rpm")
                        + upstream.counters().get("quota_tpm")
                        + upstream.counters().get("quota_rpd"))
                .isZero();
        assertThat(upstream.requests()).hasSize(answered);
        System.out.printf(
                "spend saturation: %d answered, %d refused, fullest 10-minute window USD %s of %s%n",
                answered, refused, fullest.stripTrailingZeros().toPlainString(), BUDGET);
    }

    @Test
    void aRefusalsRetryAfterIsWhenTheRequestIsServed() {
        String id = api.newSession();
        while (api.chat(id, "Noch eine Frage zum Tarif").status() == 200) {
            clock.advance(Duration.ofSeconds(1));
        }
        Api.Response refused = api.chat(id, "Noch eine Frage zum Tarif");
        assertProblem(refused, 503, "quota-exhausted");
        assertThat(refused.json().get("detail").asString()).contains("spend budget");
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(2L, WINDOW.toSeconds());
        int sent = upstream.requests().size();

        clock.advance(Duration.ofSeconds(retryAfter - 2));
        assertThat(api.chat(id, "Noch eine Frage zum Tarif").status())
                .as("before Retry-After")
                .isEqualTo(503);
        // Retry-After is when the wait has come down to the one second a request may wait: from then on
        // it is served within max-wait, which this still clock lets pass in one step.
        clock.advance(Duration.ofSeconds(3));
        assertThat(api.chat(id, "Noch eine Frage zum Tarif").status())
                .as("at Retry-After + max-wait")
                .isEqualTo(200);
        assertThat(upstream.requests()).hasSize(sent + 1);
    }

    @Test
    void theRecordIsCorrectedToWhatGeminiBilledAndHealthShowsIt() {
        JsonNode before = api.get("/api/v1/health").json().get("spend");
        assertThat(before.get("budgetUsd").decimalValue()).isEqualByComparingTo(BUDGET);
        assertThat(before.get("usedUsd").decimalValue()).isZero();
        assertThat(before.get("windowSeconds").asLong()).isEqualTo(600);

        JsonNode usage =
                api.chat(api.newSession(), "Was kostet der Tarif?").json().get("usage");

        BigDecimal billedUsd = cost(usage);
        // The estimate (input at the full price + 200 reply tokens at 2.50) was far higher than the bill.
        BigDecimal estimate = new BigDecimal("0.30")
                .multiply(BigDecimal.valueOf(usage.get("promptTokens").asInt()))
                .add(new BigDecimal("2.50").multiply(BigDecimal.valueOf(200)))
                .movePointLeft(6);
        assertThat(billedUsd).isLessThan(estimate);
        JsonNode after = api.get("/api/v1/health").json().get("spend");
        BigDecimal used = after.get("usedUsd").decimalValue();
        assertThat(used).isGreaterThanOrEqualTo(billedUsd).isLessThan(billedUsd.add(new BigDecimal("0.000001")));
        assertThat(after.get("leftUsd").decimalValue()).isEqualByComparingTo(BUDGET.subtract(used));
    }

    /** What Gemini billed for a reply by its usage and the price table of gemini-3.5-flash-lite. */
    static BigDecimal cost(JsonNode usage) {
        int prompt = usage.get("promptTokens").asInt();
        int cached = usage.get("cachedTokens").asInt();
        int output =
                usage.get("replyTokens").asInt() + usage.get("thoughtTokens").asInt();
        return new BigDecimal("0.30")
                .multiply(BigDecimal.valueOf(prompt - cached))
                .add(new BigDecimal("0.03").multiply(BigDecimal.valueOf(cached)))
                .add(new BigDecimal("2.50").multiply(BigDecimal.valueOf(output)))
                .movePointLeft(6);
    }
}
