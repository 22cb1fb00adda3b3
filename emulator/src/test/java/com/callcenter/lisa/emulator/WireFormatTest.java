package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytes on the wire, which the SDK hides: headers, SSE framing, the JSON-array stream, flushing.
 */
@ExtendWith(EmulatorExtension.class)
class WireFormatTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String REPLY =
            "Hallo, hier ist Lisa! Ich habe 1 Nachricht erhalten. Ihre letzte Nachricht war: \"Hallo" + " Lisa\"";
    static GeminiEmulator emu; // started, reset and closed by EmulatorExtension

    @Test
    void unaryIsPrettyJsonWithContentLength() throws Exception {
        HttpResponse<String> response =
                Http.post(emu, "/v1beta/models/gemini-2.5-flash:generateContent", Http.ONE_MESSAGE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");
        assertThat(response.headers().firstValueAsLong("content-length"))
                .hasValue(response.body().getBytes().length);
        assertThat(response.body()).startsWith("{\n  \"candidates\": [\n");
        JsonNode root = JSON.readTree(response.body());
        assertThat(root.at("/candidates/0/content/parts/0/text").asText()).isEqualTo(REPLY);
        assertThat(root.at("/candidates/0/index").asInt(-1)).isZero();
        assertThat(root.at("/usageMetadata/promptTokensDetails/0/tokenCount").asInt())
                .isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1beta", "v1"})
    void sseEventsAreSingleLineDataFramesEndingInCrlfCrlf(String version) throws Exception {
        HttpResponse<String> response = Http.post(
                emu, "/" + version + "/models/gemini-2.5-flash:streamGenerateContent?alt=sse", Http.ONE_MESSAGE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
        String body = response.body();
        assertThat(body).endsWith("\r\n\r\n").doesNotContain("[DONE]");
        String[] events = body.split("\r\n\r\n");
        assertThat(events.length).isGreaterThanOrEqualTo(2);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.length; i++) {
            assertThat(events[i]).startsWith("data: {").doesNotContain("\n").doesNotContain("\r");
            JsonNode chunk = JSON.readTree(events[i].substring("data: ".length()));
            text.append(chunk.at("/candidates/0/content/parts/0/text").asText());
            assertThat(chunk.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(3);
            assertThat(chunk.at("/candidates/0/finishReason").isMissingNode()).isEqualTo(i < events.length - 1);
        }
        assertThat(text).hasToString(REPLY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "?alt=json"})
    void streamWithoutAltSseIsOneJsonArrayInTheRecordedLayout(String query) throws Exception {
        HttpResponse<String> response =
                Http.post(emu, "/v1beta/models/gemini-2.5-flash:streamGenerateContent" + query, Http.ONE_MESSAGE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=UTF-8");
        String body = response.body();
        assertThat(body).startsWith("[{\n").endsWith("}\n]").contains("\n,\r\n{\n");
        JsonNode array = JSON.readTree(body);
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isGreaterThanOrEqualTo(2);
        StringBuilder text = new StringBuilder();
        array.forEach(chunk ->
                text.append(chunk.at("/candidates/0/content/parts/0/text").asText()));
        assertThat(text).hasToString(REPLY);
        assertThat(array.get(array.size() - 1).at("/candidates/0/finishReason").asText())
                .isEqualTo("STOP");
        assertThat(array.get(0).at("/candidates/0/finishReason").isMissingNode())
                .isTrue();
    }

    @Test
    void eachChunkIsFlushedWhenProducedWithTheConfiguredGap() throws Exception {
        Duration gap = Duration.ofMillis(150);
        try (GeminiEmulator slow =
                GeminiEmulator.start(EmulatorConfig.defaults().withChunkGap(gap))) {
            HttpRequest request =
                    Http.postRequest(slow, "/v1beta/models/m:streamGenerateContent?alt=sse", Http.ONE_MESSAGE);
            long start = System.nanoTime();
            HttpResponse<Stream<String>> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofLines());
            List<Long> arrivalsMs = new ArrayList<>();
            response.body()
                    .filter(line -> line.startsWith("data: "))
                    .forEach(line -> arrivalsMs.add((System.nanoTime() - start) / 1_000_000));

            int events = arrivalsMs.size();
            assertThat(events).isGreaterThanOrEqualTo(3);
            long total = arrivalsMs.get(events - 1);
            assertThat(total).isGreaterThanOrEqualTo((events - 1) * gap.toMillis() - 20);
            // the first event did not wait for the rest of the stream
            assertThat(arrivalsMs.get(0)).isLessThan(total - gap.toMillis());
            for (int i = 1; i < events; i++) { // loose per gap: the reading thread may itself be late
                assertThat(arrivalsMs.get(i) - arrivalsMs.get(i - 1)).isGreaterThanOrEqualTo(gap.toMillis() / 2);
            }
        }
    }

    @Test
    void countTokensAnswersTotalTokens() throws Exception {
        HttpResponse<String> response = Http.post(emu, "/v1beta/models/gemini-2.5-flash:countTokens", Http.ONE_MESSAGE);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode root = JSON.readTree(response.body());
        assertThat(root.get("totalTokens").asInt()).isEqualTo(3);
    }

    @Test
    void countTokensAcceptsAWrappedGenerateContentRequest() throws Exception {
        String body = "{\"generateContentRequest\": {\"model\": \"models/m\", \"systemInstruction\": {\"parts\":"
                + " [{\"text\": \"12345678\"}]}, \"contents\": [{\"role\": \"user\", \"parts\":"
                + " [{\"text\": \"abcd\"}]}]}}";

        HttpResponse<String> response = Http.post(emu, "/v1beta/models/m:countTokens", body);

        assertThat(JSON.readTree(response.body()).get("totalTokens").asInt()).isEqualTo(2 + 1);
    }

    @Test
    void otherPathsAndMethodsAreNotFound() throws Exception {
        HttpResponse<String> get = Http.send(Http.request(emu, "/v1beta/models/m:generateContent")
                .header("x-goog-api-key", "emulator-key")
                .GET()
                .build());
        HttpResponse<String> embed = Http.post(emu, "/v1beta/models/m:embedContent", Http.ONE_MESSAGE);
        HttpResponse<String> v2 = Http.post(emu, "/v2/models/m:generateContent", Http.ONE_MESSAGE);

        for (HttpResponse<String> response : List.of(get, embed, v2)) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(response.body()).at("/error/status").asText())
                    .isEqualTo("NOT_FOUND");
        }
        assertThat(emu.counters()).containsEntry("not_found", 3L).containsEntry("ok", 0L);
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        byte[] body = Http.ONE_MESSAGE.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1beta/models/m:generateContent HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "x-goog-api-key: emulator-key\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", emu.port())) {
            socket.setSoTimeout(5_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                String statusLine = readLine(in);
                long length = -1;
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(15).trim());
                    }
                }
                byte[] answer = new byte[(int) length];
                in.readFully(answer);
                assertThat(statusLine).isEqualTo("HTTP/1.1 200 OK");
                assertThat(new String(answer, StandardCharsets.UTF_8)).contains("Hallo, hier ist Lisa!");
            }
        }
        assertThat(emu.counters()).containsEntry("ok", 3L);
    }

    private static String readLine(DataInputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
