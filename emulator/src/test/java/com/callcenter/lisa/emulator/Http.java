package com.callcenter.lisa.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP against the emulator, for what the SDK hides (headers, bytes, framing). */
final class Http {

    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static final String ONE_MESSAGE = "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"Hallo Lisa\"}]}]}";

    private Http() {}

    static HttpRequest.Builder request(GeminiEmulator emu, String pathAndQuery) {
        return request(emu.baseUrl(), pathAndQuery);
    }

    static HttpRequest.Builder request(String baseUrl, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(20));
    }

    /** A POST of a JSON body with the emulator's default key in x-goog-api-key. */
    static HttpRequest postRequest(GeminiEmulator emu, String pathAndQuery, String body) {
        return postRequest(emu.baseUrl(), pathAndQuery, EmulatorConfig.DEFAULT_API_KEY, body);
    }

    /** A POST of a JSON body with {@code apiKey} in x-goog-api-key. */
    static HttpRequest postRequest(String baseUrl, String pathAndQuery, String apiKey, String body) {
        return request(baseUrl, pathAndQuery)
                .header("x-goog-api-key", apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** POST with the emulator's default key in x-goog-api-key. */
    static HttpResponse<String> post(GeminiEmulator emu, String pathAndQuery, String body) {
        return send(postRequest(emu, pathAndQuery, body));
    }

    static HttpResponse<String> send(HttpRequest request) {
        return sendWith(CLIENT, request);
    }

    static HttpResponse<String> sendWith(HttpClient client, HttpRequest request) {
        return send(client, request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> sendForBytes(HttpRequest request) {
        return send(CLIENT, request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static <T> HttpResponse<T> send(
            HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> bodyHandler) {
        try {
            return client.send(request, bodyHandler);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
