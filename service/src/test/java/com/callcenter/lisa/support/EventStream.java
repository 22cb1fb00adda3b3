package com.callcenter.lisa.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server-sent events client for the streaming chat: the JDK {@code HttpClient} reading the event
 * stream line by line as it arrives, each event stamped with the moment it was read.
 */
public final class EventStream {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One event; {@code receivedNanos} is {@link System#nanoTime()} when its blank line was read. */
    public record Event(String name, String data, long receivedNanos) {

        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    /** The response: events if it was a 200 stream, else the (problem) body. */
    public record Result(int status, String contentType, String retryAfter, List<Event> events, String body) {

        public List<Event> named(String name) {
            return events.stream().filter(e -> e.name().equals(name)).toList();
        }

        public Event only(String name) {
            List<Event> found = named(name);
            if (found.size() != 1) {
                throw new AssertionError("Expected one '" + name + "' event, got " + events);
            }
            return found.getFirst();
        }

        public String deltaText() {
            return named("delta").stream()
                    .map(e -> e.json().get("text").asString())
                    .collect(Collectors.joining());
        }

        public Event last() {
            return events.getLast();
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private EventStream() {}

    /** Sends a chat message asking for {@code text/event-stream} and reads the stream to its end. */
    public static Result chat(int port, String sessionId, String message, Map<String, String> headers) {
        return chat(port, sessionId, message, headers, event -> {});
    }

    /**
     * Like {@link #chat(int, String, String, Map)}, and hands each event to {@code seen} as soon as it is
     * read, so that a test can wait for what a client has been told so far while the stream goes on.
     */
    public static Result chat(
            int port, String sessionId, String message, Map<String, String> headers, Consumer<Event> seen) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/sessions/" + sessionId + "/chat"))
                .timeout(Duration.ofSeconds(150))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("message", message))));
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200 || !contentType.startsWith("text/event-stream")) {
                    return new Result(
                            response.statusCode(),
                            contentType,
                            retryAfter,
                            List.of(),
                            new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
                return new Result(
                        200,
                        contentType,
                        retryAfter,
                        read(body, event -> {
                            seen.accept(event);
                            return false;
                        }),
                        "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Result chat(int port, String sessionId, String message) {
        return chat(port, sessionId, message, Map.of());
    }

    /**
     * Sends a streaming chat message over a plain socket, reads events until {@code until} accepts one,
     * then closes the connection the way a phone losing its network or an app being killed would.
     *
     * @return the events read before hanging up
     */
    public static List<Event> chatAndHangUp(int port, String sessionId, String message, Predicate<Event> until) {
        byte[] body = JSON.writeValueAsString(Map.of("message", message)).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/sessions/" + sessionId + "/chat HTTP/1.1\r\n"
                            + "Host: 127.0.0.1:" + port + "\r\n"
                            + "Content-Type: application/json\r\n"
                            + "Accept: text/event-stream\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = reader.readLine();
            if (status == null || !status.contains(" 200 ")) {
                throw new AssertionError("Expected a 200 stream, got " + status);
            }
            String line;
            while ((line = reader.readLine()) != null && !line.isEmpty()) {
                // headers
            }
            List<Event> events = new ArrayList<>();
            readEvents(new ChunkedLines(reader), until, events);
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Event> read(InputStream body, Predicate<Event> until) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        List<Event> events = new ArrayList<>();
        readEvents(reader::readLine, until, events);
        return events;
    }

    private interface Lines {
        String next() throws IOException;
    }

    private static void readEvents(Lines lines, Predicate<Event> until, List<Event> events) throws IOException {
        String name = "message";
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = lines.next()) != null) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    Event event = new Event(name, data.toString(), System.nanoTime());
                    events.add(event);
                    if (until.test(event)) {
                        return;
                    }
                }
                name = "message";
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(line.substring(5).strip());
            }
            // lines starting with ':' are comments (keep-alives)
        }
    }

    /** Lines of a chunked HTTP/1.1 body read off a raw socket: the chunk-size lines are skipped. */
    private static final class ChunkedLines implements Lines {
        private final BufferedReader reader;
        private int left;

        ChunkedLines(BufferedReader reader) {
            this.reader = reader;
        }

        @Override
        public String next() throws IOException {
            // Events are written one flush at a time, so a chunk holds whole lines.
            while (left == 0) {
                String size = reader.readLine();
                if (size == null) {
                    return null;
                }
                if (size.isEmpty()) {
                    continue;
                }
                left = Integer.parseInt(size.strip(), 16);
                if (left == 0) {
                    return null;
                }
            }
            String line = reader.readLine();
            if (line == null) {
                return null;
            }
            left -= line.getBytes(StandardCharsets.UTF_8).length + 1;
            return line;
        }
    }
}
