package com.callcenter.lisa.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts the emulator and the service as separate processes on 127.0.0.1, and stops them by PID. */
final class Processes implements AutoCloseable {

    private final Path root;
    private final Path javaBinary;
    private final Path logs;
    private final List<Process> started = new ArrayList<>();

    Processes(Path root) throws IOException {
        this.root = root;
        this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
        this.logs = Files.createDirectories(root.resolve("bench/results/logs"));
    }

    /** The emulator jar with the given options; returns its base URL once it listens. */
    String emulator(String... options) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaBinary.toString(), "-jar",
                root.resolve("emulator/target/gemini-emulator.jar").toString(), "--port", String.valueOf(port)));
        command.addAll(List.of(options));
        start("emulator-" + port, command);
        String url = "http://127.0.0.1:" + port;
        awaitHttp(url + "/v1beta/models/x:countTokens", Duration.ofSeconds(20));
        return url;
    }

    /** The service jar against {@code upstream}, with {@code --key=value} settings; returns its base URL when ready. */
    String service(String upstream, String database, String... settings) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaBinary.toString(), "-Xmx512m", "-jar",
                root.resolve("service/target/lisa-service.jar").toString(),
                "--server.port=" + port,
                "--spring.datasource.url=" + database,
                "--lisa.gemini.base-url=" + upstream,
                "--lisa.gemini.api-key=emulator-key",
                "--logging.level.root=WARN"));
        command.addAll(List.of(settings));
        start("service-" + port, command);
        String url = "http://127.0.0.1:" + port;
        awaitHttp(url + "/api/v1/health", Duration.ofSeconds(60));
        return url;
    }

    private void start(String name, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile())
                .start();
        started.add(process);
        System.out.printf("started %s (pid %d)%n", name, process.pid());
    }

    private static void awaitHttp(String url, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 500 || response.statusCode() == 503) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(url + " did not answer within " + timeout);
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
                if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            System.out.printf("stopped pid %d%n", process.pid());
        }
    }
}
