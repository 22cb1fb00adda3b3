package com.callcenter.lisa.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The most recent requests, secrets redacted. Bounded so a long-running standalone emulator (or a
 * benchmark) does not grow without limit; tests see far fewer than {@link #CAPACITY} requests.
 */
final class RequestLog {

    static final int CAPACITY = 10_000;
    private static final Set<String> SECRET_HEADERS = Set.of("x-goog-api-key", "authorization");

    private final ArrayDeque<RecordedRequest> entries = new ArrayDeque<>();

    void record(HttpExchange exchange, Route route, String body) {
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = Query.redact(exchange.getRequestURI().getRawQuery(), "key", RecordedRequest.REDACTED);
        String path = rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            headers.put(lower, SECRET_HEADERS.contains(lower) ? RecordedRequest.REDACTED : String.join(", ", values));
        });
        RecordedRequest request = new RecordedRequest(
                exchange.getRequestMethod(),
                path,
                route == null ? null : route.model(),
                route == null ? null : route.kind().wireName,
                headers,
                body);
        synchronized (entries) {
            if (entries.size() == CAPACITY) {
                entries.removeFirst();
            }
            entries.addLast(request);
        }
    }

    List<RecordedRequest> snapshot() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }
}
