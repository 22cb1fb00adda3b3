package com.callcenter.lisa.emulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local stand-in for the Gemini Developer API (generateContent, streamGenerateContent with and
 * without {@code alt=sse}, countTokens and models.get under /v1beta and /v1, with per-model rules
 * from model-profiles.json), for tests and for running a backend
 * without a real key. See emulator/README.md for the wire behaviour.
 *
 * <pre>{@code
 * try (GeminiEmulator emu = GeminiEmulator.start(EmulatorConfig.defaults())) {
 *   emu.script(ScriptedAnswer.fixture(Fixtures.path("errors/503-overloaded.json")));
 *   // point the client at emu.baseUrl() with key "emulator-key"
 * }
 * }</pre>
 */
public final class GeminiEmulator implements AutoCloseable {

    private final EmulatorConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final EmulatorState state;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GeminiEmulator(EmulatorConfig config, HttpServer server, ExecutorService executor, EmulatorState state) {
        this.config = config;
        this.server = server;
        this.executor = executor;
        this.state = state;
    }

    /** Starts listening on {@code config.host():config.port()} (port 0 picks a free port). */
    public static GeminiEmulator start(EmulatorConfig config) throws IOException {
        // Small responses are written as headers + body; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add ~40 ms to every keep-alive request. The JDK server reads this
        // property once, when its first instance is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        EmulatorState state = new EmulatorState(config);
        HttpServer server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 512);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", new ApiHandler(config, state));
        server.start();
        return new GeminiEmulator(config, server, executor, state);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** "http://127.0.0.1:PORT": no trailing slash, no API version. */
    public String baseUrl() {
        InetAddress address = server.getAddress().getAddress();
        String host;
        if (address.isAnyLocalAddress()) {
            host = "127.0.0.1"; // bound to all interfaces; loopback reaches it
        } else if (address instanceof java.net.Inet6Address) {
            host = "[" + address.getHostAddress() + "]";
        } else {
            host = address.getHostAddress();
        }
        return "http://" + host + ":" + port();
    }

    public EmulatorConfig config() {
        return config;
    }

    /** Appends answers to the FIFO script; each serves one model call (times(n) serves n). */
    public void script(ScriptedAnswer... answers) {
        for (ScriptedAnswer answer : answers) {
            state.enqueue(answer);
        }
    }

    /** Requests received so far, oldest first (at most the last 10,000), secrets redacted. */
    public List<RecordedRequest> requests() {
        return state.recorded();
    }

    /**
     * Requests per outcome: ok, scripted, quota_rpm, quota_tpm, quota_rpd, auth_failed,
     * model_not_found, bad_request, not_found, internal_error. Every key is present.
     */
    public Map<String, Long> counters() {
        return state.counters();
    }

    /**
     * From now on {@code model} answers Google's 404 NOT_FOUND "models/X is not found for API version
     * ..." to generateContent, streamGenerateContent, countTokens and models.get.
     */
    public void retire(String model) {
        retire(model, Retirement.NOT_FOUND);
    }

    /** From now on {@code model} answers the 404 of {@code how} (see {@link Retirement}). */
    public void retire(String model, Retirement how) {
        java.util.Objects.requireNonNull(how, "how");
        state.updateRules(rules -> rules.withRetired(model, how));
    }

    /** {@code model} is back: it answers normally again. */
    public void unretire(String model) {
        String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
        state.updateRules(rules -> {
            Map<String, Retirement> left = new java.util.HashMap<>(rules.retired());
            left.remove(id);
            return new ModelRules(left, rules.requireSignatures(), rules.cacheMinTokens(), rules.cacheWindow());
        });
    }

    /** Models retired now, and how they answer. */
    public Map<String, Retirement> retired() {
        return state.rules().retired();
    }

    /**
     * Whether a request to a Gemini 3 model is answered 400 when one of its model function-call parts
     * lacks the thoughtSignature the emulator gave it (or any signature sent is not one of the
     * emulator's for this model).
     */
    public void requireSignatures(boolean on) {
        state.updateRules(rules -> rules.withRequireSignatures(on));
    }

    /**
     * The smallest prompt prefix reported as cached, for every model; 0 goes back to each model's
     * profile minimum (4,096 tokens for Gemini 3).
     */
    public void cacheMinTokens(int tokens) {
        state.updateRules(rules -> rules.withCacheMinTokens(tokens));
    }

    /** The rules in force now (start-up values as changed since the last {@link #reset()}). */
    public ModelRules modelRules() {
        return state.rules();
    }

    /** Thought signatures put on reply parts since the last reset, oldest first (last 10,000). */
    public List<IssuedSignature> issuedSignatures() {
        return state.issuedSignatures();
    }

    /**
     * Forgets requests, counters, queued scripts, quota usage, the response-id counter, remembered
     * prompt prefixes and issued signatures, and goes back to the configured {@link ModelRules}
     * (retired models, signature checking, cache minimum).
     */
    public void reset() {
        state.reset();
    }

    /** Stops the server at once, ending open exchanges, and frees the port. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow(); // interrupts handlers that sleep in a latency or a slow script
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "GeminiEmulator[" + baseUrl() + "]";
    }
}
