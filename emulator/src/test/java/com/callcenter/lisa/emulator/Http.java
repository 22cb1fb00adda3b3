package com.callcenter.lisa.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP against the emulator, for what the SDK hides (headers, bytes, framing). */
final class Http {

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  static final String ONE_MESSAGE =
      "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"Hallo Lisa\"}]}]}";

  private Http() {}

  static HttpRequest.Builder request(GeminiEmulator emu, String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(emu.baseUrl() + pathAndQuery))
        .timeout(Duration.ofSeconds(20));
  }

  /** POST with the emulator's default key in x-goog-api-key. */
  static HttpResponse<String> post(GeminiEmulator emu, String pathAndQuery, String body) {
    return send(
        request(emu, pathAndQuery)
            .header("x-goog-api-key", EmulatorConfig.DEFAULT_API_KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  static HttpResponse<String> send(HttpRequest request) {
    return sendWith(CLIENT, request);
  }

  static HttpResponse<String> sendWith(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<byte[]> sendForBytes(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
