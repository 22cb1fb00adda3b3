package com.callcenter.lisa.bench;

import com.callcenter.lisa.bench.Chat.Target;
import com.callcenter.lisa.bench.Load.Segment;
import com.callcenter.lisa.bench.Load.Watched;
import com.callcenter.lisa.bench.Report.Check;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turn overhead: the same conversations, as fast as they are answered, through (a) the emulator
 * directly, (b) the service and (c) the Portkey gateway, in front of an emulator answering at once
 * and one answering after 200 ms. The service runs as in production, with budgets set (so every turn
 * is counted and decided by its quota ledger) but far too high to bind; {@code --budgets off} sets
 * them to 0 (unlimited, the ledger is skipped) for comparison. The three are measured in one run,
 * interleaved in short segments (a, b, c, then b, c, a, ...), so the machine's noise hits them alike.
 *
 * <pre>./dev bench overhead [--sessions 16] [--duration 20] [--db h2|postgres|both] [--latencies 0,200]
 *                        [--segment 2] [--warmup 10] [--turns-per-session 10] [--budgets on|off]
 *                        [--profile false]</pre>
 */
public final class OverheadBench {

    private static final String IDLE = "idle connection (1 connection, one turn at a time)";

    public static void main(String[] args) throws Exception {
        Report report = run(CapacityBench.options(args));
        System.out.println(report.markdown());
        System.out.println("written to " + report.file());
    }

    /** Per-target figures of one load level, over all its segments. */
    record Figures(
            double turnsPerSecond, long[] sortedLatencies, Map<String, Double> cpuPerTurn, int turns, int errors) {

        double p(double q) {
            return Load.percentileMs(sortedLatencies, q);
        }
    }

    /** Everything measured with one database and one upstream latency. */
    record Config(
            String db,
            int latencyMs,
            int connections,
            Map<String, Map<Target, Figures>> levels,
            Map<String, Long> memoryKb,
            long serviceReadyMs,
            String profile) {}

    static Report run(Map<String, String> options) throws Exception {
        int sessions = Integer.parseInt(options.getOrDefault("sessions", "16"));
        Duration duration = Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "20")));
        Duration segment = Duration.ofMillis((long) (1000 * Double.parseDouble(options.getOrDefault("segment", "2"))));
        Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "10")));
        int turnsPerSession = Integer.parseInt(options.getOrDefault("turns-per-session", "10"));
        String db = options.getOrDefault("db", "both");
        List<String> dbs = db.equals("both") ? List.of("h2", "postgres") : List.of(db);
        List<Integer> latencies = Arrays.stream(
                        options.getOrDefault("latencies", "0,200").split(","))
                .map(String::strip)
                .map(Integer::parseInt)
                .toList();
        boolean profile = Boolean.parseBoolean(options.getOrDefault("profile", "false"));
        String budgets = options.getOrDefault("budgets", "on");
        if (!budgets.equals("on") && !budgets.equals("off")) {
            throw new IllegalArgumentException("--budgets is on or off, not " + budgets);
        }
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        String systemPrompt = LisaInstruction.read(root);

        List<Config> configs = new ArrayList<>();
        String postgresVersion = null;
        for (String database : dbs) {
            try (Processes shared = new Processes(root)) { // PostgreSQL lives across the latencies of one run
                for (int latency : latencies) {
                    configs.add(measure(
                            root,
                            shared,
                            database,
                            latency,
                            sessions,
                            duration,
                            segment,
                            warmup,
                            turnsPerSession,
                            systemPrompt,
                            profile,
                            budgets.equals("on")));
                }
                if (database.equals("postgres")) {
                    postgresVersion = shared.postgresVersion();
                }
            }
        }
        String command = "./dev bench overhead --sessions " + sessions + " --duration " + duration.toSeconds()
                + " --db " + db + " --latencies "
                + String.join(",", latencies.stream().map(String::valueOf).toList())
                + " --segment " + segment.toMillis() / 1000.0 + " --warmup " + warmup.toSeconds()
                + " --turns-per-session " + turnsPerSession + " --budgets " + budgets
                + (profile ? " --profile true" : "");
        List<Check> checks = checks(configs, sessions);
        String markdown = markdown(
                command,
                root,
                configs,
                checks,
                sessions,
                duration,
                segment,
                warmup,
                turnsPerSession,
                postgresVersion,
                budgets.equals("on"));
        Path out = root.resolve("bench/results/overhead" + (dbs.size() == 1 ? "-" + db : "")
                + (budgets.equals("on") ? "" : "-budgets-off") + ".md");
        Files.writeString(out, markdown);
        return new Report(out, markdown, checks);
    }

    private static Config measure(
            Path root,
            Processes shared,
            String db,
            int latency,
            int sessions,
            Duration duration,
            Duration segment,
            Duration warmup,
            int turnsPerSession,
            String systemPrompt,
            boolean profile,
            boolean budgets)
            throws Exception {
        System.out.printf("== %s, upstream latency %d ms, budgets %s ==%n", db, latency, budgets ? "on" : "off");
        Path data = Files.createTempDirectory("lisa-bench-");
        Path recording = root.resolve("bench/results/logs/service-" + db + "-" + latency + "ms.jfr");
        try (Processes processes = new Processes(root)) {
            if (profile) {
                processes.serviceJvmOptions(
                        "-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true");
            }
            String emulator = processes.emulator("--latency-ms", String.valueOf(latency));
            List<String> settings =
                    new ArrayList<>(List.of(budgets ? Processes.nonBindingQuota() : Processes.unlimitedQuota()));
            String jdbc;
            if (db.equals("postgres")) {
                jdbc = shared.postgresDatabase();
                settings.addAll(
                        List.of("--spring.datasource.username=postgres", "--spring.datasource.password=postgres"));
            } else {
                jdbc = "jdbc:h2:file:" + data.resolve("lisa");
            }
            String service = processes.service(emulator, jdbc, settings.toArray(String[]::new));
            String portkey = processes.portkey();
            Chat.Endpoints endpoints = new Chat.Endpoints(emulator, service, portkey, systemPrompt);

            List<Watched> watched = new ArrayList<>(List.of(
                    Watched.process("emulator", processes.pid(emulator)),
                    Watched.process("service", processes.pid(service)),
                    Watched.process("Portkey", processes.pid(portkey))));
            if (db.equals("postgres")) {
                watched.add(Watched.withChildren("PostgreSQL", shared.postgresPid()));
            }
            watched.add(Watched.process("driver", Proc.self()));

            Map<Target, HttpClient> clients = new EnumMap<>(Target.class);
            for (Target target : Target.values()) {
                clients.put(target, Chat.client());
                Chat probe = new Chat(target, endpoints, clients.get(target), 0, turnsPerSession);
                probe.prepare();
                String reply = probe.turn();
                if (!reply.startsWith("Hallo, hier ist Lisa!")) { // proves the request went through to the emulator
                    throw new IllegalStateException(target + " did not pass the emulator's reply through: " + reply);
                }
            }
            // Warm-up: the JIT compilers of the service and of node; with a slow upstream more connections
            // give them as many requests as at 0 ms.
            int warmConnections = latency == 0 ? sessions : Math.max(sessions, 4 * sessions);
            for (Target target : Target.values()) {
                Load.run(chats(target, endpoints, clients, warmConnections, turnsPerSession, 1000), warmup, watched);
            }

            Map<String, Map<Target, Figures>> levels = new LinkedHashMap<>();
            Instant measuring = Instant.now(); // the profile leaves out start-up and warm-up
            levels.put(
                    IDLE, level(processes, endpoints, clients, 1, duration, segment, turnsPerSession, watched, 2000));
            // The service's CPU by thread over the loaded level (it idles in the other targets' segments):
            // request threads vs garbage collector vs JIT compiler.
            Map<String, Double> threadsBefore = Proc.cpuMillisByThread(processes.pid(service));
            levels.put(
                    sessions + " connections",
                    level(processes, endpoints, clients, sessions, duration, segment, turnsPerSession, watched, 3000));
            Map<String, Double> threads = new LinkedHashMap<>();
            Proc.cpuMillisByThread(processes.pid(service))
                    .forEach((name, ms) -> threads.put(name, ms - threadsBefore.getOrDefault(name, 0.0)));
            int serviceTurns =
                    levels.get(sessions + " connections").get(Target.SERVICE).turns();

            Map<String, Long> memory = new LinkedHashMap<>();
            memory.put("emulator", Proc.peakRssKb(processes.pid(emulator)));
            memory.put("service", Proc.peakRssKb(processes.pid(service)));
            memory.put("Portkey", Proc.peakRssKb(processes.pid(portkey)));
            if (db.equals("postgres")) {
                memory.put("PostgreSQL (now, all its processes)", Proc.rssKbWithChildren(shared.postgresPid()));
            }
            long ready = processes.readyMillis(service);
            processes.close(); // stops the service, which writes the flight recording
            String profileText = (profile ? Profile.summarize(recording, 20, measuring) + "\n" : "")
                    + threadTable(threads, serviceTurns, sessions);
            return new Config(db, latency, sessions, levels, memory, ready, profileText);
        } finally {
            deleteTree(data);
        }
    }

    /** The service's CPU per turn by kind of thread, largest first. */
    private static String threadTable(Map<String, Double> threads, int turns, int sessions) {
        StringBuilder out = new StringBuilder("Service CPU by thread during the " + sessions + "-connection level "
                + "(from /proc/<pid>/task; \"ForkJoinPool\" = the carriers of the virtual threads that serve requests):\n\n"
                + "| threads | CPU ms per service turn |\n|---|---|\n");
        threads.entrySet().stream()
                .filter(e -> e.getValue() / Math.max(1, turns) >= 0.005)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e ->
                        out.append(String.format("| %s | %.3f |%n", e.getKey(), e.getValue() / Math.max(1, turns))));
        return out.toString();
    }

    /** Rounds of one segment per target, the order rotating each round; figures over all rounds. */
    private static Map<Target, Figures> level(
            Processes processes,
            Chat.Endpoints endpoints,
            Map<Target, HttpClient> clients,
            int connections,
            Duration duration,
            Duration segment,
            int turnsPerSession,
            List<Watched> watched,
            int idBase)
            throws Exception {
        Map<Target, List<Chat>> chats = new EnumMap<>(Target.class);
        Map<Target, List<Segment>> segments = new EnumMap<>(Target.class);
        for (Target target : Target.values()) {
            chats.put(target, chats(target, endpoints, clients, connections, turnsPerSession, idBase));
            segments.put(target, new ArrayList<>());
        }
        long rounds = Math.max(1, duration.toMillis() / segment.toMillis());
        Target[] order = Target.values();
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < order.length; i++) {
                Target target = order[(round + i) % order.length];
                segments.get(target).add(Load.run(chats.get(target), segment, watched));
                processes.requireAlive();
            }
            System.out.printf("  %d connection(s): round %d/%d%n", connections, round + 1, rounds);
        }
        Map<Target, Figures> figures = new EnumMap<>(Target.class);
        segments.forEach((target, list) -> figures.put(target, figures(list)));
        return figures;
    }

    private static Figures figures(List<Segment> segments) {
        int turns = segments.stream().mapToInt(Segment::turns).sum();
        long[] latencies = segments.stream()
                .flatMapToLong(s -> Arrays.stream(s.latenciesNanos()))
                .sorted()
                .toArray();
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (String process : segments.getFirst().cpuMillis().keySet()) {
            // Summed over the rounds, then divided: one segment's CPU is only a few 10 ms clock ticks.
            cpu.put(
                    process,
                    segments.stream()
                                    .mapToDouble(s -> s.cpuMillis().get(process))
                                    .sum()
                            / Math.max(1, turns));
        }
        double rate = Load.median(segments.stream().map(Segment::turnsPerSecond).toList());
        return new Figures(
                rate,
                latencies,
                cpu,
                turns,
                segments.stream().mapToInt(Segment::errors).sum());
    }

    private static List<Chat> chats(
            Target target,
            Chat.Endpoints endpoints,
            Map<Target, HttpClient> clients,
            int count,
            int turnsPerSession,
            int idBase) {
        List<Chat> chats = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chats.add(new Chat(target, endpoints, clients.get(target), idBase + i, turnsPerSession));
        }
        return chats;
    }

    /** The process a target adds on top of the emulator. */
    private static String own(Target target) {
        return switch (target) {
            case DIRECT -> "emulator";
            case SERVICE -> "service";
            case PORTKEY -> "Portkey";
        };
    }

    /** CPU per turn of what a target adds: the service with its database server when it has one. */
    static double addedCpu(Figures figures, Target target) {
        double cpu = figures.cpuPerTurn().get(own(target));
        if (target == Target.SERVICE) {
            cpu += figures.cpuPerTurn().getOrDefault("PostgreSQL", 0.0);
        }
        return cpu;
    }

    private static List<Check> checks(List<Config> configs, int sessions) {
        List<Check> checks = new ArrayList<>();
        String loaded = sessions + " connections";
        for (Config c : configs) {
            String where = c.db() + ", " + c.latencyMs() + " ms upstream";
            Map<Target, Figures> load = c.levels().get(loaded);
            if (c.latencyMs() == 0) {
                double service = addedCpu(load.get(Target.SERVICE), Target.SERVICE);
                double portkey = addedCpu(load.get(Target.PORTKEY), Target.PORTKEY);
                String pg = c.db().equals("postgres")
                        ? String.format(
                                " (JVM %.3f + PostgreSQL %.3f)",
                                load.get(Target.SERVICE).cpuPerTurn().get("service"),
                                load.get(Target.SERVICE).cpuPerTurn().get("PostgreSQL"))
                        : " (H2 inside the JVM)";
                checks.add(new Check(
                        "CPU per turn ≤ 0.5 × Portkey's per request (" + where + ", " + loaded + ")",
                        String.format(
                                "service %.3f ms%s vs Portkey %.3f ms: ratio %.2f",
                                service, pg, portkey, service / portkey),
                        service <= 0.5 * portkey));
                // Issue 10: the production path (budgets on) at least as fast as the old budgets-off figures.
                checks.add(new Check(
                        "CPU per turn incl. the database ≤ 2 ms (" + where + ", " + loaded + ")",
                        String.format("service %.3f ms%s", service, pg),
                        service <= 2.0));
                double rate = load.get(Target.SERVICE).turnsPerSecond();
                checks.add(new Check(
                        "turns/s ≥ 800 (" + where + ", " + loaded + ")",
                        String.format(
                                "service %.0f (Portkey %.0f)",
                                rate, load.get(Target.PORTKEY).turnsPerSecond()),
                        rate >= 800));
            }
            Map<Target, Figures> idle = c.levels().get(IDLE);
            double addedIdle =
                    idle.get(Target.SERVICE).p(0.5) - idle.get(Target.DIRECT).p(0.5);
            double portkeyIdle =
                    idle.get(Target.PORTKEY).p(0.5) - idle.get(Target.DIRECT).p(0.5);
            checks.add(new Check(
                    "added median latency on an idle connection ≤ 1 ms (" + where + ")",
                    String.format("service %+.2f ms (Portkey %+.2f ms)", addedIdle, portkeyIdle),
                    addedIdle <= 1.0));
            double addedP99 =
                    load.get(Target.SERVICE).p(0.99) - load.get(Target.DIRECT).p(0.99);
            double portkeyP99 =
                    load.get(Target.PORTKEY).p(0.99) - load.get(Target.DIRECT).p(0.99);
            checks.add(new Check(
                    "added p99 at " + loaded + " ≤ Portkey's (" + where + ")",
                    String.format("service %+.2f ms vs Portkey %+.2f ms", addedP99, portkeyP99),
                    addedP99 <= portkeyP99));
        }
        return checks;
    }

    private static String markdown(
            String command,
            Path root,
            List<Config> configs,
            List<Check> checks,
            int sessions,
            Duration duration,
            Duration segment,
            Duration warmup,
            int turnsPerSession,
            String postgresVersion,
            boolean budgets)
            throws Exception {
        StringBuilder out =
                new StringBuilder("# Turn overhead: emulator directly vs Lisa service vs Portkey gateway\n\n");
        out.append("Command: `").append(command).append("`\n\n");
        out.append("Run at ")
                .append(Instant.now())
                .append(" on ")
                .append(Environment.describe())
                .append("; ");
        out.append("service at commit ")
                .append(Environment.commit(root))
                .append(", Portkey ")
                .append(Processes.PORTKEY_PACKAGE)
                .append(" ")
                .append(Processes.PORTKEY_VERSION)
                .append(" on node ")
                .append(Environment.nodeVersion());
        if (postgresVersion != null) {
            out.append(", ").append(postgresVersion);
        }
        out.append(".\n\n");
        out.append(
                budgets
                        ? String.format(
                                "Budgets on, as in production but never binding: %,d requests/min, %,d input tokens/min, "
                                        + "%,d requests/day (every turn is counted and decided by the quota ledger).%n%n",
                                Processes.NON_BINDING_RPM, Processes.NON_BINDING_TPM, Processes.NON_BINDING_RPD)
                        : "Budgets off (`--budgets off`): every budget 0 = unlimited, so the quota ledger decides nothing "
                                + "(not the production path; for comparison).\n\n");
        out.append("Each load level: ")
                .append(duration.toSeconds())
                .append(" s per target, in segments of ")
                .append(segment.toMillis() / 1000.0)
                .append(" s interleaved (a, b, c / b, c, a / c, a, b ...), after ")
                .append(warmup.toSeconds())
                .append(" s of warm-up per target. A conversation starts afresh every ")
                .append(turnsPerSession)
                .append(" turns (a new session for the service). turns/s: median over the ")
                .append("segments; latencies: percentiles over every turn of the level; \"added\": minus (a)'s ")
                .append("percentile; CPU: ms of user+system time of each process over the level's segments ÷ turns ")
                .append("answered in them (so each row shows what that target cost every process). \"driver\" is the ")
                .append("load generator's own JVM.\n\n");
        out.append("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        for (Check check : checks) {
            out.append("| ")
                    .append(check.target())
                    .append(" | ")
                    .append(check.measured())
                    .append(" | ")
                    .append(check.verdict())
                    .append(" |\n");
        }
        for (Config c : configs) {
            out.append("\n## ")
                    .append(c.db().equals("h2") ? "Embedded H2 (file)" : "PostgreSQL")
                    .append(", upstream ")
                    .append(c.latencyMs())
                    .append(" ms\n");
            List<String> processes = new ArrayList<>(c.levels()
                    .values()
                    .iterator()
                    .next()
                    .get(Target.DIRECT)
                    .cpuPerTurn()
                    .keySet());
            for (var level : c.levels().entrySet()) {
                Map<Target, Figures> f = level.getValue();
                Figures direct = f.get(Target.DIRECT);
                out.append("\n### ").append(level.getKey()).append("\n\n");
                out.append("| target | turns/s | p50 ms | p90 ms | p99 ms | added p50 | added p90 | added p99 | ");
                processes.forEach(p -> out.append("CPU ms/turn ").append(p).append(" | "));
                out.append("turns | errors |\n|---|");
                out.append("---|".repeat(7 + processes.size() + 2)).append("\n");
                for (Target t : Target.values()) {
                    Figures x = f.get(t);
                    out.append("| ").append(t.label).append(" | ").append(String.format("%.0f", x.turnsPerSecond()));
                    for (double q : new double[] {0.5, 0.9, 0.99}) {
                        out.append(" | ").append(Report.ms(x.p(q)));
                    }
                    for (double q : new double[] {0.5, 0.9, 0.99}) {
                        out.append(" | ").append(t == Target.DIRECT ? "-" : Report.signedMs(x.p(q) - direct.p(q)));
                    }
                    for (String p : processes) {
                        out.append(" | ")
                                .append(String.format("%.3f", x.cpuPerTurn().get(p)));
                    }
                    out.append(" | ")
                            .append(x.turns())
                            .append(" | ")
                            .append(x.errors())
                            .append(" |\n");
                }
            }
            out.append(
                    "\nMemory (peak RSS over the process's life, VmHWM) and start-up:\n\n| process | MB |\n|---|---|\n");
            c.memoryKb()
                    .forEach((p, kb) -> out.append("| ")
                            .append(p)
                            .append(" | ")
                            .append(String.format("%.0f", kb / 1024.0))
                            .append(" |\n"));
            out.append("\nService ready (first 200 from /api/v1/health) ")
                    .append(c.serviceReadyMs())
                    .append(" ms after its process started.\n");
            if (c.profile() != null) {
                out.append("\n#### Where the service's CPU goes\n\n").append(c.profile());
            }
        }
        return out.toString();
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp folder left behind is harmless
        }
    }
}
