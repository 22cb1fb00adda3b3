package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Gemini 3 command-line options of the standalone emulator. */
class ModelRulesOptionsTest {

    @Test
    void theDefaultsRetireNothingAndCheckNoSignatures() {
        assertThat(EmulatorMain.parse().modelRules()).isEqualTo(ModelRules.DEFAULTS);
        assertThat(EmulatorMain.modelRulesLine(ModelRules.DEFAULTS)).isEmpty();
    }

    @Test
    void everyGemini3OptionIsRead() {
        ModelRules rules = EmulatorMain.parse(
                        "--retired",
                        "gemini-2.5-flash-lite:new-users",
                        "--retired=models/gemini-2.5-pro",
                        "--require-signatures",
                        "--cache-min-tokens",
                        "100",
                        "--cache-window-s",
                        "60")
                .modelRules();

        assertThat(rules.retired())
                .isEqualTo(Map.of(
                        "gemini-2.5-flash-lite", Retirement.NEW_USERS,
                        "gemini-2.5-pro", Retirement.NOT_FOUND));
        assertThat(rules.requireSignatures()).isTrue();
        assertThat(rules.cacheMinTokens()).isEqualTo(100);
        assertThat(rules.cacheWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(EmulatorMain.modelRulesLine(rules))
                .isEqualTo(" retired=gemini-2.5-flash-lite:new-users retired=gemini-2.5-pro require-signatures"
                        + " cache-min-tokens=100 cache-window=60 s");
    }

    @Test
    void badValuesAreRefusedWithAReason() {
        assertThatThrownBy(() -> EmulatorMain.parse("--retired", "gemini-2.5-pro:someday"))
                .hasMessageContaining("MODEL:new-users");
        assertThatThrownBy(() -> EmulatorMain.parse("--cache-min-tokens", "viele"))
                .hasMessageContaining("--cache-min-tokens wants a whole number");
        assertThatThrownBy(() -> EmulatorMain.parse("--cache-window-s", "0")).hasMessageContaining("must be positive");
    }

    @Test
    void theUsageNamesTheNewOptions() {
        assertThat(EmulatorMain.USAGE)
                .contains("--retired", "--require-signatures", "--cache-min-tokens", "--cache-window-s");
    }
}
