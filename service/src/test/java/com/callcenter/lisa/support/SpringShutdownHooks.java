package com.callcenter.lisa.support;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Waiting, in a shutdown hook of the test JVM, for Spring's own hooks to close the cached contexts: before the
 * temp folders they use are deleted ({@link TempFolders}) and before the tests' PostgreSQL server stops
 * ({@link TestPostgres}). A class of its own, with no state to set up: a hook may be the first to load it, when
 * the JVM no longer accepts new hooks (loaded from {@code TempFolders}, whose initializer registers one, it failed
 * there, and a PostgreSQL test JVM without Spring contexts left its server's data folder behind).
 */
final class SpringShutdownHooks {

    /** The names Spring gives its shutdown-hook threads (test contexts; applications started by SpringApplication). */
    private static final Set<String> NAMES = Set.of("SpringContextShutdownHook", "SpringApplicationShutdownHook");

    /** Within the 30 s surefire gives a forked test JVM to exit before it kills it (and nothing is deleted). */
    private static final Duration CONTEXTS_CLOSING = Duration.ofSeconds(25);

    private SpringShutdownHooks() {}

    /**
     * Waits until Spring's shutdown hooks have closed the contexts (at most {@link #CONTEXTS_CLOSING}). The JVM starts
     * all hooks one after another and only then waits for them, so a hook thread not seen at once is looked for again
     * for a moment.
     */
    static void awaitClosed() throws InterruptedException {
        long deadline = System.nanoTime() + CONTEXTS_CLOSING.toNanos();
        List<Thread> hooks = List.of();
        for (int look = 0; look < 10 && hooks.isEmpty(); look++) {
            Thread.sleep(10);
            hooks = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> NAMES.contains(thread.getName()))
                    .toList();
        }
        for (Thread hook : hooks) {
            hook.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }
}
