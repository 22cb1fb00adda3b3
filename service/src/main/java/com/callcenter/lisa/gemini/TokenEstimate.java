package com.callcenter.lisa.gemini;

/**
 * A local estimate of Gemini's token count, used before a call (trimming the history, later the
 * input-token budget) where asking Gemini's countTokens would itself spend a request.
 * About four characters a token, Google's own rule of thumb for Latin script.
 */
public final class TokenEstimate {

    private TokenEstimate() {}

    public static int of(String text) {
        return text.isEmpty() ? 0 : (text.length() + 3) / 4;
    }
}
