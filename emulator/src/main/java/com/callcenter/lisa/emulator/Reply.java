package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The text the emulated model answers and why it stopped. The default text is deterministic and
 * reveals what the client sent, so a test can prove which history reached the model.
 */
record Reply(String text, String finishReason, ObjectNode functionCall) {

    Reply(String text, String finishReason) {
        this(text, finishReason, null);
    }

    /**
     * A reply that is one {@code functionCall} part ({@code {name, args}}), finishReason STOP, as a
     * model asks for a tool. Its text is "" (no candidate tokens but the call's own).
     */
    static Reply functionCall(String name, ObjectNode args) {
        ObjectNode call = Json.object();
        call.put("name", name);
        call.set("args", args);
        return new Reply("", STOP, call);
    }

    /** Tokens of the reply: its text, or the call's JSON for a function call. */
    int tokens() {
        return functionCall == null ? Tokens.of(text) : Tokens.of(Json.oneLine(functionCall));
    }

    static final String STOP = "STOP";
    static final String MAX_TOKENS = "MAX_TOKENS";

    /** Words per streamed chunk: several chunks for the default reply, like the real stream. */
    private static final int WORDS_PER_CHUNK = 4;

    /**
     * {@code Hallo, hier ist Lisa! Ich habe 3 Nachrichten erhalten. Ihre letzte Nachricht war: "..."}
     * ("1 Nachricht" in the singular).
     */
    static String lisaText(ModelRequest request) {
        int n = request.contentsCount();
        String messages = n == 1 ? "1 Nachricht" : n + " Nachrichten";
        return "Hallo, hier ist Lisa! Ich habe "
                + messages
                + " erhalten. Ihre letzte Nachricht war: \""
                + request.lastUserText()
                + "\"";
    }

    /** {@code text} cut to generationConfig.maxOutputTokens, if set, with finishReason MAX_TOKENS. */
    static Reply of(String text, ModelRequest request) {
        int max = request.maxOutputTokens();
        if (max > 0 && Tokens.of(text) > max) {
            return new Reply(Tokens.truncate(text, max), MAX_TOKENS);
        }
        return new Reply(text, STOP);
    }

    /**
     * The text in stream chunks of a few words each (whitespace stays with the word before it, so the
     * chunks concatenate to the text). Text with at least two characters gives at least two chunks.
     */
    List<String> chunks() {
        List<String> words = new ArrayList<>(List.of(text.split("(?<=\\s)(?=\\S)")));
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < words.size(); i += WORDS_PER_CHUNK) {
            chunks.add(String.join("", words.subList(i, Math.min(words.size(), i + WORDS_PER_CHUNK))));
        }
        if (chunks.size() == 1 && text.length() >= 2) {
            int middle = text.length() / 2;
            if (Character.isHighSurrogate(text.charAt(middle - 1))) {
                middle++;
            }
            if (middle < text.length()) {
                return List.of(text.substring(0, middle), text.substring(middle));
            }
        }
        return chunks;
    }
}
