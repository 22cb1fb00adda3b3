package com.callcenter.lisa.emulator;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the recorded Gemini fixtures, kept in the repository under {@code
 * emulator/src/test/resources/gemini-fixtures} (with their PROVENANCE.md and licences) so that a
 * fresh clone tests with nothing beside it. Looked up in this order: system property {@code
 * gemini.fixtures}, environment variable {@code GEMINI_FIXTURES}, else the first {@code
 * emulator/src/test/resources/gemini-fixtures} folder found in the working directory or any of its
 * ancestors (the repository root, seen from either module's folder, where Maven runs the tests).
 * Main code never reads fixtures: only tests, of the emulator and of the service, do.
 */
public final class Fixtures {

    static final String PROPERTY = "gemini.fixtures";
    static final String ENV = "GEMINI_FIXTURES";
    private static final Path RELATIVE = Path.of("emulator", "src", "test", "resources", "gemini-fixtures");

    private Fixtures() {}

    /**
     * @throws IllegalStateException when no fixture folder is found, or the configured one is missing
     */
    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENV);
        }
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isDirectory(path)) {
                throw new IllegalStateException(
                        "gemini fixtures folder " + path + " (from " + PROPERTY + "/" + ENV + ") does not exist");
            }
            return path;
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no " + RELATIVE + " folder in " + start + " or its ancestors; set -D" + PROPERTY + " or " + ENV);
    }

    /** A file under the fixture root, e.g. {@code path("errors/503-overloaded.json")}. */
    public static Path path(String relative) {
        Path file = root().resolve(relative).normalize();
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no fixture " + relative + " under " + root());
        }
        return file;
    }
}
