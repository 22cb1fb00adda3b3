package com.callcenter.lisa.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Query-string helpers. */
final class Query {

    private Query() {}

    /** First value of {@code name} in a raw (still encoded) query, decoded; null when absent. */
    static String param(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(key).equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /** The raw query with every value of {@code name} replaced by {@code replacement}. */
    static String redact(String rawQuery, String name, String replacement) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rawQuery;
        }
        String[] pairs = rawQuery.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            int eq = pairs[i].indexOf('=');
            String key = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            if (decode(key).equals(name)) {
                pairs[i] = key + "=" + replacement;
            }
        }
        return String.join("&", pairs);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }
}
