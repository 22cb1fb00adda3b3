package com.callcenter.lisa.bench;

import com.callcenter.lisa.bench.Chat.Target;
import com.callcenter.lisa.bench.Report.Check;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming: how long after the upstream writes its first chunk the client reads it, through (a) no
 * proxy, (b) the service and (c) Portkey. The emulator runs with {@code --stamp-chunks}: it puts its
 * {@link System#nanoTime()} into each chunk's text just before writing it; the client reads the
 * event stream line by line and subtracts that stamp from its own nanoTime when the line arrives.
 * On Linux both are CLOCK_MONOTONIC, one clock for every process on the machine, so the difference
 * is the chunk's real trip, without any clock synchronisation. A chunk gap (100 ms) keeps the first
 * chunk well apart from the rest.
 *
 * <pre>./dev bench streaming [--samples 50] [--warmup 20] [--chunk-gap-ms 100] [--auth jwt|api-key|none]</pre>
 */
public final class StreamingBench {

    public static void main(String[] args) throws Exception {
        Report report = run(CapacityBench.options(args));
        System.out.println(report.markdown());
        System.out.println("written to " + report.file());
    }

    record Figures(long[] firstChunkNanos, long[] laterChunksNanos, long[] firstEventNanos) {}

    static Report run(Map<String, String> options) throws Exception {
        int samples = Integer.parseInt(options.getOrDefault("samples", "50"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "20"));
        int gap = Integer.parseInt(options.getOrDefault("chunk-gap-ms", "100"));
        Auth.Mode auth = Auth.Mode.option(options);
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        String systemPrompt = LisaInstruction.read(root);
        Path data = Files.createTempDirectory("lisa-bench-");
        Map<Target, Figures> figures = new EnumMap<>(Target.class);
        String serviceProblem = null;
        try (Processes processes = new Processes(root)) {
            String emulator = processes.emulator("--stamp-chunks", "--chunk-gap-ms", String.valueOf(gap));
            String service = processes.service(
                    auth, emulator, "jdbc:h2:file:" + data.resolve("lisa"), Processes.unlimitedQuota());
            String portkey = processes.portkey();
            Auth.Credentials credentials = processes.credentials(service);
            Chat.Endpoints endpoints = new Chat.Endpoints(emulator, service, credentials, portkey, systemPrompt);

            List<Target> targets = new ArrayList<>(List.of(Target.values()));
            serviceProblem = serviceStreams(service, credentials.authorization(0));
            if (serviceProblem != null) {
                System.out.println("service left out: " + serviceProblem);
                targets.remove(Target.SERVICE);
            }
            Map<Target, Chat> chats = new EnumMap<>(Target.class);
            Map<Target, List<Long>> first = new EnumMap<>(Target.class);
            Map<Target, List<Long>> later = new EnumMap<>(Target.class);
            Map<Target, List<Long>> firstEvent = new EnumMap<>(Target.class);
            for (Target target : targets) {
                HttpClient http = Chat.client();
                chats.put(target, new Chat(target, endpoints, http, 0, 1)); // a new conversation (session) per sample
                first.put(target, new ArrayList<>());
                later.put(target, new ArrayList<>());
                firstEvent.put(target, new ArrayList<>());
            }
            for (int i = 0; i < warmup + samples; i++) {
                for (int k = 0; k < targets.size(); k++) {
                    Target target = targets.get((i + k) % targets.size());
                    Chat chat = chats.get(target);
                    chat.prepare();
                    Chat.Streamed streamed = chat.streamTurn();
                    if (streamed.chunkDelaysNanos().size() < 2) {
                        throw new IllegalStateException(target + " passed "
                                + streamed.chunkDelaysNanos().size() + " stamped chunks through, expected every chunk");
                    }
                    if (i >= warmup) {
                        first.get(target).add(streamed.chunkDelaysNanos().getFirst());
                        later.get(target)
                                .addAll(streamed.chunkDelaysNanos()
                                        .subList(1, streamed.chunkDelaysNanos().size()));
                        firstEvent.get(target).add(streamed.firstEventNanos());
                    }
                }
                if ((i + 1) % 10 == 0) {
                    System.out.printf("  %d/%d%n", i + 1, warmup + samples);
                }
            }
            for (Target target : targets) {
                figures.put(
                        target,
                        new Figures(
                                sorted(first.get(target)), sorted(later.get(target)), sorted(firstEvent.get(target))));
            }
        } finally {
            OverheadBench.deleteTree(data);
        }

        List<Check> checks = new ArrayList<>();
        double direct = Load.percentileMs(figures.get(Target.DIRECT).firstChunkNanos(), 0.5);
        double portkey = Load.percentileMs(figures.get(Target.PORTKEY).firstChunkNanos(), 0.5);
        if (figures.containsKey(Target.SERVICE)) {
            double service = Load.percentileMs(figures.get(Target.SERVICE).firstChunkNanos(), 0.5);
            checks.add(new Check(
                    "first streamed chunk at the client ≤ 2 ms after the upstream wrote it (median)",
                    String.format(
                            "service %.2f ms (%.2f ms more than with no proxy); Portkey %.2f ms (%.2f ms more)",
                            service, service - direct, portkey, portkey - direct),
                    service <= 2.0));
        } else {
            checks.add(new Check(
                    "first streamed chunk at the client ≤ 2 ms after the upstream wrote it (median)",
                    String.format(
                            "service not measured (%s); Portkey %.2f ms (%.2f ms more than with no proxy)",
                            serviceProblem, portkey, portkey - direct),
                    false));
        }
        String command = "./dev bench streaming --samples " + samples + " --warmup " + warmup + " --chunk-gap-ms " + gap
                + " --auth " + auth.option;
        StringBuilder out = new StringBuilder("# Streaming: first chunk from the upstream to the client\n\n");
        out.append("Command: `").append(command).append("`\n\n");
        out.append("Run at ")
                .append(Instant.now())
                .append(" on ")
                .append(Environment.describe())
                .append("; service at commit ")
                .append(Environment.commit(root))
                .append(", Portkey ")
                .append(Processes.PORTKEY_VERSION)
                .append(" on node ")
                .append(Environment.nodeVersion())
                .append(".\n\n");
        out.append("The emulator (`--stamp-chunks --chunk-gap-ms ")
                .append(gap)
                .append("`) writes its `System.nanoTime()` ")
                .append("into each chunk as it writes it; the client takes its own when the line carrying it arrives. ")
                .append("One request at a time, the three targets interleaved, ")
                .append(samples)
                .append(" samples each after ")
                .append(warmup)
                .append(" warm-up samples; each sample is a new conversation (for the service a new ")
                .append("session, created before the timed request; the service with `LISA_AUTH_MODE=")
                .append(auth.option)
                .append("`, the client sending ")
                .append(
                        switch (auth) {
                            case JWT -> "a signed token (RS256) checked on every request";
                            case API_KEY -> "an API key";
                            case NONE -> "no credential";
                        })
                .append("). (a) asks the emulator's `streamGenerateContent?alt=sse`, ")
                .append("(b) the service's `Accept: text/event-stream` chat, which calls that endpoint, (c) Portkey's ")
                .append(
                        "`/v1/chat/completions` with `stream: true`, which calls `streamGenerateContent` (JSON array framing).\n\n");
        out.append(Report.targets(checks));
        out.append("\n## Delay from the emulator writing a chunk to the client reading it (ms)\n\n");
        out.append(
                "| target | first chunk p50 | p90 | p99 | max | first chunk p50 minus (a) | later chunks p50 | p99 | request sent → first line p50 |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Target target : Target.values()) {
            Figures f = figures.get(target);
            if (f == null) {
                out.append("| ")
                        .append(target.label)
                        .append(" | not measured: ")
                        .append(serviceProblem)
                        .append(" |||||||| \n");
                continue;
            }
            double p50 = Load.percentileMs(f.firstChunkNanos(), 0.5);
            out.append("| ")
                    .append(target.label)
                    .append(" | ")
                    .append(Report.ms(p50))
                    .append(" | ")
                    .append(Report.ms(Load.percentileMs(f.firstChunkNanos(), 0.9)))
                    .append(" | ")
                    .append(Report.ms(Load.percentileMs(f.firstChunkNanos(), 0.99)))
                    .append(" | ")
                    .append(Report.ms(Load.percentileMs(f.firstChunkNanos(), 1.0)))
                    .append(" | ")
                    .append(target == Target.DIRECT ? "-" : Report.signedMs(p50 - direct))
                    .append(" | ")
                    .append(Report.ms(Load.percentileMs(f.laterChunksNanos(), 0.5)))
                    .append(" | ")
                    .append(Report.ms(Load.percentileMs(f.laterChunksNanos(), 0.99)))
                    .append(" | ")
                    .append(Report.ms(Load.percentileMs(f.firstEventNanos(), 0.5)))
                    .append(" |\n");
        }
        out.append("\n\"request sent → first line\": until any first line of the response (the service's `queued` ")
                .append("event, Portkey's first data line), for context.\n");
        Path file = root.resolve("bench/results/streaming.md");
        Files.writeString(file, out.toString());
        return new Report(file, out.toString(), checks);
    }

    /** Null if the service answers a chat with an event stream; otherwise what it does instead. */
    private static String serviceStreams(String service, String authorization) throws Exception {
        HttpClient http = Chat.client();
        HttpResponse<String> created = http.send(
                Auth.authorized(
                                HttpRequest.newBuilder(URI.create(service + "/api/v1/sessions"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{}")),
                                authorization)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            return "creating a session answered " + created.statusCode() + ": " + created.body();
        }
        String id = Chat.JSON.readTree(created.body()).get("id").asText();
        HttpResponse<String> response = http.send(
                Auth.authorized(
                                HttpRequest.newBuilder(URI.create(service + "/api/v1/sessions/" + id + "/chat"))
                                        .header("Content-Type", "application/json")
                                        .header("Accept", "text/event-stream")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"Hallo\"}")),
                                authorization)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String type = response.headers().firstValue("Content-Type").orElse("none");
        if (response.statusCode() == 200 && type.startsWith("text/event-stream")) {
            return null;
        }
        return "this build answers `Accept: text/event-stream` with " + response.statusCode() + " " + type;
    }

    private static long[] sorted(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sorted().toArray();
    }
}
