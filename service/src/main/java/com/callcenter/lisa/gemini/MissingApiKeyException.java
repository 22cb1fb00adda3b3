package com.callcenter.lisa.gemini;

/** The service was started for real Gemini without a key. */
class MissingApiKeyException extends RuntimeException {

    MissingApiKeyException() {
        super("GEMINI_API_KEY is not set");
    }
}
