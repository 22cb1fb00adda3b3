package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gemini's implicit cache, as the emulator reports it: the prompt is the sequence of parts of
 * systemInstruction, then of every content (each part taken with its content's role, as the JSON it
 * was sent in). A request's cached tokens are the tokens of its longest prefix, ending at a part
 * boundary, that an earlier answered request of the same model also started with, no longer ago than
 * the window; below the minimum cacheable length nothing is reported. Prefixes are remembered as
 * chained SHA-256 hashes, so the cost per request is one pass over its parts.
 */
final class PromptCache {

    /** A model's remembered prefixes are dropped wholesale beyond this (a benchmark's flood). */
    private static final int MAX_PREFIXES_PER_MODEL = 200_000;

    private final Clock clock;
    private final Map<String, Map<String, Instant>> prefixesByModel = new ConcurrentHashMap<>();

    PromptCache(Clock clock) {
        this.clock = clock;
    }

    /**
     * The cached tokens of this request (0 below {@code minTokens}), then remembers its prefixes.
     */
    int cachedTokensThenRemember(String model, ModelRequest request, int minTokens, Duration window) {
        Instant now = clock.instant();
        Map<String, Instant> seen = prefixesByModel.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
        MessageDigest chain = sha256();
        int tokens = 0;
        int cached = 0;
        String[] keys = new String[countParts(request)];
        int k = 0;
        k = walk(request.systemInstruction(), "system", chain, keys, k);
        for (JsonNode content : request.contents()) {
            k = walk(content, content.path("role").asText("user"), chain, keys, k);
        }
        // tokens per part, in the same order as the keys
        int[] partTokens = new int[keys.length];
        int t = 0;
        for (JsonNode part : request.systemInstruction().path("parts")) {
            partTokens[t++] = Tokens.of(part.path("text").asText(""));
        }
        for (JsonNode content : request.contents()) {
            for (JsonNode part : content.path("parts")) {
                partTokens[t++] = Tokens.of(part.path("text").asText(""));
            }
        }
        for (int i = 0; i < keys.length; i++) {
            tokens += partTokens[i];
            Instant at = seen.get(keys[i]);
            if (at == null || !at.plus(window).isAfter(now)) {
                break;
            }
            cached = tokens;
        }
        if (seen.size() > MAX_PREFIXES_PER_MODEL) {
            seen.values().removeIf(at -> !at.plus(window).isAfter(now));
            if (seen.size() > MAX_PREFIXES_PER_MODEL) {
                seen.clear();
            }
        }
        for (String key : keys) {
            seen.put(key, now);
        }
        return cached >= Math.max(1, minTokens) ? cached : 0;
    }

    void reset() {
        prefixesByModel.clear();
    }

    private static int countParts(ModelRequest request) {
        int n = request.systemInstruction().path("parts").size();
        for (JsonNode content : request.contents()) {
            n += content.path("parts").size();
        }
        return n;
    }

    private static int walk(JsonNode content, String role, MessageDigest chain, String[] keys, int k) {
        for (JsonNode part : content.path("parts")) {
            byte[] r = role.getBytes(StandardCharsets.UTF_8);
            byte[] p = Json.oneLine(part).getBytes(StandardCharsets.UTF_8);
            chain.update(
                    ByteBuffer.allocate(8).putInt(r.length).putInt(p.length).array());
            chain.update(r);
            chain.update(p);
            try {
                keys[k++] = Base64.getEncoder().encodeToString(((MessageDigest) chain.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-256 digests are cloneable in every JDK", e);
            }
        }
        return k;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
