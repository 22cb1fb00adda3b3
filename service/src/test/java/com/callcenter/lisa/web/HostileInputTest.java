package com.callcenter.lisa.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.ServiceTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests a hostile client sends, over real HTTP (and raw bytes on a socket where an HTTP client
 * would refuse to send them): every one gets a problem object with a stable type, nothing about the
 * server or its exceptions, and none of them reaches Gemini or changes the session.
 */
@Tag("database")
class HostileInputTest extends ServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A Java class name such as {@code java.net.ConnectException} or {@code tools.jackson.core.X}. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*");

    private static final String CHAT = "/api/v1/sessions/{id}/chat";
    private static final String SESSIONS = "/api/v1/sessions";

    /** A request body as bytes (so it can be invalid UTF-8), where it goes and the problem it must get. */
    record Hostile(String name, String path, byte[] body, int status, String type) {

        static Hostile json(String name, String path, String body, int status, String type) {
            return new Hostile(name, path, body.getBytes(StandardCharsets.UTF_8), status, type);
        }

        /** A message whose text (Java string) is sent properly JSON-encoded. */
        static Hostile message(String name, String message, int status, String type) {
            return json(name, CHAT, Api.json(Map.of("message", message)), status, type);
        }

        static Hostile bytes(
                String name, String path, String before, byte[] raw, String after, int status, String type) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(raw);
            out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
            return new Hostile(name, path, out.toByteArray(), status, type);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Hostile> wrongTypes() {
        return Stream.of(
                Hostile.json("message is an integer", CHAT, "{\"message\": 1}", 400, "invalid-request"),
                Hostile.json("message is a boolean", CHAT, "{\"message\": true}", 400, "invalid-request"),
                Hostile.json("message is a decimal", CHAT, "{\"message\": 1.5}", 400, "invalid-request"),
                Hostile.json(
                        "message is an object", CHAT, "{\"message\": {\"text\": \"Hallo\"}}", 400, "invalid-request"),
                Hostile.json("message is an array", CHAT, "{\"message\": [\"Hallo\"]}", 400, "invalid-request"),
                Hostile.json(
                        "message given twice",
                        CHAT,
                        "{\"message\": \"Hallo\", \"message\": \"Tschüss\"}",
                        400,
                        "invalid-request"),
                Hostile.json("body is true", CHAT, "true", 400, "invalid-request"),
                Hostile.json("body is a decimal", CHAT, "1.5", 400, "invalid-request"),
                Hostile.json("body is a string", CHAT, "\"Hallo\"", 400, "invalid-request"),
                Hostile.json("body is null", CHAT, "null", 400, "invalid-request"),
                Hostile.json("body is an array", CHAT, "[]", 400, "invalid-request"),
                Hostile.json("persona is an integer", SESSIONS, "{\"persona\": 1}", 400, "invalid-request"),
                Hostile.json("persona is a boolean", SESSIONS, "{\"persona\": false}", 400, "invalid-request"),
                Hostile.json("persona is an object", SESSIONS, "{\"persona\": {}}", 400, "invalid-request"),
                Hostile.json("metadata is a string", SESSIONS, "{\"metadata\": \"x\"}", 400, "invalid-request"),
                Hostile.json("metadata is an empty string", SESSIONS, "{\"metadata\": \"\"}", 400, "invalid-request"),
                Hostile.json("metadata is an integer", SESSIONS, "{\"metadata\": 1}", 400, "invalid-request"),
                Hostile.json("metadata is an array", SESSIONS, "{\"metadata\": [\"a\"]}", 400, "invalid-request"),
                Hostile.json(
                        "metadata value is an integer", SESSIONS, "{\"metadata\": {\"a\": 1}}", 400, "invalid-request"),
                Hostile.json(
                        "metadata value is a boolean",
                        SESSIONS,
                        "{\"metadata\": {\"a\": true}}",
                        400,
                        "invalid-request"),
                Hostile.json(
                        "metadata value is a decimal",
                        SESSIONS,
                        "{\"metadata\": {\"a\": 1.5}}",
                        400,
                        "invalid-request"),
                Hostile.json(
                        "metadata value is an object", SESSIONS, "{\"metadata\": {\"a\": {}}}", 400, "invalid-request"),
                Hostile.json(
                        "metadata value is an array",
                        SESSIONS,
                        "{\"metadata\": {\"a\": [\"b\"]}}",
                        400,
                        "invalid-request"),
                Hostile.json("session body is a number", SESSIONS, "42", 400, "invalid-request"));
    }

    static Stream<Hostile> invisibleMessages() {
        Map<String, String> blanks = new LinkedHashMap<>();
        blanks.put("no-break space U+00A0", "\u00A0");
        blanks.put("figure space U+2007", "\u2007");
        blanks.put("narrow no-break space U+202F", "\u202F");
        blanks.put("next line U+0085", "\u0085");
        blanks.put("line separator U+2028", "\u2028");
        blanks.put("paragraph separator U+2029", "\u2029");
        blanks.put("ideographic space U+3000", "\u3000");
        blanks.put("byte order mark U+FEFF", "\uFEFF");
        blanks.put("zero-width space U+200B", "\u200B");
        blanks.put("zero-width non-joiner U+200C", "\u200C");
        blanks.put("zero-width joiner U+200D", "\u200D");
        blanks.put("word joiner U+2060", "\u2060");
        blanks.put("Mongolian vowel separator U+180E", "\u180E");
        blanks.put("soft hyphen U+00AD", "\u00AD");
        blanks.put("Hangul filler U+3164", "\u3164");
        blanks.put("Braille blank U+2800", "\u2800");
        blanks.put("left-to-right mark U+200E", "\u200E");
        blanks.put("a mix of them", " \u00A0\t\u2007\n\u202F\u3000\uFEFF\u200B\r\u2029 ");
        return blanks.entrySet().stream()
                .map(blank -> Hostile.message(
                        "message of " + blank.getKey(), blank.getValue().repeat(3), 400, "blank-message"));
    }

    static Stream<Hostile> unstorableText() {
        return Stream.of(
                Hostile.json("NUL in the message", CHAT, "{\"message\": \"Hallo\\u0000Welt\"}", 400, "invalid-text"),
                Hostile.json("message of NUL only", CHAT, "{\"message\": \"\\u0000\"}", 400, "invalid-text"),
                Hostile.json("lone high surrogate", CHAT, "{\"message\": \"Hallo \\ud800\"}", 400, "invalid-text"),
                Hostile.json("lone low surrogate", CHAT, "{\"message\": \"\\udc00 Hallo\"}", 400, "invalid-text"),
                Hostile.json(
                        "surrogates in the wrong order",
                        CHAT,
                        "{\"message\": \"\\udc00\\ud800\"}",
                        400,
                        "invalid-text"),
                Hostile.bytes(
                        "invalid UTF-8 byte 0xFF",
                        CHAT,
                        "{\"message\": \"Hallo ",
                        new byte[] {(byte) 0xFF},
                        "\"}",
                        400,
                        "invalid-text"),
                Hostile.bytes(
                        "UTF-8 sequence cut short",
                        CHAT,
                        "{\"message\": \"Hallo ",
                        new byte[] {(byte) 0xE2, (byte) 0x82},
                        "\"}",
                        400,
                        "invalid-text"),
                Hostile.bytes(
                        "UTF-8-encoded surrogate (CESU-8)",
                        CHAT,
                        "{\"message\": \"",
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        "\"}",
                        400,
                        "invalid-text"),
                Hostile.bytes(
                        "overlong UTF-8 NUL",
                        CHAT,
                        "{\"message\": \"Hallo ",
                        new byte[] {(byte) 0xC0, (byte) 0x80},
                        "\"}",
                        400,
                        "invalid-text"),
                Hostile.json("NUL in the persona", SESSIONS, "{\"persona\": \"li\\u0000sa\"}", 400, "invalid-text"),
                Hostile.json("lone surrogate as persona", SESSIONS, "{\"persona\": \"\\ud800\"}", 400, "invalid-text"),
                Hostile.json(
                        "NUL in a metadata value",
                        SESSIONS,
                        "{\"metadata\": {\"kunde\": \"4711\\u0000\"}}",
                        400,
                        "invalid-text"),
                Hostile.json(
                        "lone surrogate in a metadata value",
                        SESSIONS,
                        "{\"metadata\": {\"kunde\": \"\\udfff\"}}",
                        400,
                        "invalid-text"),
                Hostile.json(
                        "NUL in a metadata key",
                        SESSIONS,
                        "{\"metadata\": {\"ku\\u0000nde\": \"4711\"}}",
                        400,
                        "invalid-text"),
                Hostile.json(
                        "lone surrogate as metadata key",
                        SESSIONS,
                        "{\"metadata\": {\"\\ud800\": \"4711\"}}",
                        400,
                        "invalid-text"),
                Hostile.bytes(
                        "invalid UTF-8 in metadata",
                        SESSIONS,
                        "{\"metadata\": {\"kunde\": \"",
                        new byte[] {(byte) 0xC3, (byte) 0x28},
                        "\"}}",
                        400,
                        "invalid-text"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"wrongTypes", "invisibleMessages", "unstorableText"})
    void hostileBodyIs400BeforeGeminiOrTheStore(Hostile hostile) {
        String id = api.newSession();
        String path = hostile.path().replace("{id}", id);

        Api.Response response = api.send(HttpRequest.newBuilder(api.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(hostile.body())));

        assertCleanProblem(
                response.status(), response.headers().map(), response.body(), hostile.status(), hostile.type());
        assertThat(upstream.requests()).as("Gemini calls").isEmpty();
        JsonNode session = api.get("/api/v1/sessions/" + id).json();
        assertThat(session.get("status").asString()).isEqualTo("active");
        assertThat(session.get("messages")).isEmpty();
    }

    @Test
    void textThatOnlyLooksUnusualIsAcceptedAndStoredAsSent() {
        String id = api.newSession();
        String message = "Hallo\u00A0Welt 👋 \u200Bnoch da? \u3000 Grüße";

        Api.Response response = api.chat(id, message);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id)
                        .json()
                        .get("messages")
                        .get(0)
                        .get("content")
                        .asString())
                .isEqualTo(message);
        Api.Response created =
                api.post(SESSIONS, "{\"persona\": \"lisa\", \"metadata\": {\"kunde 👤\": \"Müller 🙂\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("metadata").get("kunde 👤").asString()).isEqualTo("Müller 🙂");
    }

    static Stream<String> errorPathMethods() {
        return Stream.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    }

    @ParameterizedTest(name = "{0} /error")
    @MethodSource("errorPathMethods")
    void errorPathIsAnUnknownPath(String method) {
        Api.Response response = api.send(HttpRequest.newBuilder(api.uri("/error"))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{}")));

        assertCleanProblem(response.status(), response.headers().map(), response.body(), 404, "not-found");
    }

    /** A request written byte for byte, and the problem it must get. */
    record Raw(String name, String request, int status, String type, boolean halfClose) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Raw> malformedRequests() {
        String host = "Host: localhost\r\n";
        String chat = "POST " + CHAT + " HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n";
        return Stream.of(
                new Raw("request line is garbage", "GARBAGE\r\n\r\n", 400, "invalid-request", false),
                new Raw(
                        "control character in the path",
                        "GET /api/v1/\u0001sessions HTTP/1.1\r\n" + host + "\r\n",
                        400,
                        "invalid-request",
                        false),
                new Raw(
                        "bad percent-encoding",
                        "GET /api/v1/sessions/%zz HTTP/1.1\r\n" + host + "\r\n",
                        400,
                        "invalid-request",
                        false),
                new Raw(
                        "path climbing above the root",
                        "GET /api/../../etc/passwd HTTP/1.1\r\n" + host + "\r\n",
                        400,
                        "invalid-request",
                        false),
                new Raw(
                        "space in a header name",
                        "GET /api/v1/health HTTP/1.1\r\n" + host + "Bad Header: x\r\n\r\n",
                        400,
                        "invalid-request",
                        false),
                new Raw(
                        "control character in a header value",
                        "GET /api/v1/health HTTP/1.1\r\n" + host + "X-Note: a\u0001b\r\n\r\n",
                        400,
                        "invalid-request",
                        false),
                new Raw(
                        "header larger than the limit",
                        "GET /api/v1/health HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n",
                        400,
                        "invalid-request",
                        false),
                new Raw("no Host header", "GET /api/v1/health HTTP/1.1\r\n\r\n", 400, "invalid-request", false),
                new Raw(
                        "two Host headers",
                        "GET /api/v1/health HTTP/1.1\r\n" + host + "Host: other\r\n\r\n",
                        400,
                        "invalid-request",
                        false),
                new Raw(
                        "invalid chunk size",
                        chat + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                        400,
                        "invalid-request",
                        false),
                new Raw(
                        "conflicting Content-Length headers",
                        chat + "Content-Length: 20\r\nContent-Length: 21\r\n\r\n{\"message\": \"Hallo\"}",
                        400,
                        "invalid-request",
                        false),
                new Raw(
                        "body shorter than its Content-Length",
                        chat + "Content-Length: 40\r\n\r\n{\"message\": \"Hal",
                        400,
                        "invalid-request",
                        true),
                new Raw(
                        "chunked body that ends early",
                        chat + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"message\": \"Hal",
                        400,
                        "invalid-request",
                        true),
                new Raw(
                        "unknown transfer coding",
                        chat + "Transfer-Encoding: gzip\r\n\r\n{}",
                        501,
                        "not-implemented",
                        false),
                new Raw(
                        "unsupported HTTP version",
                        "GET /api/v1/health HTTP/2.0\r\n" + host + "\r\n",
                        505,
                        "http-version-not-supported",
                        false),
                new Raw(
                        "unknown expectation",
                        "GET /api/v1/health HTTP/1.1\r\n" + host + "Expect: magic\r\n\r\n",
                        417,
                        "expectation-failed",
                        false),
                new Raw("TRACE", "TRACE /api/v1/health HTTP/1.1\r\n" + host + "\r\n", 405, "method-not-allowed", false),
                new Raw(
                        "TRACE on a chat",
                        "TRACE " + CHAT + " HTTP/1.1\r\n" + host + "\r\n",
                        405,
                        "method-not-allowed",
                        false),
                new Raw(
                        "unmapped path",
                        "GET /wp-admin/setup.php HTTP/1.1\r\n" + host + "\r\n",
                        404,
                        "not-found",
                        false),
                new Raw("error path", "GET /error HTTP/1.1\r\n" + host + "\r\n", 404, "not-found", false),
                new Raw(
                        "unmapped path asking for HTML",
                        "GET /admin HTTP/1.1\r\n" + host + "Accept: text/html\r\n\r\n",
                        404,
                        "not-found",
                        false),
                new Raw(
                        "error path asking for HTML",
                        "DELETE /error HTTP/1.1\r\n" + host + "Accept: text/html\r\n\r\n",
                        404,
                        "not-found",
                        false),
                new Raw(
                        "malformed chat asking for HTML",
                        chat + "Accept: text/html\r\nContent-Length: 8\r\n\r\nnot json",
                        406,
                        "not-acceptable",
                        false),
                new Raw(
                        "chat asking for an image",
                        chat + "Accept: image/png\r\nContent-Length: 20\r\n\r\n" + "{\"message\": \"Hallo\"}",
                        406,
                        "not-acceptable",
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedHttpGetsAProblemWithoutServerDetails(Raw raw) throws IOException {
        String id = api.newSession();

        RawResponse response = RawResponse.send(port, raw.request().replace("{id}", id), raw.halfClose());

        assertCleanProblem(response.status(), response.headers(), response.body(), raw.status(), raw.type());
        assertThat(upstream.requests()).as("Gemini calls").isEmpty();
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    @Test
    void replyLongerThanTheStoreKeepsIsAPermanent502AndStoresNothing() {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.status(200, geminiReply("x".repeat(1_000_001))));

        Api.Response response = api.chat(id, "Erzähl mir alles.");

        assertCleanProblem(response.status(), response.headers().map(), response.body(), 502, "reply-too-long");
        assertThat(response.header("Retry-After")).isNull();
        assertThat(response.json().get("detail").asString()).contains("1000001").contains("1000000");
        assertThat(upstream.requests()).as("not retried").hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();

        // The session goes on: the next reply is stored as usual.
        assertThat(api.chat(id, "Kurz bitte.").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void replyOfExactlyTheStoresLimitIsStored() {
        String id = api.newSession();
        String longest = "y".repeat(1_000_000);
        upstream.script(ScriptedAnswer.status(200, geminiReply(longest)));

        Api.Response response = api.chat(id, "Erzähl mir alles.");

        assertThat(response.status())
                .as(response.body().substring(0, Math.min(300, response.body().length())))
                .isEqualTo(200);
        assertThat(api.get("/api/v1/sessions/" + id)
                        .json()
                        .get("messages")
                        .get(1)
                        .get("content")
                        .asString())
                .isEqualTo(longest);
    }

    @Test
    void unreadableGeminiAnswerIsDescribedInWords() {
        String id = api.newSession();
        // A unary call answered with an event stream: the SDK's JSON parser chokes on "data:".
        upstream.script(ScriptedAnswer.sse("data: {\"candidates\": []}\n\n"));

        Api.Response response = api.chat(id, "Hallo");

        assertCleanProblem(response.status(), response.headers().map(), response.body(), 503, "upstream-unavailable");
        assertThat(response.json().get("detail").asString()).contains("Gemini").doesNotContain("Unrecognized token");
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    @Test
    void brokenConnectionToGeminiIsDescribedInWords() {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.dropAfter("{\"candidates\": [", 200, "application/json"));

        Api.Response response = api.chat(id, "Hallo");

        assertThat(response.status()).isIn(503, 504);
        assertCleanProblem(
                response.status(),
                response.headers().map(),
                response.body(),
                response.status(),
                response.status() == 503 ? "upstream-unavailable" : "upstream-timeout");
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    @Test
    void streamedChatRefusesTheSameMessagesBeforeTheStreamStarts() {
        String id = api.newSession();
        // JSON escapes, so that the lone surrogate reaches the service as such (an encoder would make it '?').
        Map<String, String> bodies = Map.of(
                "{\"message\": \"\\u00A0\\u2007\\u202F\\u3000\\uFEFF\"}", "blank-message",
                "{\"message\": \"Hallo\\u0000\"}", "invalid-text",
                "{\"message\": \"\\ud800 Hallo\"}", "invalid-text",
                "{\"message\": 42}", "invalid-request");
        bodies.forEach((body, type) -> {
            Api.Response response = api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + id + "/chat"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));

            assertCleanProblem(response.status(), response.headers().map(), response.body(), 400, type);
        });
        assertThat(upstream.requests()).isEmpty();
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    @Test
    void streamedReplyLongerThanTheStoreKeepsEndsWithAReplyTooLongError() {
        String id = api.newSession();
        String piece = "z".repeat(250_000);
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            sse.append("data: ")
                    .append(chunk(piece + (i == 3 ? "z" : ""), i == 3 ? "STOP" : null))
                    .append("\n\n");
        }
        upstream.script(ScriptedAnswer.sse(sse.toString()));

        EventStream.Result result = EventStream.chat(port, id, "Erzähl mir alles.");

        assertThat(result.status()).isEqualTo(200);
        JsonNode error = result.only("error").json();
        assertThat(error.get("type").asString()).isEqualTo("urn:lisa:problem:reply-too-long");
        assertThat(error.get("status").asInt()).isEqualTo(502);
        assertThat(result.named("done")).isEmpty();
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    private static String chunk(String text, String finishReason) {
        Map<String, Object> candidate = new LinkedHashMap<>();
        candidate.put("content", Map.of("role", "model", "parts", List.of(Map.of("text", text))));
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        return Api.json(Map.of("candidates", List.of(candidate)));
    }

    static String geminiReply(String text) {
        return Api.json(Map.of(
                "candidates",
                        List.of(Map.of(
                                "content",
                                Map.of("role", "model", "parts", List.of(Map.of("text", text))),
                                "finishReason",
                                "STOP")),
                "usageMetadata",
                        Map.of("promptTokenCount", 12, "candidatesTokenCount", 250_000, "totalTokenCount", 250_012)));
    }

    /**
     * The answer is the project's problem of that type, with nothing about the server (no name, no
     * version, no HTML page) and nothing about its internals (no exception class, no stack frame).
     */
    static void assertCleanProblem(
            int status, Map<String, List<String>> headers, String body, int expectedStatus, String type) {
        assertThat(status).as(body).isEqualTo(expectedStatus);
        assertThat(header(headers, "Content-Type")).as(body).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(body);
        assertThat(problem.get("type").asString()).isEqualTo("urn:lisa:problem:" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(expectedStatus);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank();
        String server = header(headers, "Server");
        if (server != null) {
            assertThat(server)
                    .doesNotContainIgnoringCase("tomcat")
                    .doesNotContainIgnoringCase("apache")
                    .doesNotContainPattern("[0-9]");
        }
        assertThat(headers.keySet()).noneMatch(name -> name.equalsIgnoreCase("X-Powered-By"));
        assertThat(body.toLowerCase(Locale.ROOT))
                .doesNotContain("tomcat")
                .doesNotContain("apache")
                .doesNotContain("<html")
                .doesNotContain("exception")
                .doesNotContain("\tat ");
        assertThat(body).doesNotContainPattern(CLASS_NAME);
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                .flatMap(entry -> entry.getValue().stream())
                .findFirst()
                .orElse(null);
    }

    /** One HTTP/1.1 response read off a socket: status line, headers, and a Content-Length or chunked body. */
    record RawResponse(int status, Map<String, List<String>> headers, String body) {

        static RawResponse send(int port, String request, boolean halfClose) throws IOException {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (halfClose) {
                    socket.shutdownOutput(); // the body ends here, before what its framing promised
                }
                return read(socket.getInputStream());
            }
        }

        private static RawResponse read(InputStream in) throws IOException {
            String statusLine = line(in);
            assertThat(statusLine).as("status line").startsWith("HTTP/1.1 ");
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new java.util.ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            String length = header(headers, "Content-Length");
            if (length != null) {
                body.writeBytes(in.readNBytes(Integer.parseInt(length)));
            } else if ("chunked".equalsIgnoreCase(header(headers, "Transfer-Encoding"))) {
                for (int size = Integer.parseInt(line(in).trim(), 16);
                        size > 0;
                        size = Integer.parseInt(line(in).trim(), 16)) {
                    body.writeBytes(in.readNBytes(size));
                    line(in);
                }
            } else {
                body.writeBytes(in.readAllBytes());
            }
            return new RawResponse(status, headers, body.toString(StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("Connection closed in the middle of the response head: " + line);
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
