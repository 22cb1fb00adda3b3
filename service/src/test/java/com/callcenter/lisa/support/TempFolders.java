package com.callcenter.lisa.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary folders of the test JVM (in {@code java.io.tmpdir}, which the build points at the module's
 * {@code target/test-tmp}), deleted again whatever the outcome of the tests.
 *
 * <p>A folder that a cached Spring context uses (its H2 files, its persona folder, its Tomcat base directory)
 * must outlive every test class: the test framework keeps the context open until the JVM exits and closes it
 * in a shutdown hook of its own. So these folders are deleted in a shutdown hook too, one that first waits for
 * Spring's hooks to close the contexts (JVM shutdown hooks run in no fixed order). {@code deleteOnExit} cannot
 * do this: it removes only empty folders, which is why earlier runs left thousands of them in /tmp.
 */
public final class TempFolders {

    private static final Set<Path> AT_EXIT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFolders::deleteAtExit, "lisa-temp-folders"));
    }

    private TempFolders() {}

    /** A new, empty folder that is deleted with everything in it when the JVM exits. */
    public static Path untilExit(String prefix) {
        try {
            Path folder = Files.createTempDirectory(prefix);
            AT_EXIT.add(folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code folder} and everything in it (nothing if it is gone already). */
    public static void delete(Path folder) {
        // A second pass takes what a closing process wrote while the first one ran.
        for (int pass = 1; ; pass++) {
            try (Stream<Path> tree = Files.walk(folder)) {
                List<Path> deepestFirst = tree.sorted(Comparator.reverseOrder()).toList();
                for (Path path : deepestFirst) {
                    Files.deleteIfExists(path);
                }
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException e) {
                if (pass == 3) {
                    throw new UncheckedIOException("Could not delete " + folder, e);
                }
            }
        }
    }

    private static void deleteAtExit() {
        try {
            SpringShutdownHooks.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Path folder : AT_EXIT) {
            try {
                delete(folder);
            } catch (UncheckedIOException e) {
                System.err.println(e.getMessage() + ": " + e.getCause());
            }
        }
    }
}
