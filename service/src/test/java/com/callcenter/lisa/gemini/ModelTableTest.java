package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shipped model table ({@code gemini/models.yml}) loads and says what Google documents. */
class ModelTableTest {

    private final ModelTable table = ModelTable.load();

    @Test
    void flashLiteIgnoresSamplingAndRejectsPenalties() {
        ModelRules rules = table.rules("gemini-3.5-flash-lite");

        assertThat(rules.listed()).isTrue();
        assertThat(rules.family()).isEqualTo("Gemini 3");
        assertThat(rules.thinking()).isEqualTo(ModelRules.Thinking.LEVEL);
        assertThat(rules.thinkingLevels()).containsExactly("MINIMAL", "LOW", "MEDIUM", "HIGH");
        assertThat(rules.defaultThinkingLevel()).isEqualTo("MINIMAL");
        assertThat(rules.ignores())
                .isEqualTo(Set.of(GenerationSetting.TEMPERATURE, GenerationSetting.TOP_P, GenerationSetting.TOP_K));
        assertThat(rules.rejects())
                .isEqualTo(Set.of(GenerationSetting.FREQUENCY_PENALTY, GenerationSetting.PRESENCE_PENALTY));
        assertThat(rules.rejectsLastTurnFromModel()).isTrue();
        assertThat(rules.contextTokens()).isEqualTo(1_048_576);
        assertThat(rules.outputTokens()).isEqualTo(65_536);
        assertThat(rules.minCacheTokens()).isEqualTo(4_096);
        assertThat(rules.thoughtSignatures()).isTrue();
    }

    @Test
    void flash38HasNoMinimalLevelButKeepsItsFamilysOtherRules() {
        ModelRules rules = table.rules("gemini-3.8-flash");

        assertThat(rules.thinkingLevels()).containsExactly("LOW", "MEDIUM", "HIGH");
        assertThat(rules.ignores()).isEmpty();
        assertThat(rules.rejects()).isEmpty();
        assertThat(rules.rejectsLastTurnFromModel()).isFalse();
        assertThat(rules.minCacheTokens()).isEqualTo(4_096);
    }

    @Test
    void gemini25TakesABudgetAndCachesFromItsFamilysMinimum() {
        ModelRules rules = table.rules("gemini-2.5-flash-lite");

        assertThat(rules.family()).isEqualTo("Gemini 2.5");
        assertThat(rules.thinking()).isEqualTo(ModelRules.Thinking.BUDGET);
        assertThat(rules.thinkingLevels()).isEmpty();
        assertThat(rules.minCacheTokens()).isEqualTo(2_048);
        assertThat(rules.thoughtSignatures()).isFalse();
    }

    @Test
    void unlistedModelGetsItsFamilysRulesByPrefixOrNone() {
        ModelRules newer = table.rules("gemini-3.9-pro");
        assertThat(newer.listed()).isFalse();
        assertThat(newer.family()).isEqualTo("Gemini 3");
        assertThat(newer.thinking()).isEqualTo(ModelRules.Thinking.LEVEL);
        assertThat(newer.thinkingLevels()).contains("LOW");
        assertThat(newer.ignores()).isEmpty(); // 3.5-flash-lite's own rules are not its family's

        ModelRules stranger = table.rules("acme-chat-1");
        assertThat(stranger.known()).isFalse();
        assertThat(stranger.thinking()).isEqualTo(ModelRules.Thinking.UNKNOWN);
        assertThat(stranger.rejects()).isEmpty();
    }
}
