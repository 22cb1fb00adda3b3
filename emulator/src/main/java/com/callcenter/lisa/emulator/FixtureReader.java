package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Turns fixture files from the recorded fixtures (see {@link Fixtures}) into {@link ScriptedAnswer}s. */
final class FixtureReader {

    private FixtureReader() {}

    static ScriptedAnswer read(Path file) {
        byte[] bytes = readBytes(file);
        String name = file.getFileName().toString();
        String description = "fixture " + name;
        if (name.endsWith(".chunks.txt")) {
            return streamed(ScriptedAnswer.SSE, chunkLinesAsSse(bytes), description);
        }
        if (name.endsWith(".sse") || name.endsWith(".txt")) {
            return streamed(ScriptedAnswer.SSE, Framing.sseEvents(bytes), description);
        }
        if (!name.endsWith(".json")) {
            throw new IllegalArgumentException("unknown fixture type (want .json, .sse, .txt): " + file);
        }
        JsonNode root = parse(bytes, file);
        if (root.isArray()) {
            return streamed(ScriptedAnswer.JSON, Framing.jsonArrayElements(bytes), description);
        }
        return fixed(statusOf(root, file), bytes, description);
    }

    static ScriptedAnswer read(Path file, String member) {
        JsonNode root = parse(readBytes(file), file);
        String pointer = member.startsWith("/") ? member : "/" + member;
        JsonNode picked = root.at(pointer);
        if (picked.isMissingNode()) {
            throw new IllegalArgumentException("no member " + pointer + " in " + file + "; members: " + members(root));
        }
        int status;
        JsonNode body;
        if (picked.path("status").isInt() && picked.has("body")) { // {status, body} wrapper (vercel-ai)
            status = picked.get("status").asInt();
            body = picked.get("body");
        } else {
            status = statusOf(picked, file);
            body = picked;
        }
        byte[] bytes = Json.pretty(body).getBytes(StandardCharsets.UTF_8);
        return fixed(status, bytes, "fixture " + file.getFileName() + pointer);
    }

    /**
     * HTTP status for a response object: error.code for errors, 200 for GenerateContent-like ones.
     */
    private static int statusOf(JsonNode node, Path file) {
        if (node.path("error").isObject()) {
            return node.path("error").path("code").asInt(500);
        }
        if (node.has("method") && node.has("uri")) {
            throw new IllegalArgumentException("a recorded request, not a response: " + file);
        }
        for (String field : List.of("candidates", "promptFeedback", "usageMetadata", "totalTokens", "modelVersion")) {
            if (node.has(field)) {
                return 200;
            }
        }
        throw new IllegalArgumentException(file
                + " wraps several responses; pick one with ScriptedAnswer.fixture(file, member),"
                + " members: "
                + members(node));
    }

    /** vercel-ai stores a stream as one JSON chunk per line; frame each line as an SSE event. */
    private static List<byte[]> chunkLinesAsSse(byte[] bytes) {
        List<byte[]> events = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
            if (!line.isBlank()) {
                events.add(Framing.sseEvent(line));
            }
        }
        return events;
    }

    private static ScriptedAnswer fixed(int status, byte[] json, String description) {
        return new ScriptedAnswer(
                ScriptedAnswer.Mode.FIXED,
                status,
                ScriptedAnswer.JSON,
                List.of(json),
                null,
                Duration.ZERO,
                1,
                description);
    }

    private static ScriptedAnswer streamed(String contentType, List<byte[]> pieces, String description) {
        return new ScriptedAnswer(
                ScriptedAnswer.Mode.STREAMED, 200, contentType, pieces, null, Duration.ZERO, 1, description);
    }

    private static List<String> members(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode parse(byte[] bytes, Path file) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + file, e);
        }
    }
}
