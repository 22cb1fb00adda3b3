package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.callcenter.lisa.support.TestUpstream;
import com.google.genai.Client;
import com.google.genai.errors.GenAiIOException;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK client as the service builds it ({@link GeminiConfiguration}), calling the test emulator
 * through a timing TCP link that sees every byte the client sends.
 */
class GeminiTransportTest {

    private static final String MODEL = "gemini-3.5-flash-lite";

    private TimedLink link;
    private Client sdk;

    @BeforeEach
    void connect() throws IOException {
        TestUpstream.emulator().reset();
        link = new TimedLink(URI.create(TestUpstream.emulator().baseUrl()));
        sdk = sdk(Duration.ofSeconds(30));
    }

    /** The SDK client as the service builds it, with {@code timeout} for the whole call, reaching Gemini through the link. */
    private Client sdk(Duration timeout) {
        GeminiProperties properties = new GeminiProperties(
                TestUpstream.API_KEY,
                link.baseUrl(),
                "v1beta",
                MODEL,
                timeout,
                64,
                new GeminiProperties.Generation(null, 1024, null, null, null, null, null, null),
                null,
                false);
        return new GeminiConfiguration()
                .geminiSdkClient(new GeminiEndpoint(link.baseUrl(), TestUpstream.API_KEY, false, null), properties);
    }

    @AfterEach
    void close() throws IOException {
        sdk.close();
        link.close();
    }

    /**
     * Once a turn's request passes ~8 KB the client writes it in several pieces. With Nagle's algorithm on,
     * each later piece waits for the receiver to acknowledge the first, which Linux delays by 20-40 ms on a
     * kept-alive connection: every long conversation's turn then took ~50 ms instead of a few. With
     * TCP_NODELAY the pieces follow each other at once.
     */
    @Test
    void aLongRequestReachesGeminiWithoutWaitingForAnAcknowledgement() {
        String instruction = "Du bist Lisa, die freundliche Beraterin der Stadtwerke. ".repeat(200); // ~11 KB
        for (int call = 0; call < 8; call++) {
            sdk.models.generateContent(
                    MODEL,
                    "Was kostet der Tarif Strom Basis im Monat? (" + call + ")",
                    GenerateContentConfig.builder()
                            .systemInstruction(Content.fromParts(Part.fromText(instruction)))
                            .build());
        }

        List<TimedLink.Request> requests = link.requests();
        assertThat(requests)
                .hasSize(8)
                .allSatisfy(request -> assertThat(request.bytes())
                        .as("a request long enough to be written in pieces")
                        .isGreaterThan(11_000));
        assertThat(link.connections()).as("one kept-alive connection").isEqualTo(1);
        // The first requests of a connection are acknowledged at once (TCP's quick-ack start); later ones
        // are where the delayed acknowledgement bit. Even on a loaded machine some of them arrive whole
        // within a few milliseconds; with Nagle none did in under 20 ms.
        Duration fastest = requests.subList(2, requests.size()).stream()
                .map(TimedLink.Request::arriving)
                .min(Duration::compareTo)
                .orElseThrow();
        assertThat(fastest)
                .as("first to last byte of the fastest request (all: %s)", requests)
                .isLessThan(Duration.ofMillis(10));
    }

    /**
     * OkHttp's default pool keeps 5 idle connections: with more calls in flight it closed the rest after
     * each call and opened new ones for the next (a TCP, with Google a TLS, handshake each).
     */
    @Test
    void connectionsOfCallsInFlightAreKeptForTheNextCalls() throws Exception {
        int inFlight = 12;
        link.holdUntil(inFlight);
        callsAtOnce(inFlight);
        assertThat(link.connections()).isEqualTo(inFlight);

        link.holdUntil(inFlight);
        callsAtOnce(inFlight);
        assertThat(link.connections())
                .as("connections opened for the second round")
                .isEqualTo(inFlight);
    }

    /** The SDK still puts {@code lisa.gemini.timeout} on every call made through our own HTTP client. */
    @Test
    void theCallTimeoutStillBoundsAGeminiThatDoesNotAnswer() {
        link.holdUntil(2); // the one call that comes is never forwarded: Gemini does not answer
        try (Client impatient = sdk(Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            // Without the timeout the call would wait for ever: the test gives up after 20 s instead.
            assertTimeoutPreemptively(
                    Duration.ofSeconds(20),
                    () -> assertThatThrownBy(() -> impatient.models.generateContent(MODEL, "Hallo", null))
                            .isInstanceOf(GenAiIOException.class)
                            .hasCauseInstanceOf(InterruptedIOException.class)); // what GeminiErrors reads as a timeout
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10));
        }
    }

    private void callsAtOnce(int calls) throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                done.add(threads.submit(() -> sdk.models.generateContent(MODEL, "Hallo", null)));
            }
            for (Future<?> call : done) {
                call.get();
            }
        }
    }

    /**
     * A TCP link to the emulator that times each HTTP request the client sends on it, from its first byte
     * to its last (the end of its Content-Length body), and can hold requests back until a number of them
     * are in flight at once.
     */
    private static final class TimedLink implements AutoCloseable {

        record Request(int bytes, Duration arriving) {}

        private final URI target;
        private final ServerSocket server;
        private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
        private final AtomicInteger connections = new AtomicInteger();
        private final Object gate = new Object();
        private int holdUntil;
        private int held;

        TimedLink(URI target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().name("timed-link-accept").start(this::accept);
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        List<Request> requests() {
            return List.copyOf(requests);
        }

        int connections() {
            return connections.get();
        }

        /** The next {@code count} requests are forwarded only once all of them have arrived. */
        void holdUntil(int count) {
            synchronized (gate) {
                holdUntil = count;
                held = 0;
                gate.notifyAll(); // requests still held from before go on
            }
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(target.getHost(), target.getPort());
                    upstream.setTcpNoDelay(true);
                    open.add(client);
                    open.add(upstream);
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> requests(client, upstream));
                    Thread.ofVirtual().start(() -> pump(upstream, client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        /** Client to emulator, one HTTP request at a time: headers, then Content-Length bytes of body. */
        private void requests(Socket client, Socket upstream) {
            try (InputStream in = client.getInputStream()) {
                OutputStream out = upstream.getOutputStream();
                byte[] buffer = new byte[64 * 1024];
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                long first = 0;
                int expected = -1;
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    long now = System.nanoTime();
                    if (request.size() == 0) {
                        first = now;
                    }
                    request.write(buffer, 0, read);
                    if (expected < 0) {
                        expected = expectedLength(request);
                    }
                    if (expected >= 0 && request.size() >= expected) {
                        requests.add(new Request(request.size(), Duration.ofNanos(now - first)));
                        awaitGate();
                        request.writeTo(out);
                        out.flush();
                        request.reset();
                        expected = -1;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the connection or the link closed
            }
        }

        private void awaitGate() throws InterruptedException {
            synchronized (gate) {
                if (held < holdUntil) {
                    held++;
                    gate.notifyAll();
                    while (held < holdUntil) {
                        gate.wait();
                    }
                }
            }
        }

        /** Headers plus body once the headers are complete, else -1. */
        private static int expectedLength(ByteArrayOutputStream request) {
            String text = request.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return -1;
            }
            int body = 0;
            for (String line : text.substring(0, end).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    body = Integer.parseInt(
                            line.substring("content-length:".length()).strip());
                }
            }
            return end + 4 + body;
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                in.transferTo(out);
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            holdUntil(0);
            server.close();
            for (Socket socket : open) {
                socket.close();
            }
        }
    }
}
