package com.callcenter.lisa.gemini;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model rules as data ({@code gemini/models.yml}): one entry per model family, matched by name
 * prefix, and per-model entries that override their family. Kept out of code because Google changes
 * models faster than this service is released: a new entry is an edit of the file, not a new branch.
 */
public final class ModelTable {

    static final String RESOURCE = "gemini/models.yml";

    private final List<Family> families;
    private final Map<String, Model> models;

    private ModelTable(Document document) {
        this.families = document.families().stream()
                // The longest prefix wins, so a "gemini-3.5" family could refine "gemini-3".
                .sorted(Comparator.comparingInt(
                                (Family family) -> family.prefix().length())
                        .reversed())
                .toList();
        Map<String, Model> byName = new java.util.LinkedHashMap<>();
        for (Model model : document.models()) {
            if (familyNamed(model.family()).isEmpty()) {
                throw new IllegalStateException(
                        RESOURCE + ": model " + model.name() + " names the unknown family " + model.family());
            }
            if (byName.put(model.name(), model) != null) {
                throw new IllegalStateException(RESOURCE + ": model " + model.name() + " is listed twice");
            }
        }
        this.models = Map.copyOf(byName);
    }

    /** The table shipped with the service. A broken table is a build mistake: it fails loudly. */
    public static ModelTable load() {
        try (InputStream in = ModelTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            JsonMapper mapper = JsonMapper.builder()
                    .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a typo in the table must not pass
                    .build();
            return new ModelTable(mapper.convertValue(yaml, Document.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    /** The rules of {@code model}: its own entry over its family's, else its family's by prefix, else none. */
    public ModelRules rules(String model) {
        Model listed = models.get(model);
        Optional<Family> family = listed != null
                ? familyNamed(listed.family())
                : families.stream()
                        .filter(f -> model.toLowerCase(Locale.ROOT).startsWith(f.prefix()))
                        .findFirst();
        if (family.isEmpty()) {
            return ModelRules.unknown(model);
        }
        Family f = family.get();
        Model m = listed != null
                ? listed
                : new Model(model, f.name(), null, null, null, null, null, null, null, null, null);
        return new ModelRules(
                model,
                f.name(),
                listed != null,
                f.thinking(),
                first(m.thinkingLevels(), f.thinkingLevels(), List.of()),
                first(m.defaultThinkingLevel(), f.defaultThinkingLevel(), null),
                settings(first(m.ignores(), f.ignores(), List.of())),
                settings(first(m.rejects(), f.rejects(), List.of())),
                first(m.rejectsLastTurnFromModel(), f.rejectsLastTurnFromModel(), false),
                first(m.contextTokens(), f.contextTokens(), null),
                first(m.outputTokens(), f.outputTokens(), null),
                first(m.minCacheTokens(), f.minCacheTokens(), null),
                first(m.thoughtSignatures(), f.thoughtSignatures(), false));
    }

    private Optional<Family> familyNamed(String name) {
        return families.stream().filter(family -> family.name().equals(name)).findFirst();
    }

    private static <T> T first(T own, T family, T otherwise) {
        return own != null ? own : family != null ? family : otherwise;
    }

    private static Set<GenerationSetting> settings(List<String> names) {
        Set<GenerationSetting> settings = new LinkedHashSet<>();
        for (String name : names) {
            settings.add(GenerationSetting.byTableName(name)
                    .orElseThrow(() -> new IllegalStateException(RESOURCE + ": unknown generation setting " + name)));
        }
        return settings;
    }

    record Document(List<Family> families, List<Model> models) {
        Document {
            families = families == null ? List.of() : List.copyOf(families);
            models = models == null ? List.of() : List.copyOf(models);
        }
    }

    /** A family's rules; {@code thinking} is required, the rest may be left out. */
    record Family(
            String name,
            String prefix,
            ModelRules.Thinking thinking,
            List<String> thinkingLevels,
            String defaultThinkingLevel,
            List<String> ignores,
            List<String> rejects,
            Boolean rejectsLastTurnFromModel,
            Integer contextTokens,
            Integer outputTokens,
            Integer minCacheTokens,
            Boolean thoughtSignatures) {
        Family {
            if (name == null || prefix == null || thinking == null) {
                throw new IllegalStateException(RESOURCE + ": a family needs name, prefix and thinking");
            }
        }
    }

    /** A model's own facts; what it leaves out (null) comes from its family. */
    record Model(
            String name,
            String family,
            List<String> thinkingLevels,
            String defaultThinkingLevel,
            List<String> ignores,
            List<String> rejects,
            Boolean rejectsLastTurnFromModel,
            Integer contextTokens,
            Integer outputTokens,
            Integer minCacheTokens,
            Boolean thoughtSignatures) {}
}
