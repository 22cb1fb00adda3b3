package com.callcenter.lisa.wrapup;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wrap-up's JSON Schema ({@code wrapup/wrap-up.schema.json}): sent to Gemini as the structured output's
 * {@code responseJsonSchema}, and checked again on every answer, because a model can still break it. What JSON
 * Schema cannot say is checked here too: at most {@value #MAX_SUMMARY_WORDS} words of summary, and a
 * callbackAt that is an RFC 3339 date-time.
 */
final class WrapUpSchema {

    static final int MAX_SUMMARY_WORDS = 120;
    private static final String RESOURCE = "wrapup/wrap-up.schema.json";

    private final JsonMapper json;
    private final Schema schema;
    private final Map<String, Object> forGemini;

    WrapUpSchema(JsonMapper json) {
        this.json = json;
        JsonNode tree;
        try (InputStream in = WrapUpSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the service's jar");
            }
            tree = json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(tree);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = json.convertValue(tree, Map.class);
        map.remove("$schema"); // Gemini takes the schema itself, not the dialect's address
        this.forGemini = map;
    }

    /** The schema as plain maps and lists, for the SDK's responseJsonSchema. */
    Map<String, Object> forGemini() {
        return forGemini;
    }

    /**
     * What is wrong with a model's answer, in words; empty if it is a valid wrap-up.
     */
    List<String> problems(String answer) {
        JsonNode tree;
        try {
            tree = json.readTree(answer);
        } catch (JacksonException e) {
            return List.of("the answer is not JSON");
        }
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(tree)) {
            problems.add(error.toString());
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        int words = words(tree.path("summary").asString(""));
        if (words > MAX_SUMMARY_WORDS) {
            problems.add("the summary has " + words + " words, more than " + MAX_SUMMARY_WORDS);
        }
        JsonNode callbackAt = tree.path("callbackAt");
        if (callbackAt.isString()) {
            try {
                OffsetDateTime.parse(callbackAt.asString());
            } catch (DateTimeParseException e) {
                problems.add("callbackAt is not an RFC 3339 date-time with an offset");
            }
        }
        return problems;
    }

    static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
