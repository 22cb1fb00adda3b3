package com.callcenter.lisa.quota;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Gemini's per-day 429 marks the model used up until midnight Pacific: later requests fail fast. */
@org.springframework.test.context.TestPropertySource(properties = "lisa.quota.max-wait=10s")
class DailyQuotaTest extends ServiceTest {

    @Test
    void perDay429FailsFastUntilTheDailyReset() {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.fixture(fixture("errors/429-rpd-free-tier.json")));

        Api.Response first = api.chat(id, "Hallo");
        Api.Response second = api.chat(id, "Hallo?");

        assertProblem(first, 503, "quota-exhausted");
        assertProblem(second, 503, "quota-exhausted");
        assertThat(second.json().get("reason").asString()).isEqualTo("daily_quota_exhausted");
        long untilMidnight = secondsUntilPacificMidnight();
        for (Api.Response response : new Api.Response[] {first, second}) {
            assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(untilMidnight - 5, untilMidnight + 5);
        }
        assertThat(upstream.requests()).hasSize(1);
        JsonNode health = api.get("/api/v1/health").json();
        assertThat(health.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(health.get("quota").get(0).get("exhaustedUntil").asString()).isNotBlank();
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    static long secondsUntilPacificMidnight() {
        ZonedDateTime now = ZonedDateTime.now(ZoneId.of("America/Los_Angeles"));
        return Duration.between(now, now.toLocalDate().plusDays(1).atStartOfDay(now.getZone()))
                .toSeconds();
    }
}
