package com.callcenter.lisa.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The capacity benchmark: N sessions chatting as fast as the quota lets them, through the service
 * (a real process) in front of the emulator (a real process) enforcing Gemini's per-minute quota.
 * Reports achieved rate ÷ quota, upstream 429s, per-request quota wait p50/p99, Jain's fairness
 * index over sessions and rejections by reason.
 *
 * <pre>./dev bench capacity [--sessions 20] [--rpm 60] [--real-rpm 60] [--duration 120] [--auth jwt|api-key|none]</pre>
 * {@code --real-rpm} below {@code --rpm} simulates another client sharing the Google project. Each
 * session is a client of its own (its own token or key, so its own owner).
 */
public final class CapacityBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int sessions = Integer.parseInt(options.getOrDefault("sessions", "20"));
        int rpm = Integer.parseInt(options.getOrDefault("rpm", "60"));
        int realRpm = Integer.parseInt(options.getOrDefault("real-rpm", String.valueOf(rpm)));
        Duration duration = Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "120")));
        Auth.Mode auth = Auth.Mode.option(options);
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();

        try (Processes processes = new Processes(root)) {
            String upstream = processes.emulator("--rpm", String.valueOf(realRpm));
            Path data = processes.folder("h2");
            String service = processes.service(
                    auth,
                    upstream,
                    "jdbc:h2:file:" + data.resolve("lisa"),
                    "--lisa.quota.budget.requests-per-minute=" + rpm,
                    "--lisa.quota.budget.input-tokens-per-minute=0",
                    "--lisa.quota.budget.requests-per-day=0");
            Result result = drive(service, processes.credentials(service), sessions, duration);
            String metrics = get(processes.management(service) + "/actuator/prometheus");
            long throttled = (long) sum(metrics, "lisa_gemini_throttled_total");
            String report = report(sessions, rpm, realRpm, duration, auth, result, throttled);
            System.out.println(report);
            Path out = root.resolve("bench/results/capacity-s" + sessions + "-rpm" + rpm + "-real" + realRpm + ".md");
            Files.writeString(out, report);
            System.out.println("written to " + out);
        }
    }

    record Result(long[] servedPerSession, List<Long> waitsMs, Map<String, Long> rejections, long servedInRun) {}

    private static Result drive(String service, Auth.Credentials credentials, int sessions, Duration duration)
            throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> ids = new ArrayList<>();
        List<String> authorizations = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            authorizations.add(credentials.authorization(s));
            ids.add(JSON.readTree(post(http, service + "/api/v1/sessions", "{}", authorizations.get(s))
                            .body())
                    .get("id")
                    .asText());
        }
        AtomicLongArray served = new AtomicLongArray(sessions);
        List<Long> waits = Collections.synchronizedList(new ArrayList<>());
        Map<String, Long> rejections = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < sessions; s++) {
                int session = s;
                pool.submit(() -> {
                    int turn = 0;
                    while (System.nanoTime() < end) {
                        HttpResponse<String> response = post(
                                http,
                                service + "/api/v1/sessions/" + ids.get(session) + "/chat",
                                "{\"message\": \"Sitzung " + session + ", Frage " + (++turn) + "\"}",
                                authorizations.get(session));
                        JsonNode body = JSON.readTree(response.body());
                        if (response.statusCode() == 200) {
                            if (System.nanoTime() < end) {
                                served.incrementAndGet(session);
                                waits.add(body.get("queueWaitMs").asLong());
                            }
                        } else {
                            rejections.merge(reason(response.statusCode(), body), 1L, Long::sum);
                            long retryAfter = response.headers()
                                    .firstValue("Retry-After")
                                    .map(Long::parseLong)
                                    .orElse(1L);
                            Thread.sleep(
                                    Math.max(0, Math.min(retryAfter * 1000, (end - System.nanoTime()) / 1_000_000)));
                        }
                    }
                    return null;
                });
            }
        }
        long[] perSession = new long[sessions];
        long total = 0;
        for (int s = 0; s < sessions; s++) {
            perSession[s] = served.get(s);
            total += perSession[s];
        }
        return new Result(perSession, List.copyOf(waits), new TreeMap<>(rejections), total);
    }

    /** The service's reason for a quota refusal, or the problem type (and Gemini's status) for others. */
    private static String reason(int status, JsonNode problem) {
        if (problem.has("reason")) {
            return problem.get("reason").asText();
        }
        String type = problem.path("type").asText("status-" + status);
        String kind = type.substring(type.lastIndexOf(':') + 1);
        return problem.has("upstreamStatus")
                ? kind + " (Gemini " + problem.get("upstreamStatus").asInt() + ")"
                : kind;
    }

    private static String report(
            int sessions, int rpm, int realRpm, Duration duration, Auth.Mode auth, Result result, long throttled) {
        // Most a rolling minute can let through in the run: a full budget at the start of each minute begun.
        double quota = Math.min(rpm, realRpm) * Math.ceil(duration.toSeconds() / 60.0);
        List<Long> waits = new ArrayList<>(result.waitsMs());
        Collections.sort(waits);
        StringBuilder out = new StringBuilder();
        out.append("# Capacity benchmark\n\n");
        out.append("Command: `./dev bench capacity --sessions ")
                .append(sessions)
                .append(" --rpm ")
                .append(rpm)
                .append(" --real-rpm ")
                .append(realRpm)
                .append(" --duration ")
                .append(duration.toSeconds())
                .append(" --auth ")
                .append(auth.option)
                .append("`\n\n");
        out.append("Run at ")
                .append(Instant.now())
                .append(" on ")
                .append(Environment.describe())
                .append("\n\n");
        out.append("| measure | value |\n|---|---|\n");
        out.append(row("sessions", sessions));
        out.append(row("service budget (requests/min)", rpm));
        out.append(row("upstream's real limit (requests/min)", realRpm));
        out.append(row("duration (s)", duration.toSeconds()));
        out.append(row("authentication (each session its own client)", "LISA_AUTH_MODE=" + auth.option));
        out.append(row("replies within the run", result.servedInRun()));
        out.append(row("quota in the run (limit × minutes begun)", (long) quota));
        out.append(row("achieved rate ÷ quota", String.format("%.3f", result.servedInRun() / quota)));
        out.append(row("upstream 429s", throttled));
        out.append(row("quota wait p50 (ms)", percentile(waits, 0.50)));
        out.append(row("quota wait p99 (ms)", percentile(waits, 0.99)));
        out.append(row("Jain's fairness index over sessions", String.format("%.4f", jain(result.servedPerSession()))));
        out.append(row(
                "rejections by reason",
                result.rejections().isEmpty() ? "none" : result.rejections().toString()));
        return out.toString();
    }

    private static String row(String name, Object value) {
        return "| " + name + " | " + value + " |\n";
    }

    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static double jain(long[] values) {
        double sum = 0;
        double squares = 0;
        for (long v : values) {
            sum += v;
            squares += (double) v * v;
        }
        return squares == 0 ? 1 : sum * sum / (values.length * squares);
    }

    private static double sum(String prometheus, String metric) {
        Matcher m = Pattern.compile("^" + metric + "\\{[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(prometheus);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static HttpResponse<String> post(HttpClient http, String url, String json, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        return http.send(Auth.authorized(request, authorization).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
