package com.callcenter.lisa.emulator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A programmed answer for the next model call (generateContent or streamGenerateContent; never
 * countTokens). Queued with {@link GeminiEmulator#script}; each answer is used by exactly one call,
 * in FIFO order. A scripted answer replaces the normal reply and bypasses the quota and the
 * configured latency (use {@link #delayed} for a slow answer); API key, model and body checks still
 * come first, so a rejected request does not use up the script.
 *
 * <p>Immutable: {@link #delayed}, {@link #times} and {@link #dropAfterBytes} return new answers.
 */
public final class ScriptedAnswer {

    static final String JSON = "application/json; charset=UTF-8";
    static final String SSE = "text/event-stream";

    /** How the answer is written. */
    enum Mode {
        /** One body with Content-Length. */
        FIXED,
        /** Chunked transfer; each piece flushed, with the configured chunk gap between pieces. */
        STREAMED,
        /** Chunked transfer; after the pieces the connection is closed without finishing the body. */
        DROP,
        /**
         * The emulator's own reply format (unary, SSE or JSON array, as the call asks) with given text.
         */
        REPLY,
        /**
         * The emulator's reply format with one {@code functionCall} part: name in replyText, the args
         * JSON object as the single piece.
         */
        FUNCTION_CALL
    }

    private final Mode mode;
    private final int status;
    private final String contentType;
    private final List<byte[]> pieces;
    private final String replyText;
    private final Duration delay;
    private final int repeat;
    private final String description;

    ScriptedAnswer(
            Mode mode,
            int status,
            String contentType,
            List<byte[]> pieces,
            String replyText,
            Duration delay,
            int repeat,
            String description) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        this.mode = mode;
        this.status = status;
        this.contentType = contentType;
        this.pieces = pieces.stream().map(byte[]::clone).toList();
        this.replyText = replyText;
        this.delay = delay;
        this.repeat = repeat;
        this.description = description;
    }

    /**
     * Replays a fixture file byte for byte, working out status and content type from the file: {@code
     * .sse} and {@code .txt} are SSE bodies (200, text/event-stream, events flushed one by one);
     * {@code .chunks.txt} holds one JSON chunk per line and is framed as SSE events; a {@code .json}
     * array is a streamed JSON array (200, application/json); a {@code .json} object with an {@code
     * error} is sent with status {@code error.code}; any other response object with 200. Files that
     * wrap several responses need {@link #fixture(Path, String)}.
     *
     * @throws IllegalArgumentException for request recordings, wrapper files and unknown file types
     */
    public static ScriptedAnswer fixture(Path file) {
        return FixtureReader.read(file);
    }

    /**
     * One response out of a file that wraps several, picked by top-level member name or JSON pointer
     * ("low", "/reasoningNoneResponse"). A {@code {status, body}} wrapper gives that status and body;
     * an error object gives status {@code error.code}; anything else 200. The picked JSON is
     * re-serialized (pretty-printed), so it is the same JSON but not the same bytes as in the file.
     */
    public static ScriptedAnswer fixture(Path file, String member) {
        return FixtureReader.read(file, member);
    }

    /** A plain JSON answer, e.g. an error body, with Content-Length. */
    public static ScriptedAnswer status(int status, String jsonBody) {
        return new ScriptedAnswer(
                Mode.FIXED, status, JSON, List.of(utf8(jsonBody)), null, Duration.ZERO, 1, "status " + status);
    }

    /**
     * A 200 text/event-stream answer; events (separated by blank lines) are sent with the chunk gap.
     */
    public static ScriptedAnswer sse(String sseBody) {
        return new ScriptedAnswer(
                Mode.STREAMED, 200, SSE, Framing.sseEvents(utf8(sseBody)), null, Duration.ZERO, 1, "sse");
    }

    /**
     * Sends the headers (chunked transfer) and {@code partialBody}, then closes the connection
     * without finishing the body: the client sees the stream break, as when a proxy or the network
     * drops it.
     */
    public static ScriptedAnswer dropAfter(String partialBody, int status, String contentType) {
        return new ScriptedAnswer(
                Mode.DROP,
                status,
                Objects.requireNonNull(contentType, "contentType"),
                List.of(utf8(partialBody)),
                null,
                Duration.ZERO,
                1,
                "drop after " + utf8(partialBody).length + " bytes");
    }

    /**
     * A normal successful answer with this text instead of Lisa's default sentence, in whatever form
     * the call asks for (unary JSON, SSE chunks or JSON array), with the usual usage metadata and
     * maxOutputTokens handling.
     */
    public static ScriptedAnswer text(String replyText) {
        return new ScriptedAnswer(
                Mode.REPLY, 200, null, List.of(), Objects.requireNonNull(replyText), Duration.ZERO, 1, "text");
    }

    /**
     * A successful answer whose text is not JSON (a JSON object cut off in the middle), for a client
     * that asked for structured output and must cope with a model that broke the format.
     */
    public static ScriptedAnswer invalidJson() {
        return text("{\"outcome\": \"SOLD\", \"summary\": \"Der Kunde");
    }

    /**
     * A successful answer whose only part is {@code functionCall {name, args}}, in whatever form the
     * call asks for; a Gemini 3 model signs the part with a thoughtSignature, which a later request
     * must send back with the call (see {@link GeminiEmulator#requireSignatures(boolean)}).
     *
     * @param argsJson the arguments as a JSON object, e.g. {@code {"city": "Berlin"}}
     */
    public static ScriptedAnswer functionCall(String name, String argsJson) {
        Objects.requireNonNull(name, "name");
        try {
            if (!Json.MAPPER.readTree(argsJson).isObject()) {
                throw new IllegalArgumentException("args must be a JSON object: " + argsJson);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("args are not JSON: " + argsJson, e);
        }
        return new ScriptedAnswer(
                Mode.FUNCTION_CALL, 200, null, List.of(utf8(argsJson)), name, Duration.ZERO, 1, "functionCall " + name);
    }

    /** The same answer, sent after waiting {@code beforeFirstByte}. */
    public ScriptedAnswer delayed(Duration beforeFirstByte) {
        if (beforeFirstByte.isNegative()) {
            throw new IllegalArgumentException("negative delay");
        }
        return new ScriptedAnswer(mode, status, contentType, pieces, replyText, beforeFirstByte, repeat, description);
    }

    /** The same answer for the next {@code n} calls instead of one. */
    public ScriptedAnswer times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be >= 1");
        }
        return new ScriptedAnswer(mode, status, contentType, pieces, replyText, delay, n, description);
    }

    /**
     * The first {@code n} bytes of this answer's body, then a dropped connection: for example a
     * recorded SSE stream that breaks in the middle of an event.
     */
    public ScriptedAnswer dropAfterBytes(int n) {
        if (mode == Mode.REPLY || mode == Mode.FUNCTION_CALL) {
            throw new IllegalStateException("a text() or functionCall() answer has no fixed bytes to cut");
        }
        byte[] all = Framing.concat(pieces);
        if (n < 0 || n > all.length) {
            throw new IllegalArgumentException("n must be within 0.." + all.length);
        }
        return new ScriptedAnswer(
                Mode.DROP,
                status,
                contentType,
                List.of(Arrays.copyOf(all, n)),
                null,
                delay,
                repeat,
                description + ", dropped after " + n + " bytes");
    }

    /** HTTP status sent (200 for {@link #text}). */
    public int httpStatus() {
        return status;
    }

    /** Content-Type sent; null for {@link #text}, whose type depends on the call. */
    public String contentType() {
        return contentType;
    }

    /** The bytes that will be sent, as UTF-8 text ("" for {@link #text}). */
    public String body() {
        return new String(Framing.concat(pieces), StandardCharsets.UTF_8);
    }

    public Duration delay() {
        return delay;
    }

    /** How many calls this answer serves. */
    public int repeat() {
        return repeat;
    }

    Mode mode() {
        return mode;
    }

    List<byte[]> pieces() {
        return pieces;
    }

    String replyText() {
        return replyText;
    }

    @Override
    public String toString() {
        return "ScriptedAnswer[" + description + ", status " + status + ", delay " + delay + ", x" + repeat + "]";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
