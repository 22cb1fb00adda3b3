package com.callcenter.lisa.emulator;

/**
 * The emulator's stand-in tokenizer: a stable, documented function so tests can predict counts.
 * tokens(text) = ceil(UTF-16 length / 4); empty text has 0 tokens, any other text at least 1.
 */
final class Tokens {

    private Tokens() {}

    static int of(String text) {
        return (text.length() + 3) / 4;
    }

    /**
     * The longest prefix of {@code text} that costs at most {@code maxTokens} tokens, never cutting a
     * surrogate pair in half.
     */
    static String truncate(String text, int maxTokens) {
        long maxChars = (long) maxTokens * 4;
        if (text.length() <= maxChars) {
            return text;
        }
        int end = (int) maxChars;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
