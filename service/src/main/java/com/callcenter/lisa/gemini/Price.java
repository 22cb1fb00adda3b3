package com.callcenter.lisa.gemini;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * What Gemini charges for one model from a given day, in USD per 1 million tokens.
 *
 * @param since       the first day (UTC) the price applies
 * @param input       prompt tokens not served from the implicit cache
 * @param cachedInput prompt tokens Gemini reports as cached ({@code cachedContentTokenCount})
 * @param output      reply and thinking tokens (thinking is billed as output)
 * @param source      where the numbers come from, and whether they were verified
 */
public record Price(LocalDate since, BigDecimal input, BigDecimal cachedInput, BigDecimal output, String source) {

    public Price {
        if (since == null || input == null || cachedInput == null || output == null) {
            throw new IllegalArgumentException("A price needs since, input, cached-input and output");
        }
        if (input.signum() < 0 || cachedInput.signum() < 0 || output.signum() < 0) {
            throw new IllegalArgumentException("A price cannot be negative");
        }
    }
}
