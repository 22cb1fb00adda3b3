package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.quota.QuotaRules.Dispatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shortcut the ledgers take far from the limits says exactly what the full rules say. */
class QuotaRulesTest {

    private final QuotaRules rules = new QuotaRules(Duration.ofSeconds(61));

    @Test
    void fitAtOnceAgreesWithCheckAndEstimateWaitOnRandomLogs() {
        Random random = new Random(42);
        Instant now = Instant.parse("2026-11-27T20:00:00Z");
        for (int round = 0; round < 5_000; round++) {
            ModelBudget budget = new ModelBudget(random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(12),
                    random.nextInt(4) == 0 ? 0 : 100 + random.nextInt(2_000),
                    random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(30));
            List<Dispatch> log = new ArrayList<>();
            int entries = random.nextInt(15);
            for (int i = 0; i < entries; i++) {
                log.add(new Dispatch(i, now.minusMillis(random.nextInt(70_000)), random.nextInt(400)));
            }
            log.sort((a, b) -> a.sentAt().compareTo(b.sentAt()));
            List<Dispatch> inWindow = rules.window(log, now);
            long tokens = inWindow.stream().mapToLong(Dispatch::inputTokens).sum();
            int today = random.nextInt(35);
            long inputTokens = random.nextInt(500);
            int position = 1 + random.nextInt(5);

            boolean one = rules.fitAtOnce(budget, inWindow.size(), tokens, today, inputTokens, 1);
            assertThat(one).as("check, round %d", round)
                    .isEqualTo(rules.check(budget, log, today, inputTokens, now).isEmpty());
            boolean several = rules.fitAtOnce(budget, inWindow.size(), tokens, today, inputTokens, position);
            assertThat(several).as("estimateWait, round %d", round)
                    .isEqualTo(rules.estimateWait(budget, log, today, position, inputTokens, now).isZero());
        }
    }

    @Test
    void theWindowIsNeverShorterThanGeminisMinute() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new QuotaRules(Duration.ofSeconds(59)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than Gemini's minute (60 s)");
        // Against an emulator with a 5-second minute (load tests), a 6-second window is allowed, 4 s is not.
        assertThat(new QuotaRules(Duration.ofSeconds(6), Duration.ofSeconds(5)).window()).hasSeconds(6);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new QuotaRules(Duration.ofSeconds(4), Duration.ofSeconds(5)))
                .hasMessageContaining("shorter than Gemini's minute (5 s)");
    }
}
