package com.callcenter.lisa.text;

/**
 * Rules for text that comes from the app: the customer's message, and the persona name and metadata
 * of a session. Checked on arrival, before anything is stored or sent to Gemini, so that a message
 * the store cannot keep never costs a Gemini call.
 */
public final class IncomingText {

    private IncomingText() {}

    /**
     * Where the first character lies that the conversation store cannot keep, or -1 if there is none:
     * NUL (PostgreSQL text cannot hold it) and a UTF-16 surrogate without its pair (not a character
     * at all; PostgreSQL refuses it and H2 would keep a '?' instead).
     */
    public static int firstUnstorable(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the text can be stored as it is ({@link #firstUnstorable} finds nothing). */
    public static boolean isStorable(CharSequence text) {
        return firstUnstorable(text) < 0;
    }

    /**
     * Whether nobody would see any words in the text: it is empty or made only of white space of any
     * kind (no-break, figure, ideographic and narrow spaces, line and paragraph separators, NEL),
     * control and format characters (zero-width spaces and joiners, BOM, direction marks) and the
     * few other characters that render as nothing (Hangul fillers, variation selectors, ...).
     * {@link String#isBlank()} knows only part of these.
     */
    public static boolean isBlank(String text) {
        return text.codePoints().allMatch(IncomingText::invisible);
    }

    private static boolean invisible(int c) {
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return true;
        }
        int type = Character.getType(c);
        if (type == Character.CONTROL || type == Character.FORMAT) {
            return true;
        }
        return c == 0x034F // combining grapheme joiner
                || c == 0x115F
                || c == 0x1160 // Hangul choseong/jungseong fillers
                || c == 0x17B4
                || c == 0x17B5 // Khmer inherent vowels
                || (c >= 0x180B && c <= 0x180F) // Mongolian variation selectors and vowel separator
                || c == 0x2800 // Braille pattern blank
                || c == 0x3164
                || c == 0xFFA0 // Hangul fillers
                || (c >= 0xFE00 && c <= 0xFE0F) // variation selectors
                || (c >= 0xE0100 && c <= 0xE01EF); // variation selectors supplement
    }
}
