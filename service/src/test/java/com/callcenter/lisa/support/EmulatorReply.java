package com.callcenter.lisa.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the emulator's default reply, {@code Hallo, hier ist Lisa! Ich habe 3 Nachrichten erhalten.
 * Ihre letzte Nachricht war: "..."}, which proves what history Gemini was sent.
 */
public final class EmulatorReply {

    private static final Pattern SHAPE = Pattern.compile(
            "Ich habe (\\d+) Nachricht(?:en)? erhalten\\. Ihre letzte Nachricht war: \"(.*)\"", Pattern.DOTALL);

    private EmulatorReply() {}

    /** How many {@code contents} entries Gemini received. */
    public static int contentsCount(String reply) {
        return Integer.parseInt(match(reply).group(1));
    }

    /** The last user message Gemini received. */
    public static String lastMessage(String reply) {
        return match(reply).group(2);
    }

    private static Matcher match(String reply) {
        Matcher matcher = SHAPE.matcher(reply);
        if (!matcher.find()) {
            throw new AssertionError("Not the emulator's default reply: " + reply);
        }
        return matcher;
    }
}
