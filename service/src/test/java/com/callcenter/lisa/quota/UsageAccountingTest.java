package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The input-token budget counts what a call cost: Gemini's own count when its reply carries
 * usageMetadata, the estimate the call was sent with when it does not (never nothing).
 */
@TestPropertySource(properties = "lisa.quota.budget.input-tokens-per-minute=1000000")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class UsageAccountingTest extends ServiceTest {

    private static final long BUDGET = 1_000_000;

    @Test
    void aReplyWithoutUsageMetadataCountsItsEstimateAndAReplyWithItCountsGeminisNumber() {
        String id = api.newSession();
        long before = tokensLeft();
        upstream.script(ScriptedAnswer.status(200, """
                {"candidates": [{"content": {"role": "model", "parts": [{"text": "Guten Tag, hier ist Lisa."}]},
                  "finishReason": "STOP", "index": 0}]}"""));

        Api.Response silent = api.chat(id, "Hallo, was kostet der Tarif im Monat?");

        assertThat(silent.status()).as(silent.body()).isEqualTo(200);
        assertThat(silent.json().get("usage").get("promptTokens").asInt()).isZero(); // Gemini said nothing
        long afterSilent = tokensLeft();
        assertThat(afterSilent).isLessThan(before); // the estimate is counted, not zero

        Api.Response counted = api.chat(id, "Und mit Vertrag?");

        assertThat(counted.status()).as(counted.body()).isEqualTo(200);
        int reported = counted.json().get("usage").get("promptTokens").asInt();
        assertThat(reported).isPositive();
        assertThat(tokensLeft()).isEqualTo(afterSilent - reported);
    }

    private long tokensLeft() {
        long left = api.get("/api/v1/health")
                .json()
                .get("quota")
                .get(0)
                .get("left")
                .get("inputTokensThisMinute")
                .asLong();
        assertThat(left).isBetween(0L, BUDGET);
        return left;
    }
}
