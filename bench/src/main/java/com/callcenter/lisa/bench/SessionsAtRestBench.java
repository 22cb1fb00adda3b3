package com.callcenter.lisa.bench;

import com.callcenter.lisa.bench.Report.Check;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Sessions at rest: the service's heap (after a full GC) and RSS with 100, 10,000 and 100,000
 * stored sessions, and the latency of creating and reading a session at each size. One service
 * process is filled through its own API (create, then a few chat turns per session), so anything
 * it kept in memory per session would show; nothing is inserted behind its back.
 *
 * <pre>./dev bench sessions-at-rest [--sizes 100,10000,100000] [--turns 2] [--db h2|postgres] [--samples 300]
 *                                [--max-fill-minutes 20] [--auth jwt|api-key|none]</pre>
 *
 * <p>With authentication every {@value #SESSIONS_PER_CLIENT} sessions belong to a client (owner) of their own,
 * the default limit of active sessions of one app install; each stored session is read with its owner's
 * credential.
 */
public final class SessionsAtRestBench {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    static final int SESSIONS_PER_CLIENT = 50;
    /** Client numbers of the sessions created while timing, apart from those of the stored ones. */
    private static final int TIMED_CLIENTS = 100_000_000;

    /** A stored session and the client (owner) that created it. */
    record Stored(String id, int client) {}

    public static void main(String[] args) throws Exception {
        Report report = run(CapacityBench.options(args));
        System.out.println(report.markdown());
        System.out.println("written to " + report.file());
    }

    record Row(
            int sessions,
            long heapKb,
            long rssKb,
            double createP50,
            double createP99,
            double getP50,
            double getP99,
            long fillSeconds,
            long databaseKb) {}

    static Report run(Map<String, String> options) throws Exception {
        List<Integer> sizes = Arrays.stream(
                        options.getOrDefault("sizes", "100,10000,100000").split(","))
                .map(String::strip)
                .map(Integer::parseInt)
                .sorted()
                .toList();
        int turns = Integer.parseInt(options.getOrDefault("turns", "2"));
        String db = options.getOrDefault("db", "h2");
        int samples = Integer.parseInt(options.getOrDefault("samples", "300"));
        Duration maxFill = Duration.ofMinutes(Long.parseLong(options.getOrDefault("max-fill-minutes", "20")));
        Auth.Mode auth = Auth.Mode.option(options);
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path data = Files.createTempDirectory("lisa-bench-");
        List<Row> rows = new ArrayList<>();
        long fillDeadline = System.nanoTime() + maxFill.toNanos();
        try (Processes processes = new Processes(root)) {
            String emulator = processes.emulator();
            List<String> settings = new ArrayList<>(List.of(Processes.unlimitedQuota()));
            String jdbc = "jdbc:h2:file:" + data.resolve("lisa");
            if (db.equals("postgres")) {
                jdbc = processes.postgresDatabase();
                settings.addAll(
                        List.of("--spring.datasource.username=postgres", "--spring.datasource.password=postgres"));
            }
            String service = processes.service(auth, emulator, jdbc, settings.toArray(String[]::new));
            Auth.Credentials credentials = processes.credentials(service);
            long pid = processes.pid(service);
            HttpClient http = Chat.client();
            List<Stored> ids = Collections.synchronizedList(new ArrayList<>());
            int timedClient = TIMED_CLIENTS;
            for (int size : sizes) {
                long started = System.nanoTime();
                fill(http, service, credentials, ids, size, turns, fillDeadline);
                long fillSeconds = (System.nanoTime() - started) / 1_000_000_000;
                System.out.printf("%d sessions stored (%d s)%n", ids.size(), fillSeconds);
                Thread.sleep(2000); // let in-flight work and the sweeper settle
                long heap = heapAfterGc(pid);
                long rss = Proc.rssKb(pid);
                // Latencies after the memory reading: the sessions created here are not in the count above.
                long[] creates = new long[samples];
                long[] gets = new long[samples];
                List<Stored> stored = List.copyOf(ids);
                for (int i = 0;
                        i < 2 * samples;
                        i++) { // the first pass only warms up (at 100 sessions the JIT is cold)
                    String creator = credentials.authorization(timedClient + i / SESSIONS_PER_CLIENT);
                    long t = System.nanoTime();
                    post(http, service + "/api/v1/sessions", "{}", creator);
                    creates[i % samples] = System.nanoTime() - t;
                    Stored session = stored.get(ThreadLocalRandom.current().nextInt(stored.size()));
                    String owner = credentials.authorization(session.client());
                    t = System.nanoTime();
                    HttpResponse<String> got = http.send(
                            Auth.authorized(
                                            HttpRequest.newBuilder(
                                                            URI.create(service + "/api/v1/sessions/" + session.id()))
                                                    .GET(),
                                            owner)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    gets[i % samples] = System.nanoTime() - t;
                    if (got.statusCode() != 200) {
                        throw new IllegalStateException("GET session answered " + got.statusCode() + ": " + got.body());
                    }
                }
                timedClient += 2 * samples / SESSIONS_PER_CLIENT + 1;
                Arrays.sort(creates);
                Arrays.sort(gets);
                rows.add(new Row(
                        ids.size(),
                        heap,
                        rss,
                        Load.percentileMs(creates, 0.5),
                        Load.percentileMs(creates, 0.99),
                        Load.percentileMs(gets, 0.5),
                        Load.percentileMs(gets, 0.99),
                        fillSeconds,
                        db.equals("h2") ? directoryKb(data) : -1));
            }
        } finally {
            OverheadBench.deleteTree(data);
        }

        Row smallest = rows.getFirst();
        Row largest = rows.getLast();
        double growth = (double) largest.heapKb() / smallest.heapKb() - 1;
        List<Check> checks = List.of(new Check(
                String.format(
                        "heap at %,d stored sessions within 10%% of heap at %,d",
                        largest.sessions(), smallest.sessions()),
                String.format(
                        "%.1f MB vs %.1f MB: %+.1f%%",
                        largest.heapKb() / 1024.0, smallest.heapKb() / 1024.0, 100 * growth),
                Math.abs(growth) <= 0.10));
        String command = "./dev bench sessions-at-rest --sizes "
                + String.join(",", sizes.stream().map(String::valueOf).toList()) + " --turns " + turns + " --db " + db
                + " --samples " + samples + " --auth " + auth.option;
        StringBuilder out =
                new StringBuilder("# Sessions at rest: memory and latency by number of stored sessions\n\n");
        out.append("Command: `").append(command).append("`\n\n");
        out.append("Run at ")
                .append(Instant.now())
                .append(" on ")
                .append(Environment.describe())
                .append("; service at commit ")
                .append(Environment.commit(root))
                .append(", database ")
                .append(db.equals("h2") ? "embedded H2 (file)" : "PostgreSQL")
                .append(", service heap limit " + Processes.SERVICE_HEAP + ", `LISA_AUTH_MODE=")
                .append(auth.option)
                .append("`")
                .append(
                        auth == Auth.Mode.NONE
                                ? ""
                                : " (every " + SESSIONS_PER_CLIENT + " sessions a client of their own, each request "
                                        + "with its owner's credential)")
                .append(".\n\n");
        out.append("One service process, filled through its API by 16 clients: each session is created and then ")
                .append("takes ")
                .append(turns)
                .append(" chat turns (emulator, no latency, no quota). At each size: ")
                .append(
                        "`jcmd <pid> GC.run`, then the heap's used size from `jcmd <pid> GC.heap_info` and VmRSS; then ")
                .append(samples)
                .append(" sequential creates and ")
                .append(samples)
                .append(" reads (`GET /api/v1/sessions/{id}` ")
                .append("of a random stored session) on one connection, after as many untimed ones.\n\n");
        out.append(Report.targets(checks));
        out.append(
                "\n## Results\n\n| stored sessions | heap after GC MB | RSS MB | create p50 ms | create p99 ms | get p50 ms "
                        + "| get p99 ms | fill time s | H2 files MB |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            out.append(String.format(
                    "| %,d | %.1f | %.0f | %s | %s | %s | %s | %d | %s |%n",
                    r.sessions(),
                    r.heapKb() / 1024.0,
                    r.rssKb() / 1024.0,
                    Report.ms(r.createP50()),
                    Report.ms(r.createP99()),
                    Report.ms(r.getP50()),
                    Report.ms(r.getP99()),
                    r.fillSeconds(),
                    r.databaseKb() < 0 ? "-" : String.format("%.0f", r.databaseKb() / 1024.0)));
        }
        Path file = root.resolve("bench/results/sessions-at-rest" + (db.equals("h2") ? "" : "-" + db) + ".md");
        Files.writeString(file, out.toString());
        return new Report(file, out.toString(), checks);
    }

    /** Creates sessions with their turns, 16 at a time, until {@code ids} holds {@code size}. */
    private static void fill(
            HttpClient http,
            String service,
            Auth.Credentials credentials,
            List<Stored> ids,
            int size,
            int turns,
            long deadline)
            throws Exception {
        AtomicInteger next = new AtomicInteger(ids.size()); // the number of the next session to create

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < 16; w++) {
                pool.submit(() -> {
                    for (int number = next.getAndIncrement(); number < size; number = next.getAndIncrement()) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("filling took longer than --max-fill-minutes");
                        }
                        int client = number / SESSIONS_PER_CLIENT;
                        String authorization = credentials.authorization(client);
                        String id = Chat.JSON
                                .readTree(post(http, service + "/api/v1/sessions", "{}", authorization))
                                .get("id")
                                .asText();
                        for (int t = 1; t <= turns; t++) {
                            post(
                                    http,
                                    service + "/api/v1/sessions/" + id + "/chat",
                                    "{\"message\":\"Frage " + t + ": Was kostet der Tarif Strom Basis im Monat?\"}",
                                    authorization);
                        }
                        int n = ids.size();
                        ids.add(new Stored(id, client));
                        if ((n + 1) % 10_000 == 0) {
                            System.out.printf("  %,d sessions%n", n + 1);
                        }
                    }
                    return null;
                });
            }
        }
        if (ids.size() < size) {
            throw new IllegalStateException("filling stopped at " + ids.size() + " sessions (see the output above)");
        }
    }

    private static String post(HttpClient http, String url, String json, String authorization) throws Exception {
        HttpResponse<String> response = http.send(
                Auth.authorized(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(60))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(json)),
                                authorization)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Used heap in KiB after two full collections. */
    static long heapAfterGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (int i = 0; i < 2; i++) {
            Environment.run(Path.of("."), jcmd, String.valueOf(pid), "GC.run");
        }
        String info = Environment.run(Path.of("."), jcmd, String.valueOf(pid), "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no used heap in: " + info);
        }
        return Long.parseLong(m.group(1));
    }

    private static long directoryKb(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                            .mapToLong(p -> p.toFile().length())
                            .sum()
                    / 1024;
        }
    }
}
