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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turn overhead: the same conversations, as fast as they are answered, through (a) the emulator
 * directly, (b) the service and (c) the Portkey gateway, in front of an emulator answering at once
 * and one answering after 200 ms. The service runs as in production, with budgets set (so every turn
 * is counted and decided by its quota ledger) but far too high to bind; {@code --budgets off} sets
 * them to 0 (unlimited, the ledger is skipped) for comparison. Authentication is on as in production:
 * {@code --auth jwt} (the default) gives every client its own signed token, checked on every request;
 * {@code --auth none,jwt} runs a service of each mode side by side as two targets, which measures what
 * authentication costs. The targets are measured in one run, interleaved in short segments (a, b, c,
 * then b, c, a, ...), so the machine's noise hits them alike. Three levels: one connection, the
 * connections as fast as they are answered, and the same connections paced at one rate for every
 * target (80 % of the slower of service and Portkey), so that tails are compared at the same load.
 *
 * <pre>./dev bench overhead [--sessions 16] [--duration 20] [--db h2|postgres|both] [--latencies 0,200]
 *                        [--segment 2] [--warmup 10] [--turns-per-session 10] [--budgets on|off]
 *                        [--auth jwt|api-key|none|none,jwt|...] [--pg-synchronous-commit on|off]
 *                        [--profile false] [--variants "name:--key=value -Xopt;name2:..."]</pre>
 */
public final class OverheadBench {

    private static final String IDLE = "idle connection (1 connection, one turn at a time)";

    /**
     * One of the ways to the model measured side by side: (a), (c), or (b) the service with one
     * authentication mode ({@code auth} is null for the others) and, with {@code --variants}, one variant of its
     * settings ({@code variant} is empty without).
     *
     * @param process     the watched process the lane adds on top of the emulator
     * @param settings    the variant's {@code --key=value} settings of the service
     * @param jvmOptions  the variant's options of the service's JVM ({@code -X...}, {@code -D...})
     */
    record Lane(
            Target target,
            Auth.Mode auth,
            String label,
            String process,
            String variant,
            List<String> settings,
            List<String> jvmOptions) {

        static List<Lane> of(List<Auth.Mode> modes, List<Variant> variants) {
            List<Lane> lanes = new ArrayList<>(List.of(other(Target.DIRECT, "emulator")));
            List<Variant> each = variants.isEmpty() ? List.of(new Variant("", List.of())) : variants;
            boolean several = modes.size() * each.size() > 1;
            for (Auth.Mode mode : modes) {
                for (Variant variant : each) {
                    String name = name(mode, variant.name());
                    lanes.add(new Lane(
                            Target.SERVICE,
                            mode,
                            Target.SERVICE.label + ", auth " + name,
                            several ? "service " + name : "service",
                            variant.name(),
                            variant.options().stream()
                                    .filter(o -> !jvmOption(o))
                                    .toList(),
                            variant.options().stream().filter(Lane::jvmOption).toList()));
                }
            }
            lanes.add(other(Target.PORTKEY, "Portkey"));
            return lanes;
        }

        /** {@code -X...} and {@code -D...} go to the JVM; {@code --key=value} to the service. */
        static boolean jvmOption(String option) {
            return option.startsWith("-X") || option.startsWith("-D");
        }

        private static Lane other(Target target, String process) {
            return new Lane(target, null, target.label, process, "", List.of(), List.of());
        }

        /** The service lane's authentication mode and variant, e.g. "jwt" or "jwt pool4". */
        String name() {
            return name(auth, variant);
        }

        private static String name(Auth.Mode auth, String variant) {
            return auth.option + (variant.isEmpty() ? "" : " " + variant);
        }
    }

    /**
     * A variant of the service measured beside the others in the same run ({@code --variants
     * "name:--key=value -Xopt;name2:..."}): settings ({@code --...}) and JVM options ({@code -X...}, {@code -D...}) on top of the
     * bench's own, so that the noise of the machine hits both alike.
     */
    record Variant(String name, List<String> options) {

        static List<Variant> parse(String text) {
            if (text == null || text.isBlank()) {
                return List.of();
            }
            List<Variant> variants = new ArrayList<>();
            for (String one : text.split(";")) {
                int colon = one.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("a variant is name:options, not " + one);
                }
                variants.add(new Variant(
                        one.substring(0, colon).strip(),
                        Arrays.stream(one.substring(colon + 1).strip().split("\\s+"))
                                .filter(o -> !o.isEmpty())
                                .toList()));
            }
            return variants;
        }
    }

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
            Map<String, Map<Lane, Figures>> levels,
            Map<String, Long> memoryKb,
            Map<Lane, Long> serviceReadyMs,
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
        String synchronousCommit = options.getOrDefault("pg-synchronous-commit", "on");
        String auth = options.getOrDefault("auth", Auth.Mode.JWT.option);
        String variants = options.getOrDefault("variants", "");
        List<Lane> lanes = Lane.of(Auth.Mode.list(auth), Variant.parse(variants));
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        String systemPrompt = LisaInstruction.read(root);

        List<Config> configs = new ArrayList<>();
        String postgresVersion = null;
        for (String database : dbs) {
            try (Processes shared = new Processes(root)) { // PostgreSQL lives across the latencies of one run
                shared.postgresSynchronousCommit(synchronousCommit);
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
                            budgets.equals("on"),
                            lanes));
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
                + " --turns-per-session " + turnsPerSession + " --budgets " + budgets + " --auth " + auth
                + (dbs.contains("postgres") ? " --pg-synchronous-commit " + synchronousCommit : "")
                + (profile ? " --profile true" : "")
                + (variants.isBlank() ? "" : " --variants '" + variants + "'");
        List<Check> checks = checks(configs, sessions, lanes);
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
                budgets.equals("on"),
                lanes);
        Path out = root.resolve("bench/results/overhead" + (dbs.size() == 1 ? "-" + db : "")
                + (budgets.equals("on") ? "" : "-budgets-off")
                + (auth.equals(Auth.Mode.JWT.option) ? "" : "-auth-" + auth.replace(',', '-')) + ".md");
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
            boolean budgets,
            List<Lane> lanes)
            throws Exception {
        System.out.printf("== %s, upstream latency %d ms, budgets %s ==%n", db, latency, budgets ? "on" : "off");
        Path data = Files.createTempDirectory("lisa-bench-");
        try (Processes processes = new Processes(root)) {
            String emulator = processes.emulator("--latency-ms", String.valueOf(latency));
            Map<Lane, String> services = new LinkedHashMap<>();
            Map<Lane, Path> recordings = new LinkedHashMap<>();
            for (Lane lane : serviceLanes(lanes)) {
                List<String> settings =
                        new ArrayList<>(List.of(budgets ? Processes.nonBindingQuota() : Processes.unlimitedQuota()));
                String file = lane.name().replace(' ', '-');
                String jdbc;
                if (db.equals("postgres")) {
                    jdbc = shared.postgresDatabase(); // a database of its own for each service
                    settings.addAll(
                            List.of("--spring.datasource.username=postgres", "--spring.datasource.password=postgres"));
                } else {
                    jdbc = "jdbc:h2:file:" + data.resolve("lisa-" + file);
                }
                List<String> jvmOptions = new ArrayList<>(lane.jvmOptions());
                if (profile) {
                    Path recording =
                            root.resolve("bench/results/logs/service-" + db + "-" + latency + "ms-" + file + ".jfr");
                    recordings.put(lane, recording);
                    jvmOptions.add(
                            "-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true");
                }
                processes.serviceJvmOptions(jvmOptions.toArray(String[]::new));
                settings.addAll(lane.settings());
                services.put(lane, processes.service(lane.auth(), emulator, jdbc, settings.toArray(String[]::new)));
            }
            String portkey = processes.portkey();
            Map<Lane, Chat.Endpoints> endpoints = new LinkedHashMap<>();
            for (Lane lane : lanes) {
                String service =
                        services.getOrDefault(lane, services.values().iterator().next());
                endpoints.put(
                        lane,
                        new Chat.Endpoints(emulator, service, processes.credentials(service), portkey, systemPrompt));
            }

            List<Watched> watched = new ArrayList<>(List.of(Watched.process("emulator", processes.pid(emulator))));
            services.forEach((lane, service) -> watched.add(Watched.process(lane.process(), processes.pid(service))));
            watched.add(Watched.process("Portkey", processes.pid(portkey)));
            if (db.equals("postgres")) {
                watched.add(Watched.withChildren("PostgreSQL", shared.postgresPid()));
            }
            watched.add(Watched.process("driver", Proc.self()));

            Map<Lane, HttpClient> clients = new LinkedHashMap<>();
            for (Lane lane : lanes) {
                clients.put(lane, Chat.client());
                Chat probe = new Chat(lane.target(), endpoints.get(lane), clients.get(lane), 0, turnsPerSession);
                probe.prepare();
                String reply = probe.turn();
                if (!reply.startsWith("Hallo, hier ist Lisa!")) { // proves the request went through to the emulator
                    throw new IllegalStateException(
                            lane.label() + " did not pass the emulator's reply through: " + reply);
                }
            }
            // Warm-up: the JIT compilers of the service and of node; with a slow upstream more connections
            // give them as many requests as at 0 ms.
            int warmConnections = latency == 0 ? sessions : Math.max(sessions, 4 * sessions);
            for (Lane lane : lanes) {
                Load.run(chats(lane, endpoints, clients, warmConnections, turnsPerSession, 1000), warmup, watched);
            }

            Map<String, Map<Lane, Figures>> levels = new LinkedHashMap<>();
            Instant measuring = Instant.now(); // the profile leaves out start-up and warm-up
            Level level = (connections, idBase, rate) -> level(
                    processes,
                    lanes,
                    endpoints,
                    clients,
                    connections,
                    duration,
                    segment,
                    turnsPerSession,
                    watched,
                    idBase,
                    rate);
            levels.put(IDLE, level.run(1, 2000, 0));
            // Each service's CPU by thread over the loaded level (it idles in the other targets' segments):
            // request threads vs garbage collector vs JIT compiler.
            Map<Lane, Map<String, Double>> threadsBefore = new LinkedHashMap<>();
            services.forEach(
                    (lane, service) -> threadsBefore.put(lane, Proc.cpuMillisByThread(processes.pid(service))));
            String loaded = sessions + " connections";
            levels.put(loaded, level.run(sessions, 3000, 0));
            StringBuilder threadTables = new StringBuilder();
            services.forEach((lane, service) -> {
                Map<String, Double> threads = new LinkedHashMap<>();
                Proc.cpuMillisByThread(processes.pid(service))
                        .forEach((name, ms) ->
                                threads.put(name, ms - threadsBefore.get(lane).getOrDefault(name, 0.0)));
                threadTables
                        .append(threadTables.isEmpty() ? "" : "\n")
                        .append(threadTable(
                                lane, threads, levels.get(loaded).get(lane).turns(), sessions));
            });

            // The same offered rate for every target: a closed loop runs each at its own saturation, so the faster
            // chain also loads the machine more, and its tail is measured under more contention than the slower
            // one's. Paced at 80 % of the slower target's rate, every target is compared at one load.
            double common = 0.8
                    * levels.get(loaded).entrySet().stream()
                            .filter(e -> e.getKey().target() != Target.DIRECT)
                            .mapToDouble(e -> e.getValue().turnsPerSecond())
                            .min()
                            .orElseThrow();
            double rate = Math.max(10, Math.floor(common / 10) * 10);
            levels.put(paced(sessions, rate), level.run(sessions, 4000, rate));
            Map<String, Long> memory = new LinkedHashMap<>();
            memory.put("emulator", Proc.peakRssKb(processes.pid(emulator)));
            services.forEach((lane, service) -> memory.put(lane.process(), Proc.peakRssKb(processes.pid(service))));
            memory.put("Portkey", Proc.peakRssKb(processes.pid(portkey)));
            if (db.equals("postgres")) {
                memory.put("PostgreSQL (now, all its processes)", Proc.rssKbWithChildren(shared.postgresPid()));
            }
            Map<Lane, Long> ready = new LinkedHashMap<>();
            services.forEach((lane, service) -> ready.put(lane, processes.readyMillis(service)));
            processes.close(); // stops the services, which write their flight recordings
            StringBuilder profileText = new StringBuilder();
            for (var recording : recordings.entrySet()) {
                profileText
                        .append(
                                recordings.size() > 1
                                        ? "Service with auth "
                                                + recording.getKey().name() + ":\n\n"
                                        : "")
                        .append(Profile.summarize(recording.getValue(), 20, measuring))
                        .append("\n");
            }
            profileText.append(threadTables);
            return new Config(db, latency, sessions, levels, memory, ready, profileText.toString());
        } finally {
            deleteTree(data);
        }
    }

    /** The name of the level where every target gets the same rate. */
    static String paced(int connections, double turnsPerSecond) {
        return String.format("%d connections at %.0f turns/s", connections, turnsPerSecond);
    }

    private static List<Lane> serviceLanes(List<Lane> lanes) {
        return lanes.stream().filter(lane -> lane.target() == Target.SERVICE).toList();
    }

    /** A service's CPU per turn by kind of thread, largest first. */
    private static String threadTable(Lane lane, Map<String, Double> threads, int turns, int sessions) {
        StringBuilder out = new StringBuilder("CPU of the service with auth " + lane.name() + " by thread during the "
                + sessions + "-connection level "
                + "(from /proc/<pid>/task; \"ForkJoinPool\" = the carriers of the virtual threads that serve requests):\n\n"
                + "| threads | CPU ms per service turn |\n|---|---|\n");
        threads.entrySet().stream()
                .filter(e -> e.getValue() / Math.max(1, turns) >= 0.005)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e ->
                        out.append(String.format("| %s | %.3f |%n", e.getKey(), e.getValue() / Math.max(1, turns))));
        return out.toString();
    }

    /** One load level of the run: {@code connections} clients numbered from {@code idBase}, at {@code rate} if above 0. */
    @FunctionalInterface
    private interface Level {
        Map<Lane, Figures> run(int connections, int idBase, double rate) throws Exception;
    }

    /**
     * Rounds of one segment per lane, the order rotating each round; figures over all rounds. With {@code
     * turnsPerSecond} above 0 each target gets that rate ({@link Load#run(List, Duration, List, double)}).
     */
    private static Map<Lane, Figures> level(
            Processes processes,
            List<Lane> lanes,
            Map<Lane, Chat.Endpoints> endpoints,
            Map<Lane, HttpClient> clients,
            int connections,
            Duration duration,
            Duration segment,
            int turnsPerSession,
            List<Watched> watched,
            int idBase,
            double turnsPerSecond)
            throws Exception {
        Map<Lane, List<Chat>> chats = new LinkedHashMap<>();
        Map<Lane, List<Segment>> segments = new LinkedHashMap<>();
        for (Lane lane : lanes) {
            chats.put(lane, chats(lane, endpoints, clients, connections, turnsPerSession, idBase));
            segments.put(lane, new ArrayList<>());
        }
        long rounds = Math.max(1, duration.toMillis() / segment.toMillis());
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < lanes.size(); i++) {
                Lane lane = lanes.get((round + i) % lanes.size());
                segments.get(lane).add(Load.run(chats.get(lane), segment, watched, turnsPerSecond));
                processes.requireAlive();
            }
            System.out.printf(
                    "  %d connection(s)%s: round %d/%d%n",
                    connections,
                    turnsPerSecond > 0 ? String.format(" at %.0f turns/s", turnsPerSecond) : "",
                    round + 1,
                    rounds);
        }
        Map<Lane, Figures> figures = new LinkedHashMap<>();
        segments.forEach((lane, list) -> figures.put(lane, figures(list)));
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

    /** {@code count} clients of a lane, numbered from {@code idBase}: with authentication, one owner each. */
    private static List<Chat> chats(
            Lane lane,
            Map<Lane, Chat.Endpoints> endpoints,
            Map<Lane, HttpClient> clients,
            int count,
            int turnsPerSession,
            int idBase) {
        List<Chat> chats = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chats.add(new Chat(lane.target(), endpoints.get(lane), clients.get(lane), idBase + i, turnsPerSession));
        }
        return chats;
    }

    /** CPU per turn of what a lane adds: the service with its database server when it has one. */
    static double addedCpu(Figures figures, Lane lane) {
        double cpu = figures.cpuPerTurn().get(lane.process());
        if (lane.target() == Target.SERVICE) {
            cpu += figures.cpuPerTurn().getOrDefault("PostgreSQL", 0.0);
        }
        return cpu;
    }

    private static List<Check> checks(List<Config> configs, int sessions, List<Lane> lanes) {
        List<Check> checks = new ArrayList<>();
        String loaded = sessions + " connections";
        Lane direct = lanes.getFirst();
        Lane portkeyLane = lanes.getLast();
        for (Config c : configs) {
            Map<Lane, Figures> load = c.levels().get(loaded);
            Map<Lane, Figures> idle = c.levels().get(IDLE);
            for (Lane lane : serviceLanes(lanes)) {
                String where = c.db() + ", " + c.latencyMs() + " ms upstream, auth " + lane.name();
                if (c.latencyMs() == 0) {
                    double service = addedCpu(load.get(lane), lane);
                    double portkey = addedCpu(load.get(portkeyLane), portkeyLane);
                    String pg = c.db().equals("postgres")
                            ? String.format(
                                    " (JVM %.3f + PostgreSQL %.3f)",
                                    load.get(lane).cpuPerTurn().get(lane.process()),
                                    load.get(lane).cpuPerTurn().get("PostgreSQL"))
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
                    double rate = load.get(lane).turnsPerSecond();
                    checks.add(new Check(
                            "turns/s ≥ 800 (" + where + ", " + loaded + ")",
                            String.format(
                                    "service %.0f (Portkey %.0f)",
                                    rate, load.get(portkeyLane).turnsPerSecond()),
                            rate >= 800));
                }
                double addedIdle = idle.get(lane).p(0.5) - idle.get(direct).p(0.5);
                double portkeyIdle =
                        idle.get(portkeyLane).p(0.5) - idle.get(direct).p(0.5);
                checks.add(new Check(
                        "added median latency on an idle connection ≤ 1 ms (" + where + ")",
                        String.format("service %+.2f ms (Portkey %+.2f ms)", addedIdle, portkeyIdle),
                        addedIdle <= 1.0));
                double addedP99 = load.get(lane).p(0.99) - load.get(direct).p(0.99);
                double portkeyP99 =
                        load.get(portkeyLane).p(0.99) - load.get(direct).p(0.99);
                checks.add(new Check(
                        "added p99 at " + loaded + " ≤ Portkey's (" + where + ")",
                        String.format("service %+.2f ms vs Portkey %+.2f ms", addedP99, portkeyP99),
                        addedP99 <= portkeyP99));
                c.levels().entrySet().stream()
                        .filter(level -> level.getKey().startsWith(loaded + " at "))
                        .findFirst()
                        .ifPresent(level -> {
                            Map<Lane, Figures> paced = level.getValue();
                            double added =
                                    paced.get(lane).p(0.99) - paced.get(direct).p(0.99);
                            double portkey = paced.get(portkeyLane).p(0.99)
                                    - paced.get(direct).p(0.99);
                            checks.add(new Check(
                                    "added p99 at " + level.getKey() + " ≤ Portkey's (" + where + ")",
                                    String.format(
                                            "service %+.2f ms vs Portkey %+.2f ms (added p50 %+.2f vs %+.2f)",
                                            added,
                                            portkey,
                                            paced.get(lane).p(0.5)
                                                    - paced.get(direct).p(0.5),
                                            paced.get(portkeyLane).p(0.5)
                                                    - paced.get(direct).p(0.5)),
                                    added <= portkey));
                        });
            }
            authenticationCost(c, lanes, load, loaded).ifPresent(checks::add);
        }
        return checks;
    }

    /**
     * With a service without authentication among the lanes: what each mode with authentication costs
     * beside it, in the same run (reported, no target).
     */
    private static java.util.Optional<Check> authenticationCost(
            Config c, List<Lane> lanes, Map<Lane, Figures> load, String loaded) {
        List<Lane> services = serviceLanes(lanes);
        java.util.Optional<Lane> none =
                services.stream().filter(l -> l.auth() == Auth.Mode.NONE).findFirst();
        if (none.isEmpty() || services.size() < 2) {
            return java.util.Optional.empty();
        }
        Figures without = load.get(none.get());
        double cpuWithout = addedCpu(without, none.get());
        List<String> measured = new ArrayList<>();
        for (Lane lane : services) {
            if (lane.auth() == Auth.Mode.NONE) {
                continue;
            }
            Figures with = load.get(lane);
            double cpu = addedCpu(with, lane);
            measured.add(String.format(
                    "%s %.3f ms vs none %.3f ms CPU per turn (%+.3f ms, ×%.2f); %.0f vs %.0f turns/s (×%.2f); "
                            + "added p99 %+.2f ms vs none",
                    lane.name(),
                    cpu,
                    cpuWithout,
                    cpu - cpuWithout,
                    cpu / cpuWithout,
                    with.turnsPerSecond(),
                    without.turnsPerSecond(),
                    with.turnsPerSecond() / without.turnsPerSecond(),
                    with.p(0.99) - without.p(0.99)));
        }
        return java.util.Optional.of(new Check(
                "cost of authentication (" + c.db() + ", " + c.latencyMs() + " ms upstream, " + loaded + ")",
                String.join("; ", measured),
                null));
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
            boolean budgets,
            List<Lane> lanes)
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
        out.append(authentication(lanes));
        out.append("Each load level: ")
                .append(duration.toSeconds())
                .append(" s per target, in segments of ")
                .append(segment.toMillis() / 1000.0)
                .append(" s interleaved (a, b, c / b, c, a / c, a, b ...; each service is a target of its own), after ")
                .append(warmup.toSeconds())
                .append(" s of warm-up per target. A conversation starts afresh every ")
                .append(turnsPerSession)
                .append(" turns (a new session for the service). turns/s: median over the ")
                .append("segments; latencies: percentiles over every turn of the level; \"added\": minus (a)'s ")
                .append("percentile; CPU: ms of user+system time of each process over the level's segments ÷ turns ")
                .append("answered in them (so each row shows what that target cost every process). \"driver\" is the ")
                .append("load generator's own JVM. The last level offers every target the same rate: the same ")
                .append(
                        "connections, each sending on a fixed schedule, together at 80 % of the slower of the service's ")
                .append("and Portkey's rate in the level before (a closed loop runs each target at its own ")
                .append("saturation, so the faster one is measured under more load); a turn's latency there counts ")
                .append("from when it was due, so a stall counts for every turn it held up.\n\n");
        out.append(Report.targets(checks));
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
                    .get(lanes.getFirst())
                    .cpuPerTurn()
                    .keySet());
            for (var level : c.levels().entrySet()) {
                Map<Lane, Figures> f = level.getValue();
                Figures direct = f.get(lanes.getFirst());
                out.append("\n### ").append(level.getKey()).append("\n\n");
                out.append("| target | turns/s | p50 ms | p90 ms | p99 ms | added p50 | added p90 | added p99 | ");
                processes.forEach(p -> out.append("CPU ms/turn ").append(p).append(" | "));
                out.append("turns | errors |\n|---|");
                out.append("---|".repeat(7 + processes.size() + 2)).append("\n");
                for (Lane lane : lanes) {
                    Figures x = f.get(lane);
                    out.append("| ")
                            .append(lane.label())
                            .append(" | ")
                            .append(String.format("%.0f", x.turnsPerSecond()));
                    for (double q : new double[] {0.5, 0.9, 0.99}) {
                        out.append(" | ").append(Report.ms(x.p(q)));
                    }
                    for (double q : new double[] {0.5, 0.9, 0.99}) {
                        out.append(" | ")
                                .append(lane.target() == Target.DIRECT ? "-" : Report.signedMs(x.p(q) - direct.p(q)));
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
            c.serviceReadyMs()
                    .forEach((lane, ms) -> out.append("\nService with auth ")
                            .append(lane.name())
                            .append(" ready (first 200 from /api/v1/health) ")
                            .append(ms)
                            .append(" ms after its process started.\n"));
            if (c.profile() != null) {
                out.append("\n#### Where the service's CPU goes\n\n").append(c.profile());
            }
        }
        return out.toString();
    }

    /** What the service lanes' clients send, and which limits apply to them. */
    private static String authentication(List<Lane> lanes) {
        List<String> modes = new ArrayList<>();
        for (Lane lane : serviceLanes(lanes)) {
            modes.add(
                    switch (lane.auth()) {
                        case JWT ->
                            "`LISA_AUTH_MODE=jwt` (the production path): every client (connection) sends its own RS256 "
                                    + "token (role agent, its own owner), which the service checks on every request "
                                    + "against the JWKS the bench serves (signature, issuer, audience, validity); "
                                    + String.format(
                                            "per-owner limits set but never binding (%,d active sessions, sessions "
                                                    + "and messages per minute), so every request is counted",
                                            Auth.NON_BINDING_OWNER_LIMIT);
                        case API_KEY ->
                            "`LISA_AUTH_MODE=api-key`: every client sends its own API key (role agent), created through "
                                    + "the admin API with an admin key made by `api-key create`; API keys have no "
                                    + "per-owner limits";
                        case NONE ->
                            "`LISA_AUTH_MODE=none`: no credential, no per-owner limits (not the production path)";
                    });
        }
        return (modes.size() == 1 ? "Authentication: " : "Authentication, one service per mode: ")
                + String.join("; ", modes) + ".\n\n";
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp folder left behind is harmless
        }
    }
}
