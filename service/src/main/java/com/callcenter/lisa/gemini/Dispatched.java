package com.callcenter.lisa.gemini;

/**
 * The outcome of a call made through the gateway.
 *
 * @param model       the model that answered
 * @param queueWaitMs time spent waiting for quota, retries' waits included
 * @param attempts    calls made to Gemini, the successful one included
 */
public record Dispatched<T>(T result, String model, long queueWaitMs, int attempts) {
}
