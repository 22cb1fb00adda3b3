package com.callcenter.lisa.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of one emulator instance. Immutable; use {@link #defaults()} and the {@code with*}
 * methods.
 *
 * @param host address to bind, 127.0.0.1 by default so the emulator is not reachable from outside
 * @param port TCP port, 0 for a free one
 * @param apiKey the only API key accepted
 * @param models accepted model names (with or without "models/"); empty accepts any name
 * @param quota limits applied to each model separately
 * @param latency wait before the first byte of a successful answer
 * @param chunkGap pause between two streamed chunks (SSE events, JSON array elements)
 * @param clock time source of the quota windows; tests inject a fixed or movable clock
 * @param stampChunks whether each streamed chunk's text starts with {@value #STAMP_PREFIX}{@code
 *     <System.nanoTime()>] }, taken just before the chunk is written: on Linux nanoTime is
 *     CLOCK_MONOTONIC, the same clock in every process of the machine, so a benchmark client can
 *     tell how long the chunk took to reach it through a proxy
 * @param modelRules the Gemini 3 behaviour at start: retired models, signature checking, implicit
 *     cache minimum and window ({@link ModelRules#DEFAULTS} unless set)
 * @param demoAnswers the service's demo mode: besides the rules every emulator follows, call {@code
 *     book_callback} when the customer asks for a callback and quote a price line of the system
 *     instruction when they ask for a price ({@link DemoAnswers}); off unless set
 */
public record EmulatorConfig(
        String host,
        int port,
        String apiKey,
        Set<String> models,
        Quota quota,
        Latency latency,
        Duration chunkGap,
        Clock clock,
        boolean stampChunks,
        ModelRules modelRules,
        boolean demoAnswers) {

    public static final String DEFAULT_API_KEY = "emulator-key";

    /** Start of the stamp that {@link #stampChunks} puts in front of each streamed chunk's text. */
    public static final String STAMP_PREFIX = "[emu-t=";

    /** The settings without chunk stamps (the constructor from before stamps existed). */
    public EmulatorConfig(
            String host,
            int port,
            String apiKey,
            Set<String> models,
            Quota quota,
            Latency latency,
            Duration chunkGap,
            Clock clock) {
        this(host, port, apiKey, models, quota, latency, chunkGap, clock, false);
    }

    /** The settings with the default model rules (the constructor from before model rules existed). */
    public EmulatorConfig(
            String host,
            int port,
            String apiKey,
            Set<String> models,
            Quota quota,
            Latency latency,
            Duration chunkGap,
            Clock clock,
            boolean stampChunks) {
        this(host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, ModelRules.DEFAULTS, false);
    }

    public EmulatorConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(chunkGap, "chunkGap");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(modelRules, "modelRules");
        // "models/gemini-x" and "gemini-x" name the same model; the path carries the short form
        models = models.stream()
                .map(m -> m.startsWith("models/") ? m.substring("models/".length()) : m)
                .collect(Collectors.toUnmodifiableSet());
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (chunkGap.isNegative()) {
            throw new IllegalArgumentException("chunkGap must not be negative");
        }
    }

    /** 127.0.0.1, free port, key "emulator-key", any model, no quota, no latency, no chunk gap. */
    public static EmulatorConfig defaults() {
        return new EmulatorConfig(
                "127.0.0.1", 0, DEFAULT_API_KEY, Set.of(), Quota.NONE, Latency.NONE, Duration.ZERO, Clock.systemUTC());
    }

    public EmulatorConfig withHost(String host) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withPort(int port) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withApiKey(String apiKey) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withModels(Set<String> models) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withQuota(Quota quota) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withLatency(Latency latency) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withChunkGap(Duration chunkGap) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withClock(Clock clock) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withStampChunks(boolean stampChunks) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withModelRules(ModelRules modelRules) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    public EmulatorConfig withDemoAnswers(boolean demoAnswers) {
        return new EmulatorConfig(
                host, port, apiKey, models, quota, latency, chunkGap, clock, stampChunks, modelRules, demoAnswers);
    }

    /** Whether {@code model} (without the "models/" prefix) is served. */
    public boolean servesModel(String model) {
        return models.isEmpty() || models.contains(model);
    }
}
