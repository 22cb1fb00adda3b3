package com.callcenter.lisa.quota;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** The service's own daily budget is never exceeded: the request over it is refused before Gemini sees it. */
@Tag("database") // on PostgreSQL: the database quota ledger's locked path, over HTTP
@TestPropertySource(properties = "lisa.quota.budget.requests-per-day=2")
class DailyBudgetTest extends ServiceTest {

    @Test
    void requestOverTheDailyBudgetIsRefusedWithoutCallingGemini() {
        String id = api.newSession();
        assertThat(api.chat(id, "eins").status()).isEqualTo(200);
        assertThat(api.chat(id, "zwei").status()).isEqualTo(200);

        Api.Response third = api.chat(id, "drei");

        assertProblem(third, 503, "quota-exhausted");
        assertThat(third.json().get("reason").asString()).isEqualTo("daily_quota_exhausted");
        long untilMidnight = DailyQuotaTest.secondsUntilPacificMidnight();
        assertThat(Long.parseLong(third.header("Retry-After"))).isBetween(untilMidnight - 70, untilMidnight + 5);
        assertThat(upstream.requests()).hasSize(2);
        assertThat(api.get("/api/v1/health")
                        .json()
                        .get("quota")
                        .get(0)
                        .get("left")
                        .get("requestsToday")
                        .asInt())
                .isZero();
    }
}
