package com.callcenter.lisa.emulator;

import java.util.Map;

/**
 * One request as the emulator received it, for assertions in tests. Secrets are redacted: the
 * {@code key=} query value and the {@code x-goog-api-key} / {@code authorization} header values
 * read {@value #REDACTED}.
 *
 * @param method HTTP method
 * @param path raw path including the query string
 * @param model model name from the path, or null when the path is not an API route
 * @param kind "generateContent", "streamGenerateContent" or "countTokens"; null for other paths
 * @param headers request headers, names in lower case, repeated values joined with ", "
 * @param body request body decoded as UTF-8
 */
public record RecordedRequest(
    String method,
    String path,
    String model,
    String kind,
    Map<String, String> headers,
    String body) {

  public static final String REDACTED = "REDACTED";

  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /** Header value by case-insensitive name, or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }
}
