package com.callcenter.lisa.quota;

import java.math.BigDecimal;

/**
 * The spend budget as health shows it, in USD over the rolling window (Google's 10 minutes plus the
 * margin of {@code lisa.quota.window}): the estimates of requests still running included, corrected to
 * Gemini's counts as their answers come.
 *
 * @param budgetUsd     {@code lisa.quota.spend-per-10min}
 * @param usedUsd       charged in the window
 * @param leftUsd       what may still be charged now
 * @param windowSeconds the window's length
 */
public record SpendState(BigDecimal budgetUsd, BigDecimal usedUsd, BigDecimal leftUsd, long windowSeconds) {

    static SpendState of(long budgetMicros, long usedMicros, long windowSeconds) {
        return new SpendState(
                usd(budgetMicros), usd(usedMicros), usd(Math.max(0, budgetMicros - usedMicros)), windowSeconds);
    }

    private static BigDecimal usd(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }
}
