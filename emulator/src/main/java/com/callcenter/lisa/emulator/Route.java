package com.callcenter.lisa.emulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One of the emulated API routes, parsed from the request line. */
record Route(String apiVersion, String model, Kind kind, boolean sse) {

    enum Kind {
        GENERATE("generateContent"),
        STREAM("streamGenerateContent"),
        COUNT_TOKENS("countTokens"),
        /** {@code GET /{version}/models/{model}}: models.get, the free look-up of a model. */
        GET_MODEL("get");

        final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /**
         * The method named in the 404 message. Recorded only for generateContent; streaming is assumed
         * to report the same, as both are the same RPC with a different response framing.
         */
        String notFoundMethod() {
            // models.get: INVENTED by analogy (no recorded 404 of models.get); Google names the RPC "get"
            if (this == GET_MODEL) {
                return "get";
            }
            return this == COUNT_TOKENS ? "countTokens" : "generateContent";
        }

        static Kind of(String wireName) {
            for (Kind kind : values()) {
                if (kind.wireName.equals(wireName)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(wireName);
        }
    }

    private static final Pattern PATH =
            Pattern.compile("^/(v1beta|v1)/models/([^/:]+):(generateContent|streamGenerateContent|countTokens)$");

    private static final Pattern MODEL_PATH = Pattern.compile("^/(v1beta|v1)/models/([^/:]+)$");

    /** The route for a decoded path and raw query, or null when it is not an emulated route. */
    static Route parse(String path, String rawQuery) {
        Matcher get = MODEL_PATH.matcher(path);
        if (get.matches()) {
            return new Route(get.group(1), get.group(2), Kind.GET_MODEL, false);
        }
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Kind kind = Kind.of(m.group(3));
        boolean sse = kind == Kind.STREAM && "sse".equals(Query.param(rawQuery, "alt"));
        return new Route(m.group(1), m.group(2), kind, sse);
    }

    boolean isModelCall() {
        return kind == Kind.GENERATE || kind == Kind.STREAM;
    }

    /** The HTTP method of this route: GET for models.get, POST for the others. */
    String httpMethod() {
        return kind == Kind.GET_MODEL ? "GET" : "POST";
    }
}
