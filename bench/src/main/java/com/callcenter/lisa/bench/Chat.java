package com.callcenter.lisa.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One client conversation through one of the three ways to reach the model. Stateless targets (the
 * emulator itself, Portkey) get the whole history in every request, as a client of a gateway must
 * send it; the service gets only the new message and keeps the history itself. Both start a new
 * conversation every {@code turnsPerConversation} turns, so the prompt stays the size of a real call
 * instead of growing without end; the service does that with a new session (its creation is part of
 * the measured work, but not of any turn's latency).
 */
final class Chat {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "gemini-2.5-flash-lite";
    static final String API_KEY = "emulator-key";
    /** What the emulator's --stamp-chunks puts in front of each streamed chunk (EmulatorConfig.STAMP_PREFIX). */
    static final String STAMP_PREFIX = "[emu-t=";

    /** The three ways to the model that are compared. */
    enum Target {
        DIRECT("(a) emulator directly"),
        SERVICE("(b) Lisa service"),
        PORTKEY("(c) Portkey gateway");

        final String label;

        Target(String label) {
            this.label = label;
        }
    }

    /**
     * Where everything listens, what the service's clients send as credentials, and the persona prompt the
     * service sends, so the stateless bodies match its upstream calls.
     */
    record Endpoints(
            String emulator, String service, Auth.Credentials credentials, String portkey, String systemPrompt) {}

    private final Target target;
    private final Endpoints endpoints;
    private final HttpClient http;
    private final int id;
    private final int turnsPerConversation;
    /** The service client's {@code Authorization} header (its own owner), or null. */
    private final String authorization;

    private final List<String[]> history = new ArrayList<>(); // {user, model}
    private String sessionId;
    private int inConversation = -1; // turns taken in the current conversation; -1 before the first
    private int conversations;

    Chat(Target target, Endpoints endpoints, HttpClient http, int id, int turnsPerConversation) {
        this.target = target;
        this.endpoints = endpoints;
        this.http = http;
        this.id = id;
        this.turnsPerConversation = turnsPerConversation;
        // Made (signed, or created through the admin API) here, before any timed turn.
        this.authorization = target == Target.SERVICE ? endpoints.credentials().authorization(id) : null;
    }

    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Starts a new conversation if the current one is full; not part of a turn's latency. */
    void prepare() throws Exception {
        if (inConversation < 0 || inConversation >= turnsPerConversation) {
            history.clear();
            conversations++;
            inConversation = 0;
            if (target == Target.SERVICE) {
                HttpResponse<String> created =
                        send(authorized(HttpRequest.newBuilder(URI.create(endpoints.service() + "/api/v1/sessions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))));
                sessionId = JSON.readTree(created.body()).get("id").asText();
            }
        }
    }

    /** One unary turn; returns the reply text. Call {@link #prepare()} first. */
    String turn() throws Exception {
        String message = message();
        HttpResponse<String> response = send(request(message, false));
        JsonNode body = JSON.readTree(response.body());
        String reply = switch (target) {
            case DIRECT ->
                body.path("candidates")
                        .path(0)
                        .path("content")
                        .path("parts")
                        .path(0)
                        .path("text")
                        .asText();
            case SERVICE -> body.path("reply").asText();
            case PORTKEY ->
                body.path("choices").path(0).path("message").path("content").asText();
        };
        history.add(new String[] {message, reply});
        inConversation++;
        return reply;
    }

    /** What a streamed turn showed: for each stamped chunk, nanoseconds from the emulator writing it to this client reading it. */
    record Streamed(List<Long> chunkDelaysNanos, long firstEventNanos) {}

    /**
     * One streamed turn. Reads the event stream line by line and takes {@link System#nanoTime()} as
     * soon as a line with an emulator stamp arrives: on Linux that is CLOCK_MONOTONIC, the clock the
     * emulator (another process on this machine) stamped the chunk with.
     */
    Streamed streamTurn() throws Exception {
        String message = message();
        long sent = System.nanoTime();
        HttpResponse<InputStream> response =
                http.send(request(message, true).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(target + " answered " + response.statusCode() + ": "
                    + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        List<Long> delays = new ArrayList<>();
        long firstEvent = -1;
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            String event = "message";
            while ((line = lines.readLine()) != null) {
                long now = System.nanoTime();
                if (firstEvent < 0 && !line.isEmpty()) {
                    firstEvent = now - sent;
                }
                if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).strip();
                } else if (line.isEmpty()) {
                    event = "message";
                }
                int at = line.indexOf(STAMP_PREFIX);
                // The service's final "done" event repeats the whole reply, stamps included: not a chunk.
                if (at >= 0 && !event.equals("done")) {
                    int end = line.indexOf(']', at);
                    delays.add(now - Long.parseLong(line.substring(at + STAMP_PREFIX.length(), end)));
                }
                if (line.startsWith("event: error")) {
                    throw new IllegalStateException(target + " sent an error event: " + lines.readLine());
                }
            }
        }
        history.add(new String[] {message, ""});
        inConversation++;
        return new Streamed(delays, firstEvent);
    }

    private String message() {
        return "Gespräch " + id + "." + conversations + ", Frage " + (inConversation + 1)
                + ": Was kostet der Tarif Strom Basis im Monat, und gibt es einen Bonus für Neukunden?";
    }

    private HttpRequest.Builder request(String message, boolean stream) throws Exception {
        return switch (target) {
            case DIRECT -> {
                ObjectNode body = JSON.createObjectNode();
                body.putObject("systemInstruction")
                        .putArray("parts")
                        .addObject()
                        .put("text", endpoints.systemPrompt());
                ArrayNode contents = body.putArray("contents");
                for (String[] turn : history) {
                    contents.addObject()
                            .put("role", "user")
                            .putArray("parts")
                            .addObject()
                            .put("text", turn[0]);
                    contents.addObject()
                            .put("role", "model")
                            .putArray("parts")
                            .addObject()
                            .put("text", turn[1]);
                }
                contents.addObject()
                        .put("role", "user")
                        .putArray("parts")
                        .addObject()
                        .put("text", message);
                body.putObject("generationConfig").put("maxOutputTokens", 1024);
                String path = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
                yield post(endpoints.emulator() + "/v1beta/models/" + MODEL + path, body.toString())
                        .header("x-goog-api-key", API_KEY);
            }
            case SERVICE -> {
                HttpRequest.Builder builder = post(
                        endpoints.service() + "/api/v1/sessions/" + sessionId + "/chat",
                        JSON.createObjectNode().put("message", message).toString());
                authorized(builder);
                yield stream ? builder.header("Accept", "text/event-stream") : builder;
            }
            case PORTKEY -> {
                ObjectNode body = JSON.createObjectNode().put("model", MODEL).put("max_tokens", 1024);
                if (stream) {
                    body.put("stream", true);
                }
                ArrayNode messages = body.putArray("messages");
                messages.addObject().put("role", "system").put("content", endpoints.systemPrompt());
                for (String[] turn : history) {
                    messages.addObject().put("role", "user").put("content", turn[0]);
                    messages.addObject().put("role", "assistant").put("content", turn[1]);
                }
                messages.addObject().put("role", "user").put("content", message);
                yield post(endpoints.portkey() + "/v1/chat/completions", body.toString())
                        .header("x-portkey-provider", "google")
                        .header("x-portkey-custom-host", endpoints.emulator())
                        .header("Authorization", "Bearer " + API_KEY);
            }
        };
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return Auth.authorized(request, authorization);
    }

    private static HttpRequest.Builder post(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(target + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }
}
