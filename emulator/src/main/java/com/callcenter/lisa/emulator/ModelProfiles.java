package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-model rules table, model-profiles.json on the class path, read once. A model id is
 * looked up exactly; otherwise it gets the rules of the longest family prefix that matches
 * ("gemini-3.9-flash" gets "gemini-3"), otherwise the lax default. Fields a model entry leaves out
 * come from its family, then from the default.
 */
final class ModelProfiles {

    static final String RESOURCE = "/model-profiles.json";

    private static final ModelProfiles BUILT_IN = load();

    private final ObjectNode defaults;
    private final Map<String, ObjectNode> families;
    private final Map<String, ObjectNode> models;
    /** Profiles already merged, per model id: the lookup runs on every request. */
    private final Map<String, ModelProfile> resolved = new ConcurrentHashMap<>();

    private ModelProfiles(JsonNode root) {
        this.defaults = (ObjectNode) root.path("default");
        this.families = members(root.path("families"));
        this.models = members(root.path("models"));
    }

    static ModelProfiles builtIn() {
        return BUILT_IN;
    }

    private static ModelProfiles load() {
        try (InputStream in = ModelProfiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new ModelProfiles(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Model ids the table knows by name. */
    Set<String> knownModels() {
        return models.keySet();
    }

    ModelProfile forModel(String model) {
        String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
        if (resolved.size() > 10_000) { // a client inventing model names must not grow this forever
            resolved.clear();
        }
        return resolved.computeIfAbsent(id, this::merge);
    }

    private ModelProfile merge(String id) {
        ObjectNode merged = defaults.deepCopy();
        String family = family(id);
        String source = "default";
        if (family != null) {
            merged.setAll(families.get(family));
            source = "family " + family;
        }
        ObjectNode exact = models.get(id);
        if (exact != null) {
            merged.setAll(exact);
            source = "model";
        }
        return profile(id, source, merged);
    }

    private String family(String id) {
        String best = null;
        for (String prefix : families.keySet()) {
            if (id.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best;
    }

    private static ModelProfile profile(String id, String source, JsonNode p) {
        List<String> levels = new ArrayList<>();
        p.path("thinkingLevels").forEach(l -> levels.add(l.asText()));
        Map<String, Integer> levelTokens = new LinkedHashMap<>();
        p.path("levelThoughtTokens")
                .fields()
                .forEachRemaining(e -> levelTokens.put(e.getKey(), e.getValue().asInt()));
        Map<String, String> rejects = new LinkedHashMap<>();
        p.path("rejects")
                .fields()
                .forEachRemaining(e -> rejects.put(e.getKey(), e.getValue().asText()));
        Set<String> ignores = new LinkedHashSet<>();
        p.path("ignores").forEach(f -> ignores.add(f.asText()));
        JsonNode defaultLevel = p.path("defaultThinkingLevel");
        return new ModelProfile(
                id,
                source,
                p.path("displayName").asText(id),
                p.path("inputTokenLimit").asInt(),
                p.path("outputTokenLimit").asInt(),
                p.path("thinking").asText(ModelProfile.ANY),
                List.copyOf(levels),
                defaultLevel.isTextual() ? defaultLevel.asText() : null,
                p.path("defaultThinkingBudget").asInt(0),
                Map.copyOf(levelTokens),
                p.path("budgetZeroAllowed").asBoolean(true),
                Map.copyOf(rejects),
                Set.copyOf(ignores),
                p.path("minCacheTokens").asInt(),
                p.path("thoughtSignatures").asBoolean(false),
                p.path("rejectsTrailingModelTurn").asBoolean(false));
    }

    private static Map<String, ObjectNode> members(JsonNode node) {
        Map<String, ObjectNode> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), (ObjectNode) e.getValue()));
        return Map.copyOf(map);
    }
}
