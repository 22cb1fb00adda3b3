package com.callcenter.lisa.support;

import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.LisaApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;

/**
 * The service in a JVM of its own, started as an operator starts it ({@code java ... LisaApplication
 * --key=value}), so that a test can kill it for real: {@link #kill()} is {@code kill -9} (SIGKILL on
 * Linux), nothing in the process runs after it. Its output goes to a log file that a failed test shows.
 *
 * <p>Each instance has a folder of its own for that log and for the process's {@code java.io.tmpdir} (Tomcat's
 * folders, anything else the service writes there): a killed process cleans up nothing, so {@link #close()}
 * deletes the folder once the process has ended.
 */
public final class ServiceJvm implements AutoCloseable {

    private final Process process;
    private final Path folder;
    private final Path log;
    private final int port;
    private final Api api;
    /**
     * Kills the process and deletes its folder if the test JVM ends without closing this (an aborted run leaves
     * no service and no files behind).
     */
    private final Thread killOnExit;

    private ServiceJvm(Process process, Path folder, int port) {
        this.process = process;
        this.folder = folder;
        this.log = folder.resolve("service.log");
        this.port = port;
        this.api = new Api(port);
        this.killOnExit = new Thread(() -> {
            process.destroyForcibly();
            try {
                if (process.waitFor(10, TimeUnit.SECONDS)) {
                    TempFolders.delete(folder);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts an instance on {@code port} against {@code upstreamBaseUrl} and {@code databaseUrl}, with extra
     * {@code --key=value} settings, and returns once it answers HTTP.
     */
    public static ServiceJvm start(int port, String upstreamBaseUrl, String databaseUrl, String... settings) {
        Path folder;
        try {
            folder = Files.createTempDirectory("lisa-service-" + port + "-");
            Files.createDirectory(folder.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + folder.resolve("tmp"),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                LisaApplication.class.getName(),
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--spring.datasource.url=" + databaseUrl,
                "--lisa.gemini.base-url=" + upstreamBaseUrl,
                "--lisa.gemini.api-key=" + TestUpstream.API_KEY,
                "--spring.datasource.hikari.maximum-pool-size=5"));
        if (databaseUrl.startsWith("jdbc:postgresql:")) {
            command.add("--spring.datasource.username=postgres");
            command.add("--spring.datasource.password=postgres");
        }
        command.addAll(List.of(settings));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(folder.resolve("service.log").toFile())
                    .start();
        } catch (IOException e) {
            TempFolders.delete(folder);
            throw new UncheckedIOException(e);
        }
        ServiceJvm service = new ServiceJvm(process, folder, port);
        service.awaitAnswering();
        return service;
    }

    /** A TCP port free right now on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitAnswering() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            await("service on port " + port + " answering")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("The service exited with " + process.exitValue()
                                    + " before answering:\n" + logTail());
                        }
                        try {
                            http.send(health, HttpResponse.BodyHandlers.discarding());
                            return true;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            if (process.isAlive()) { // still starting: its output is in no message yet, and close() deletes it
                e.addSuppressed(new IllegalStateException("The service's output:\n" + logTail()));
            }
            close();
            throw e;
        }
    }

    public Api api() {
        return api;
    }

    public int port() {
        return port;
    }

    /** {@code kill -9}: the process ends at once, without a shutdown hook, a flush or a graceful stop. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: the graceful stop an operator's {@code kill} or {@code docker stop} asks for. */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("The service did not stop within 3 minutes:\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The end of the process's output, for a failure message. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process if it still runs and, once it has ended, deletes its folder (log included). */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
                waitForExit();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException exiting) {
                // the JVM is already shutting down; the hook runs anyway
            }
            if (!process.isAlive()) {
                TempFolders.delete(folder);
            }
        }
    }
}
