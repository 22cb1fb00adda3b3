package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the emulator needs from a generateContent / countTokens body, after validating it the way
 * the real API does (400 INVALID_ARGUMENT with the real messages). Proto-JSON accepts camelCase and
 * snake_case field names, so both are read.
 *
 * @param contentsCount number of entries in {@code contents}
 * @param lastUserText text of the last {@code user} entry (thought parts skipped), "" if none
 * @param promptTokens sum of {@link Tokens#of} over every text part of systemInstruction and
 *     contents
 * @param maxOutputTokens generationConfig.maxOutputTokens, 0 when unset
 * @param root the request object (the inner GenerateContentRequest for a wrapped countTokens)
 * @param contents the {@code contents} entries, in order
 */
record ModelRequest(
        int contentsCount,
        String lastUserText,
        int promptTokens,
        int maxOutputTokens,
        JsonNode root,
        List<JsonNode> contents) {

    static ModelRequest parse(String body, Route route) throws ApiError {
        JsonNode root = readObject(body);
        String requestType = "GenerateContentRequest";
        if (route.kind() == Route.Kind.COUNT_TOKENS) {
            JsonNode inner = field(root, "generateContentRequest", "generate_content_request");
            if (inner.isObject()) {
                root = inner; // countTokens may wrap a whole GenerateContentRequest
            } else {
                requestType = "CountTokensRequest";
            }
        }
        List<JsonNode> contents = contents(root, requestType, route.apiVersion());
        String lastUserText = "";
        int promptTokens = textTokens(field(root, "systemInstruction", "system_instruction"));
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            String role = content.path("role").asText("");
            if (!role.isEmpty() && !role.equals("user") && !role.equals("model")) {
                throw ErrorBodies.invalidArgument("Please use a valid role: user, model.");
            }
            JsonNode parts = content.path("parts");
            if (!parts.isArray() || parts.isEmpty()) {
                throw ErrorBodies.invalidArgument(
                        "* %s.contents[%d].parts: contents.parts must not be empty.\n".formatted(requestType, i));
            }
            promptTokens += textTokens(content);
            if (!role.equals("model")) { // a missing role means user, as in the real API
                lastUserText = replyVisibleText(parts);
            }
        }
        return new ModelRequest(
                contents.size(), lastUserText, promptTokens, maxOutputTokens(root), root, List.copyOf(contents));
    }

    /** generationConfig, or a missing node. */
    JsonNode generationConfig() {
        return field(root, "generationConfig", "generation_config");
    }

    /** systemInstruction, or a missing node. */
    JsonNode systemInstruction() {
        return field(root, "systemInstruction", "system_instruction");
    }

    private static JsonNode readObject(String body) throws ApiError {
        if (body.isBlank()) {
            return Json.object(); // the real API treats an empty body as an empty message
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ErrorBodies.invalidArgument("Invalid JSON payload received. Unexpected token.\n" + pointAt(body, e));
        }
        if (!root.isObject()) {
            throw ErrorBodies.invalidArgument(
                    "Invalid JSON payload received. Unknown name \"\": Root element must be a message.");
        }
        return root;
    }

    /** The offending line and a caret, like the real API's "Unexpected token" messages. */
    private static String pointAt(String body, JsonProcessingException e) {
        long offset = e.getLocation() == null ? 0 : e.getLocation().getCharOffset();
        int at = (int) Math.max(0, Math.min(offset, body.length()));
        int lineStart = body.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
        int lineEnd = body.indexOf('\n', at);
        String line = body.substring(lineStart, lineEnd < 0 ? body.length() : lineEnd);
        int column = Math.max(0, at - lineStart - 1);
        if (line.length() > 80) {
            int from = Math.max(0, column - 40);
            line = line.substring(from, Math.min(line.length(), from + 80));
            column -= from;
        }
        return line + "\n" + " ".repeat(Math.min(column, line.length())) + "^";
    }

    private static List<JsonNode> contents(JsonNode root, String requestType, String apiVersion) throws ApiError {
        JsonNode contents = root.path("contents");
        List<JsonNode> list = new ArrayList<>();
        if (contents.isObject()) {
            list.add(contents); // proto-JSON accepts a single message for a repeated field
        } else if (contents.isArray()) {
            for (JsonNode c : (ArrayNode) contents) {
                if (!c.isObject()) {
                    throw ErrorBodies.invalidArgument(
                            "Invalid value at 'contents[%d]' (type.googleapis.com/google.ai.generativelanguage.%s.Content), %s"
                                    .formatted(list.size(), apiVersion, c));
                }
                list.add(c);
            }
        } else if (!contents.isMissingNode() && !contents.isNull()) {
            throw ErrorBodies.invalidArgument(
                    "Invalid value at 'contents' (type.googleapis.com/google.ai.generativelanguage.%s.Content), %s"
                            .formatted(apiVersion, contents));
        }
        if (list.isEmpty()) {
            throw ErrorBodies.invalidArgument("* %s.contents: contents is not specified\n".formatted(requestType));
        }
        return list;
    }

    private static int maxOutputTokens(JsonNode root) throws ApiError {
        JsonNode value =
                field(field(root, "generationConfig", "generation_config"), "maxOutputTokens", "max_output_tokens");
        if (value.isMissingNode() || value.isNull()) {
            return 0;
        }
        // proto-JSON allows int32 as a number or a numeric string
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            return Math.max(0, value.intValue());
        }
        if (value.isTextual() && value.asText().matches("-?\\d{1,9}")) {
            return Math.max(0, Integer.parseInt(value.asText()));
        }
        throw ErrorBodies.invalidArgument(
                "Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32), " + value);
    }

    /** Tokens of every text part of a Content-like node (thoughts count too: they are sent input). */
    private static int textTokens(JsonNode content) {
        int tokens = 0;
        for (JsonNode part : content.path("parts")) {
            tokens += Tokens.of(part.path("text").asText(""));
        }
        return tokens;
    }

    private static String replyVisibleText(JsonNode parts) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            if (!part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    static JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode value = node.path(camel);
        return value.isMissingNode() ? node.path(snake) : value;
    }
}
