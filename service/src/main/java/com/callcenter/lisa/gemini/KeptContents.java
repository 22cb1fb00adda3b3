package com.callcenter.lisa.gemini;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The kept model contents of stored turns ({@link ModelParts}), parsed once. Every turn sends the conversation so
 * far, so without this each of Lisa's earlier replies was parsed again on every later turn of its conversation
 * (twice: for the SDK's {@code Content} and for the model that made it): the nine earlier replies of a
 * conversation's tenth turn took ~36 µs (~5.5 µs from here), in all 3 % of the service's CPU samples in the overhead
 * benchmark. The JSON is the key: the history comes from the database on each turn, so the same reply is an equal
 * string, not the same one. Parsed contents are immutable and shared by every turn that sends them.
 *
 * <p>Bounded by contents ({@link #DEFAULT_MAX_CONTENTS}) and by the characters of the JSON it holds
 * ({@link #DEFAULT_MAX_CHARS}), least recently used out first; a content longer than a sixteenth of the characters is
 * parsed each time instead of pushing out many others. The bound on contents is for the collector, as for the
 * session's kept turns: with the characters alone, short replies were kept long after their conversation had ended,
 * copied by every young collection meanwhile (in the overhead benchmark G1's young pauses averaged 8.7 ms with both
 * caches as before and 5.2 ms with this one holding 100,000 characters, one run).
 */
final class KeptContents implements Function<String, ModelParts.Parsed> {

    /**
     * Room for the recent replies of a few hundred conversations: each reply's JSON and its parse, some 10-20 MB of
     * heap when full.
     */
    static final int DEFAULT_MAX_CHARS = 4_000_000;

    /** The replies of a few hundred conversations (256 of 16 replies). */
    static final int DEFAULT_MAX_CONTENTS = 4096;

    private final int maxContents;
    private final int maxChars;
    private final Function<String, ModelParts.Parsed> parse;
    /** Least recently used first; guarded by itself (a lookup is a hash, a comparison and a relink). */
    private final LinkedHashMap<String, ModelParts.Parsed> parsed = new LinkedHashMap<>(256, 0.75f, true);

    private long chars;

    KeptContents() {
        this(DEFAULT_MAX_CONTENTS, DEFAULT_MAX_CHARS, ModelParts::parse);
    }

    KeptContents(int maxContents, int maxChars, Function<String, ModelParts.Parsed> parse) {
        this.maxContents = maxContents;
        this.maxChars = maxChars;
        this.parse = parse;
    }

    @Override
    public ModelParts.Parsed apply(String json) {
        if (json.length() > maxChars / 16) {
            return parse.apply(json);
        }
        json.hashCode(); // computed once per string, outside the lock
        ModelParts.Parsed found;
        synchronized (parsed) {
            found = parsed.get(json);
        }
        if (found != null) {
            return found;
        }
        // Parsed outside the lock: two turns sending the same new content may both parse it, and keep one.
        ModelParts.Parsed made = parse.apply(json);
        synchronized (parsed) {
            if (parsed.putIfAbsent(json, made) == null) {
                chars += json.length();
                var eldest = parsed.entrySet().iterator();
                while ((chars > maxChars || parsed.size() > maxContents) && eldest.hasNext()) {
                    Map.Entry<String, ModelParts.Parsed> out = eldest.next();
                    chars -= out.getKey().length();
                    eldest.remove();
                }
            }
        }
        return made;
    }

    /** How many contents are held (for tests). */
    int size() {
        synchronized (parsed) {
            return parsed.size();
        }
    }
}
