package com.callcenter.lisa.emulator;

import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import java.util.List;

/** SDK clients built the way the service builds them: own base URL, pinned version, no retries. */
final class Sdk {

    private Sdk() {}

    /**
     * SDK 2.0.0 with {@code attempts(1)} still sleeps one backoff (0-2 s, random) after the only
     * attempt before it hands back a 408/429/5xx. An empty list of retryable status codes makes it
     * return at once; {@link SdkRetryOptionsTest} shows the difference.
     */
    static HttpRetryOptions noRetries() {
        return HttpRetryOptions.builder().attempts(1).httpStatusCodes(List.of()).build();
    }

    static Client client(GeminiEmulator emu) {
        return client(emu, "v1beta", EmulatorConfig.DEFAULT_API_KEY, 30_000);
    }

    static Client client(GeminiEmulator emu, String apiVersion) {
        return client(emu, apiVersion, EmulatorConfig.DEFAULT_API_KEY, 30_000);
    }

    static Client client(GeminiEmulator emu, String apiVersion, String apiKey, int timeoutMs) {
        return client(emu, apiVersion, apiKey, timeoutMs, noRetries());
    }

    static Client client(
            GeminiEmulator emu, String apiVersion, String apiKey, int timeoutMs, HttpRetryOptions retries) {
        return Client.builder()
                .apiKey(apiKey)
                .httpOptions(HttpOptions.builder()
                        .baseUrl(emu.baseUrl())
                        .apiVersion(apiVersion)
                        .timeout(timeoutMs)
                        .retryOptions(retries)
                        .build())
                .build();
    }
}
