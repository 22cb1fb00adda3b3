package com.callcenter.lisa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a result was measured on, recorded beside it. */
final class Environment {

    private Environment() {
    }

    static String describe() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel() + ", JDK "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
