package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
        String method, String path, String model, String kind, Map<String, String> headers, String body) {

    public static final String REDACTED = "REDACTED";

    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    /**
     * The parts of systemInstruction and of every content of the body (a wrapped countTokens request
     * too), in order; empty when the body is not such a request. Made for checking what a client
     * sends back, e.g. that a model part's thoughtSignature is the one the emulator gave it.
     */
    public List<RecordedPart> parts() {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException | RuntimeException notJson) {
            return List.of();
        }
        if (root == null || !root.isObject()) {
            return List.of();
        }
        JsonNode inner = ModelRequest.field(root, "generateContentRequest", "generate_content_request");
        if (inner.isObject()) {
            root = inner;
        }
        List<RecordedPart> parts = new ArrayList<>();
        addParts(parts, -1, "system", ModelRequest.field(root, "systemInstruction", "system_instruction"));
        JsonNode contents = root.path("contents");
        if (contents.isObject()) {
            addParts(parts, 0, contents.path("role").asText("user"), contents);
        } else {
            for (int i = 0; i < contents.size(); i++) {
                addParts(parts, i, contents.get(i).path("role").asText("user"), contents.get(i));
            }
        }
        return List.copyOf(parts);
    }

    private static void addParts(List<RecordedPart> into, int index, String role, JsonNode content) {
        for (JsonNode part : content.path("parts")) {
            JsonNode signature = ModelRequest.field(part, "thoughtSignature", "thought_signature");
            JsonNode call = ModelRequest.field(part, "functionCall", "function_call");
            into.add(new RecordedPart(
                    index,
                    role.isEmpty() ? "user" : role,
                    part.path("text").isTextual() ? part.path("text").asText() : null,
                    part.path("thought").asBoolean(false),
                    signature.isTextual() ? signature.asText() : null,
                    call.isObject() ? call.path("name").asText() : null));
        }
    }

    /** Header value by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
