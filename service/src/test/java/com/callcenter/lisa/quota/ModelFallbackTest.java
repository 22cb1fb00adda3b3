package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** When the primary model cannot serve within the wait, the next model with free budget takes the turn. */
@TestPropertySource(
        properties = {
            "lisa.quota.budget.requests-per-minute=1",
            "lisa.quota.fallback-models[0].name=gemini-backup-model",
            "lisa.quota.fallback-models[0].budget.requests-per-minute=0",
            "lisa.quota.max-wait=5s"
        })
class ModelFallbackTest extends ServiceTest {

    @Test
    void secondModelAnswersWhenThePrimaryIsOutOfBudget() {
        String id = api.newSession();

        JsonNode first = api.chat(id, "eins").json();
        Api.Response second = api.chat(id, "zwei");

        assertThat(first.get("model").asString()).isEqualTo("gemini-3.5-flash-lite");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().get("model").asString()).isEqualTo("gemini-backup-model");
        assertThat(upstream.requests().get(1).model()).isEqualTo("gemini-backup-model");
        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(4);

        JsonNode quota = api.get("/api/v1/health").json().get("quota");
        assertThat(quota).hasSize(2);
        assertThat(quota.get(0).get("model").asString()).isEqualTo("gemini-3.5-flash-lite");
        assertThat(quota.get(0).get("left").get("requestsThisMinute").asInt()).isZero();
        assertThat(quota.get(1).get("model").asString()).isEqualTo("gemini-backup-model");
    }
}
