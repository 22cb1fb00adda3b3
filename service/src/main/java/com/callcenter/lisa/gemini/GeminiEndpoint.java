package com.callcenter.lisa.gemini;

import com.callcenter.lisa.emulator.GeminiEmulator;

/**
 * Where the Gemini calls go: Google, or in demo mode the built-in emulator, which this object owns
 * and stops with the application.
 *
 * @param demo true when the answers come from the emulator, not from Google
 */
public record GeminiEndpoint(String baseUrl, String apiKey, boolean demo, GeminiEmulator emulator)
        implements AutoCloseable {

    @Override
    public void close() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Override
    public String toString() {
        return "GeminiEndpoint[baseUrl=" + baseUrl + ", demo=" + demo + "]";
    }
}
