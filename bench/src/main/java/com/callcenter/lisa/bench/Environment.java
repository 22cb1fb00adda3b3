package com.callcenter.lisa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a result was measured on, recorded beside it. */
final class Environment {

    private Environment() {}

    static String describe() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel() + ", JDK "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    /** The repository's commit (with "+changes" if the tree differs from it), so a result names the code it measured. */
    static String commit(Path root) {
        String head = run(root, "git", "rev-parse", "--short", "HEAD");
        String status = run(root, "git", "status", "--porcelain", "--untracked-files=no");
        return head + (status.isBlank() ? "" : "+changes");
    }

    static String nodeVersion() {
        return run(Path.of("."), "node", "--version");
    }

    /** Output of a short command, or "unknown". */
    static String run(Path directory, String... command) {
        try {
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(process.getInputStream().readAllBytes()).strip();
            return process.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
