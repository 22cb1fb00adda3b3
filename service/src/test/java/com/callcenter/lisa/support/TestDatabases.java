package com.callcenter.lisa.support;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Fresh, isolated databases for tests. The suite runs twice (see the service's pom): once on file H2,
 * once with {@code -Dlisa.test.database=postgres} on a real PostgreSQL server.
 */
public final class TestDatabases {

    private TestDatabases() {}

    public static boolean postgres() {
        return "postgres".equals(System.getProperty("lisa.test.database"));
    }

    /** Points the service at a new, empty database of the kind this run tests. */
    public static void register(DynamicPropertyRegistry registry) {
        if (postgres()) {
            String url = TestPostgres.freshDatabase();
            registry.add("spring.datasource.url", () -> url);
            registry.add("spring.datasource.username", () -> "postgres");
            registry.add("spring.datasource.password", () -> "postgres");
        } else {
            String url = "jdbc:h2:file:" + freshH2File();
            registry.add("spring.datasource.url", () -> url);
        }
    }

    /**
     * A path (without H2's file suffix) in a new temporary folder, deleted when the test JVM exits (after the
     * cached Spring contexts that use it have closed their database, see {@link TempFolders}).
     */
    public static String freshH2File() {
        return TempFolders.untilExit("lisa-h2-")
                .resolve("lisa")
                .toAbsolutePath()
                .toString();
    }
}
