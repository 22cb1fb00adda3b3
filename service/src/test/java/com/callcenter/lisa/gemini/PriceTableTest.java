package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The price table of gemini/prices.yml, its dated prices and the configuration's overrides. */
class PriceTableTest {

    private static final Clock NOV_29 = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void theTableHasTodaysModelsWithDateAndSource() {
        PriceTable table = PriceTable.load(new MockEnvironment(), NOV_29);

        Price lite = table.price("gemini-3.5-flash-lite").orElseThrow();
        assertThat(lite.input()).isEqualByComparingTo("0.30");
        assertThat(lite.cachedInput()).isEqualByComparingTo("0.03");
        assertThat(lite.output()).isEqualByComparingTo("2.50");
        assertThat(lite.source()).contains("reported, verify");
        assertThat(table.knows("gemini-3.6-flash")).isTrue();
        assertThat(table.knows("gemini-2.5-flash-lite")).isFalse();
    }

    @Test
    void gemini38FlashCostsDoubleFromTheLastDayOf2026() {
        PriceTable table = PriceTable.load(new MockEnvironment(), NOV_29);

        assertThat(table.price("gemini-3.8-flash", LocalDate.parse("2026-12-30"))
                        .orElseThrow()
                        .input())
                .isEqualByComparingTo("0.75");
        assertThat(table.price("gemini-3.8-flash", LocalDate.parse("2026-12-31"))
                        .orElseThrow()
                        .input())
                .isEqualByComparingTo("1.50");
        assertThat(table.price("gemini-3.8-flash", LocalDate.parse("2026-12-31"))
                        .orElseThrow()
                        .output())
                .isEqualByComparingTo("7.50");
    }

    @Test
    void aCallsCostIsExactAndAModelWithoutAPriceHasNone() {
        PriceTable table = PriceTable.load(new MockEnvironment(), NOV_29);
        TokenUsage usage = new TokenUsage(5000, 200, 5264, 4000, 64);

        // (1,000 × 0.30 + 4,000 × 0.03 + 264 × 2.50) / 10⁶
        assertThat(table.cost("gemini-3.5-flash-lite", usage)).contains(new BigDecimal("0.001080000000"));
        assertThat(table.actualMicros("gemini-3.5-flash-lite", usage)).isEqualTo(1080);
        assertThat(table.cost("gemini-2.5-flash-lite", usage)).isEmpty();
        assertThat(table.actualMicros("gemini-2.5-flash-lite", usage)).isZero();
        // Before sending: 1,000 input tokens at the full price + a reply cap of 200 at the output price.
        assertThat(table.estimateMicros("gemini-3.5-flash-lite", 1000, 200)).isEqualTo(300 + 500);
        // 1 token at 0.30 is 0.3 micro-dollars: rounded up, never down.
        assertThat(table.estimateMicros("gemini-3.5-flash-lite", 1, 0)).isEqualTo(1);
    }

    @Test
    void theConfigurationOverridesAPriceAndCanPriceAModelTheTableLacks() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("lisa.gemini.prices.[gemini-3.5-flash-lite].input", "0.25")
                .withProperty("lisa.gemini.prices.[gemini-2.5-flash-lite].input", "0.10")
                .withProperty("lisa.gemini.prices.[gemini-2.5-flash-lite].cached-input", "0.025")
                .withProperty("lisa.gemini.prices.[gemini-2.5-flash-lite].output", "0.40");

        PriceTable table = PriceTable.load(environment, NOV_29);

        Price lite = table.price("gemini-3.5-flash-lite").orElseThrow();
        assertThat(lite.input()).isEqualByComparingTo("0.25");
        assertThat(lite.output()).isEqualByComparingTo("2.50");
        assertThat(lite.source()).startsWith("configuration");
        assertThat(table.price("gemini-2.5-flash-lite").orElseThrow().output()).isEqualByComparingTo("0.40");
    }

    @Test
    void anOverrideForAModelWithoutAPriceNeedsAllThreeFields() {
        MockEnvironment environment =
                new MockEnvironment().withProperty("lisa.gemini.prices.[gemini-9-flash].input", "0.10");

        assertThatThrownBy(() -> PriceTable.load(environment, NOV_29))
                .hasMessageContaining("gemini-9-flash")
                .hasMessageContaining("cached-input");
    }
}
