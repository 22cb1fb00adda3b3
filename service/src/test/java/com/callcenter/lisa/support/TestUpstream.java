package com.callcenter.lisa.support;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The Gemini emulator shared by all tests of one JVM, so Spring can reuse application contexts
 * between test classes. Tests reset it before use.
 */
public final class TestUpstream {

    /** Recognisable, so a test can prove it never leaks; not shaped like a real Google key. */
    public static final String API_KEY = "lisa-test-key-7f3c9e2a-never-log-me";

    private static final GeminiEmulator EMULATOR = start();

    private TestUpstream() {}

    public static GeminiEmulator emulator() {
        return EMULATOR;
    }

    /**
     * Points the service under test at {@code emulator} (with the test key) and at a fresh database of
     * the kind this run tests: what every service test registers, with the shared emulator or its own.
     */
    public static void register(
            org.springframework.test.context.DynamicPropertyRegistry registry, GeminiEmulator emulator) {
        registry.add("lisa.gemini.base-url", emulator::baseUrl);
        registry.add("lisa.gemini.api-key", () -> API_KEY);
        TestDatabases.register(registry);
    }

    /**
     * The generation calls (generateContent, streamGenerateContent) {@code emulator} received: what a turn
     * costs, without the free models.get look-ups every service makes of its models at start-up.
     */
    public static int modelCalls(GeminiEmulator emulator) {
        return (int) emulator.requests().stream()
                .filter(r -> "generateContent".equals(r.kind()) || "streamGenerateContent".equals(r.kind()))
                .count();
    }

    private static GeminiEmulator start() {
        try {
            GeminiEmulator emulator =
                    GeminiEmulator.start(EmulatorConfig.defaults().withApiKey(API_KEY));
            Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
            return emulator;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
