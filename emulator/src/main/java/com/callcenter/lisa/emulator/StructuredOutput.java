package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Structured output: a request with {@code generationConfig.responseMimeType: application/json} and
 * {@code responseSchema} (Gemini's OpenAPI subset, types in capitals) or {@code responseJsonSchema}
 * (JSON Schema) is answered with JSON valid against that schema, derived deterministically from the
 * conversation, so that a test can predict it:
 *
 * <ul>
 *   <li>an enum (or const) takes its first value, unless the conversation's text (every text part of
 *       {@code contents}, not the system instruction) names another of its values as a word (case
 *       ignored, {@code _} matching a space): then the first value so named;
 *   <li>a string is the last user text, cut to its first {@value #STRING_WORDS} words and to
 *       maxLength, padded with {@code x} to minLength; a {@code format} of date-time, date, time,
 *       email, uri or uuid gets a fixed valid value instead;
 *   <li>a number or integer is its minimum (exclusiveMinimum + 1), else 0 capped by its maximum;
 *   <li>a boolean is false; an array has one item (or minItems; none if maxItems is 0);
 *   <li>an object has every declared property (so every required one); anyOf/oneOf take their first
 *       choice; {@code $ref} to {@code #/$defs/...} or {@code #/definitions/...} is followed.
 * </ul>
 */
final class StructuredOutput {

    static final int STRING_WORDS = 30;
    private static final int MAX_DEPTH = 16;

    private final JsonNode root;
    private final String conversation;
    private final String lastUserText;

    private StructuredOutput(JsonNode root, String conversation, String lastUserText) {
        this.root = root;
        this.conversation = conversation.toLowerCase(Locale.ROOT).replace('_', ' ');
        this.lastUserText = lastUserText;
    }

    /** The schema the request asks its answer to follow, or null when it asks for free text. */
    static JsonNode requestedSchema(ModelRequest request) {
        JsonNode config = request.generationConfig();
        String mime = text(config, "responseMimeType", "response_mime_type");
        if (!"application/json".equalsIgnoreCase(mime.trim())) {
            return null;
        }
        for (String[] names : List.of(
                new String[] {"responseJsonSchema", "response_json_schema"},
                new String[] {"responseSchema", "response_schema"})) {
            JsonNode schema = config.path(names[0]);
            if (schema.isMissingNode()) {
                schema = config.path(names[1]);
            }
            if (schema.isObject()) {
                return schema;
            }
        }
        return null;
    }

    /** The JSON answer for {@code schema}, on one line. */
    static String answer(ModelRequest request, JsonNode schema) {
        StringBuilder conversation = new StringBuilder();
        for (JsonNode content : request.contents()) {
            for (JsonNode part : content.path("parts")) {
                if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                    conversation.append(part.path("text").asText()).append('\n');
                }
            }
        }
        return Json.oneLine(
                new StructuredOutput(schema, conversation.toString(), request.lastUserText()).value(schema, 0));
    }

    private JsonNode value(JsonNode schema, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (depth > MAX_DEPTH || !schema.isObject()) {
            return nodes.nullNode();
        }
        JsonNode ref = schema.path("$ref");
        if (ref.isTextual()) {
            return value(resolve(ref.asText()), depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return chosen((ArrayNode) schema.get("enum"));
        }
        for (String choice : List.of("anyOf", "oneOf", "allOf")) {
            JsonNode choices = schema.path(choice);
            if (choices.isArray() && !choices.isEmpty() && !schema.has("type")) {
                return value(choices.get(0), depth + 1);
            }
        }
        String type = type(schema);
        return switch (type) {
            case "object" -> {
                ObjectNode object = nodes.objectNode();
                Iterator<Map.Entry<String, JsonNode>> properties =
                        schema.path("properties").fields();
                while (properties.hasNext()) {
                    Map.Entry<String, JsonNode> property = properties.next();
                    object.set(property.getKey(), value(property.getValue(), depth + 1));
                }
                for (JsonNode required : schema.path("required")) {
                    if (!object.has(required.asText())) {
                        object.put(required.asText(), "");
                    }
                }
                yield object;
            }
            case "array" -> {
                ArrayNode array = nodes.arrayNode();
                int count = Math.max(1, schema.path("minItems").asInt(1));
                if (schema.has("maxItems")) {
                    count = Math.min(count, schema.path("maxItems").asInt());
                }
                for (int i = 0; i < count; i++) {
                    array.add(value(schema.path("items"), depth + 1));
                }
                yield array;
            }
            case "integer" -> nodes.numberNode((long) Math.ceil(number(schema)));
            case "number" -> nodes.numberNode(number(schema));
            case "boolean" -> nodes.booleanNode(false);
            case "null" -> nodes.nullNode();
            default -> nodes.textNode(string(schema));
        };
    }

    /** The first enum value, or the first other one the conversation names. */
    private JsonNode chosen(ArrayNode values) {
        for (int i = 1; i < values.size(); i++) {
            String value = values.get(i).asText().toLowerCase(Locale.ROOT).replace('_', ' ');
            if (!value.isBlank()
                    && Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(value) + "(?![\\p{L}\\p{N}])")
                            .matcher(conversation)
                            .find()) {
                return values.get(i);
            }
        }
        return values.get(0);
    }

    private String string(JsonNode schema) {
        String format = schema.path("format").asText("");
        switch (format) {
            case "date-time":
                return "2026-01-01T09:00:00Z";
            case "date":
                return "2026-01-01";
            case "time":
                return "09:00:00Z";
            case "email":
                return "kunde@example.com";
            case "uri":
                return "https://example.com/";
            case "uuid":
                return "00000000-0000-4000-8000-000000000000";
            default:
                break;
        }
        String[] words = lastUserText.trim().split("\\s+");
        String text = String.join(" ", List.of(words).subList(0, Math.min(words.length, STRING_WORDS)))
                .trim();
        if (schema.has("maxLength")) {
            int max = schema.path("maxLength").asInt();
            if (text.codePointCount(0, text.length()) > max) {
                text = text.substring(0, text.offsetByCodePoints(0, max));
            }
        }
        int min = schema.path("minLength").asInt(0);
        int length = text.codePointCount(0, text.length());
        if (length < min) {
            text = text + "x".repeat(min - length);
        }
        return text;
    }

    private static double number(JsonNode schema) {
        double value = 0;
        if (schema.path("minimum").isNumber()) {
            value = schema.path("minimum").asDouble();
        } else if (schema.path("exclusiveMinimum").isNumber()) {
            value = schema.path("exclusiveMinimum").asDouble() + 1;
        }
        if (schema.path("maximum").isNumber() && value > schema.path("maximum").asDouble()) {
            value = schema.path("maximum").asDouble();
        }
        return value;
    }

    /** The schema's type, lower case (responseSchema writes OBJECT, STRING...); one of a list. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            List<String> types = new ArrayList<>();
            type.forEach(t -> types.add(t.asText().toLowerCase(Locale.ROOT)));
            return types.stream().filter(t -> !t.equals("null")).findFirst().orElse("null");
        }
        if (type.isTextual()) {
            return type.asText().toLowerCase(Locale.ROOT);
        }
        if (schema.has("properties")) {
            return "object";
        }
        return schema.has("items") ? "array" : "string";
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            return JsonNodeFactory.instance.objectNode(); // only local references are followed
        }
        JsonNode node = root;
        for (String step : ref.substring(2).split("/")) {
            node = node.path(step.replace("~1", "/").replace("~0", "~"));
        }
        return node;
    }

    private static String text(JsonNode node, String camel, String snake) {
        JsonNode value = node.path(camel);
        if (value.isMissingNode()) {
            value = node.path(snake);
        }
        return value.asText("");
    }
}
