package com.callcenter.lisa.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A flood of connections that never finish a request, over real loopback sockets: idle ones that
 * never send a byte (half-open clients), ones that send half a header and stop, and slowloris ones
 * that trickle a header byte by byte. Health and a chat still answer promptly during the flood, the
 * server closes the silent connections after its connection timeout, and a header cannot grow beyond
 * the configured size. Bounded in count and time; only 127.0.0.1.
 */
class ConnectionFloodTest {

    /** As many idle sockets as the test opens at most: two file descriptors each (both ends are here). */
    private static final int IDLE = 2500;

    private static final int STALLED = 100;
    private static final int TRICKLING = 100;
    /** server.tomcat.connection-timeout in application.yml: the settings under test are the shipped ones. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration HEALTH_BOUND = Duration.ofSeconds(2);
    private static final Duration CHAT_BOUND = Duration.ofSeconds(5);

    private static ServiceProcess service;
    private static int port;

    @BeforeAll
    static void start() {
        TestUpstream.emulator().reset();
        service =
                ServiceProcess.start(TestUpstream.emulator().baseUrl(), "jdbc:h2:file:" + TestDatabases.freshH2File());
        port = service.api().uri("/").getPort();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void healthAndChatsAnswerDuringAFloodOfIdleConnectionsWhichTheServerCloses() throws Exception {
        Api api = service.api();
        String session = api.newSession();
        Map<SocketChannel, Long> openedAt = new HashMap<>();
        List<Socket> stalled = new ArrayList<>();
        List<Socket> trickling = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Selector selector = Selector.open()) {
            long floodStart = System.nanoTime();
            // Idle: connected, never a byte; opened as fast as the machine allows, within a bound.
            for (int i = 0; i < IDLE && System.nanoTime() - floodStart < TimeUnit.SECONDS.toNanos(3); i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ);
                openedAt.put(channel, System.nanoTime());
            }
            // Stalled: half a request header, then silence.
            for (int i = 0; i < STALLED; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.getOutputStream()
                        .write("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: "
                                .getBytes(StandardCharsets.US_ASCII));
                stalled.add(socket);
            }
            // Slowloris: a header that never ends, one byte per second per connection.
            for (int i = 0; i < TRICKLING; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.getOutputStream()
                        .write("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                                .getBytes(StandardCharsets.US_ASCII));
                trickling.add(socket);
            }
            trickle.scheduleAtFixedRate(
                    () -> trickling.forEach(socket -> {
                        try {
                            socket.getOutputStream().write('a');
                        } catch (IOException closed) {
                            // the server closed it: nothing more to send
                        }
                    }),
                    1,
                    1,
                    TimeUnit.SECONDS);
            int idle = openedAt.size();
            System.out.printf(
                    "Flood: %d idle, %d stalled, %d trickling connections opened in %d ms%n",
                    idle, STALLED, TRICKLING, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - floodStart));
            assertThat(idle).as("idle connections opened").isGreaterThanOrEqualTo(2000);

            // During the flood, with every idle connection still open: health and a chat answer promptly.
            for (int i = 0; i < 5; i++) {
                Api.Response health = timed(() -> api.get("/api/v1/health"), HEALTH_BOUND);
                assertThat(health.status()).isEqualTo(200);
            }
            Api.Response chat = timed(() -> api.chat(session, "Hallo, was kostet der Tarif?"), CHAT_BOUND);
            assertThat(chat.status()).as(chat.body()).isEqualTo(200);
            assertThat(closedSoFar(selector, openedAt, new HashMap<>()))
                    .as("idle closed during the checks")
                    .isZero();

            // The server closes the idle connections once they were silent for its connection timeout.
            Map<SocketChannel, Long> closedAfterMs = new HashMap<>();
            long deadline =
                    System.nanoTime() + CONNECTION_TIMEOUT.plusSeconds(10).toNanos();
            while (closedAfterMs.size() < idle && System.nanoTime() < deadline) {
                selector.select(200);
                closedSoFar(selector, openedAt, closedAfterMs);
            }
            assertThat(closedAfterMs)
                    .as("idle connections closed by the server")
                    .hasSize(idle);
            long earliest = closedAfterMs.values().stream()
                    .mapToLong(Long::longValue)
                    .min()
                    .orElseThrow();
            long latest = closedAfterMs.values().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElseThrow();
            System.out.printf(
                    "Idle connections closed by the server between %d and %d ms after opening%n", earliest, latest);
            assertThat(earliest)
                    .as("not before the connection timeout")
                    .isGreaterThanOrEqualTo(CONNECTION_TIMEOUT.toMillis() - 500);

            // The half-sent headers were cut by the same timeout.
            for (Socket socket : stalled) {
                assertThat(closedByServer(socket, Duration.ofSeconds(2)))
                        .as("stalled connection closed")
                        .isTrue();
            }
            // Trickling headers are not cut by an inactivity timeout (every byte is activity): they are
            // bounded by the header size, and by the reverse proxy's total header deadline in production
            // (README, "In production"). Meanwhile they cost no thread, and health still answers.
            trickle.shutdownNow();
            long trickleOpen = 0;
            for (Socket socket : trickling) {
                trickleOpen += closedByServer(socket, Duration.ofMillis(20)) ? 0 : 1;
            }
            System.out.printf(
                    "Trickling connections still open after %d ms: %d of %d%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - floodStart), trickleOpen, TRICKLING);
            assertThat(timed(() -> api.get("/api/v1/health"), HEALTH_BOUND).status())
                    .isEqualTo(200);
        } finally {
            trickle.shutdownNow();
            for (Socket socket : stalled) {
                socket.close();
            }
            for (Socket socket : trickling) {
                socket.close();
            }
            for (SocketChannel channel : openedAt.keySet()) {
                channel.close();
            }
        }
    }

    /**
     * The flood of the incident: more idle connections than the server serves at once. The ones beyond
     * max-connections wait in the accept queue, and so does health's; it is served as soon as the
     * connection timeout frees slots, not after a minute (Tomcat's default timeout).
     */
    @Test
    void beyondMaxConnectionsHealthWaitsOnlyUntilTheConnectionTimeoutFreesSlots() throws Exception {
        int maxConnections = 300;
        List<SocketChannel> idle = new ArrayList<>();
        try (ServiceProcess small = ServiceProcess.start(
                TestUpstream.emulator().baseUrl(),
                "jdbc:h2:file:" + TestDatabases.freshH2File(),
                "--server.tomcat.max-connections=" + maxConnections)) {
            int smallPort = small.api().uri("/").getPort();
            try {
                for (int i = 0; i < maxConnections + 200; i++) {
                    idle.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", smallPort)));
                }
                long start = System.nanoTime();
                Api.Response health = small.api().get("/api/v1/health");
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.printf(
                        "Health behind %d idle connections (max-connections %d) answered in %d ms%n",
                        idle.size(), maxConnections, took.toMillis());
                assertThat(health.status()).isEqualTo(200);
                assertThat(took)
                        .as("twice the connection timeout at most, not Tomcat's default minute")
                        .isLessThan(CONNECTION_TIMEOUT.multipliedBy(2));
            } finally {
                for (SocketChannel channel : idle) {
                    channel.close();
                }
            }
        }
    }

    @Test
    void aHeaderLargerThanTheLimitIsRefusedAndTheConnectionClosed() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "a".repeat(1024).getBytes(StandardCharsets.US_ASCII);
            try {
                // server.max-http-request-header-size is 8KB: 64 KB can never be one header.
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
            } catch (IOException closedWhileSending) {
                // the server gave up on the request before all of it was sent: what the test wants
            }
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 4");
        } catch (java.net.SocketException reset) {
            // A reset instead of an answer also ends the connection; nothing more was accepted from it.
            assertThat(reset.getMessage()).isNotBlank();
        }
    }

    /** Collects the idle channels that the server closed (readable, end of stream), with their age in ms. */
    private static int closedSoFar(
            Selector selector, Map<SocketChannel, Long> openedAt, Map<SocketChannel, Long> closed) throws IOException {
        selector.selectNow();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel channel = (SocketChannel) key.channel();
            buffer.clear();
            int read;
            try {
                read = channel.read(buffer);
            } catch (IOException reset) {
                read = -1;
            }
            if (read < 0) {
                closed.put(channel, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt.get(channel)));
                key.cancel();
            }
        }
        selector.selectedKeys().clear();
        return closed.size();
    }

    private static boolean closedByServer(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // an error answer may come before the end of the stream
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static Api.Response timed(java.util.function.Supplier<Api.Response> call, Duration bound) {
        long start = System.nanoTime();
        Api.Response response = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("answered in %s: %s", took, response.body()).isLessThan(bound);
        return response;
    }
}
