package com.callcenter.lisa.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts response bodies into the pieces that are written and flushed one by one, with the chunk gap
 * between them. Cutting never changes a byte: the pieces concatenate to the input.
 */
final class Framing {

    private Framing() {}

    /** "data: <json>" + CRLF CRLF, the event framing of the real API. */
    static byte[] sseEvent(String oneLineJson) {
        return ("data: " + oneLineJson + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** SSE events: a cut after every blank line ("\n\n" or "\r\n\r\n"). */
    static List<byte[]> sseEvents(byte[] body) {
        List<byte[]> events = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            int end = blankLineEndingAt(body, i);
            if (end > 0) {
                events.add(Arrays.copyOfRange(body, start, end));
                start = end;
                i = end - 1;
            }
        }
        if (start < body.length) {
            events.add(Arrays.copyOfRange(body, start, body.length));
        }
        return events;
    }

    /**
     * Elements of a streamed JSON array ({@code [{...}\n,\r\n{...}\n]}): a cut before every "\n,"
     * that separates two top-level elements, so each piece after the first starts with the separator.
     */
    static List<byte[]> jsonArrayElements(byte[] body) {
        List<byte[]> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i + 1 < body.length; i++) {
            if (body[i] == '\n' && body[i + 1] == ',' && i > start) {
                pieces.add(Arrays.copyOfRange(body, start, i));
                start = i;
            }
        }
        pieces.add(Arrays.copyOfRange(body, start, body.length));
        return pieces;
    }

    /** Index just past a blank line that starts at {@code i}'s line break, or -1. */
    private static int blankLineEndingAt(byte[] b, int i) {
        if (b[i] == '\n' && i + 1 < b.length && b[i + 1] == '\n') {
            return i + 2;
        }
        if (b[i] == '\r' && i + 3 < b.length && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
            return i + 4;
        }
        return -1;
    }

    static byte[] concat(List<byte[]> pieces) {
        int length = pieces.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, all, at, piece.length);
            at += piece.length;
        }
        return all;
    }
}
