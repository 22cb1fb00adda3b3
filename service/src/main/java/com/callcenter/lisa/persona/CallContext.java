package com.callcenter.lisa.persona;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the app told the service about a call when it created the session: {@code customer} and
 * {@code campaign}, each a JSON object checked against the persona's schema. Kept as canonical JSON text
 * (keys sorted, escaped as in {@link DataText}), so that it is stored, shown and rendered the same way
 * every time.
 *
 * @param json {@code {}} when the session has no context
 */
public record CallContext(String json) {

    public static final CallContext NONE = new CallContext("{}");

    /** The longest canonical form kept (the column's size, migration V7). */
    public static final int MAX_CHARS = 100_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public CallContext {
        if (json == null || json.isBlank()) {
            json = "{}";
        }
    }

    /** The context as a JSON tree (a fresh copy each time). */
    public JsonNode tree() {
        return JSON.readTree(json);
    }

    public boolean isEmpty() {
        return tree().isEmpty();
    }

    static CallContext of(JsonNode canonicalSource) {
        return new CallContext(DataText.json(canonicalSource));
    }
}
