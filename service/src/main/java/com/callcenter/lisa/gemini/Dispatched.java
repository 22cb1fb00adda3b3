package com.callcenter.lisa.gemini;

import java.math.BigDecimal;

/**
 * The outcome of a call made through the gateway.
 *
 * @param model       the model that answered
 * @param queueWaitMs time spent waiting for quota, retries' waits included
 * @param attempts    calls made to Gemini, the successful one included
 * @param costUsd     what the answered call cost by the price table ({@link PriceTable}); null when the
 *                    model has no price (unknown, not free)
 */
public record Dispatched<T>(T result, String model, long queueWaitMs, int attempts, BigDecimal costUsd) {

    public Dispatched(T result, String model, long queueWaitMs, int attempts) {
        this(result, model, queueWaitMs, attempts, null);
    }
}
