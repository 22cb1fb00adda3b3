package com.callcenter.lisa.gemini;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Replaces the stack trace of a start without a key by one line that says what to set. */
public class MissingApiKeyFailureAnalyzer extends AbstractFailureAnalyzer<MissingApiKeyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingApiKeyException cause) {
        return new FailureAnalysis(
                "No Gemini API key: GEMINI_API_KEY is not set.",
                "Set GEMINI_API_KEY to a key from Google AI Studio, or start in demo mode with LISA_DEMO=true "
                        + "to use the built-in Gemini emulator.",
                cause);
    }
}
