package com.callcenter.lisa.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every figure of the performance issue in one go, then {@code bench/results/summary.md}: the
 * "Targets" table of each results file beside the others, and the capacity results.
 *
 * <pre>./dev bench all          # startup, overhead (H2 and PostgreSQL), streaming, sessions-at-rest, capacity, summary
 * ./dev bench all --only summary   # just rebuild summary.md from the results files there are</pre>
 */
public final class AllBenches {

    static final List<String> FILES =
            List.of("startup.md", "overhead.md", "streaming.md", "sessions-at-rest.md", "sessions-at-rest-postgres.md");

    public static void main(String[] args) throws Exception {
        Map<String, String> options = CapacityBench.options(args);
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        if (!options.getOrDefault("only", "").equals("summary")) {
            StartupBench.main(new String[0]);
            OverheadBench.main(new String[0]);
            StreamingBench.main(new String[0]);
            SessionsAtRestBench.main(new String[0]);
            CapacityBench.main(new String[0]);
        }
        Path out = root.resolve("bench/results/summary.md");
        Files.writeString(out, summary(root));
        System.out.println(Files.readString(out));
        System.out.println("written to " + out);
    }

    static String summary(Path root) throws Exception {
        Path results = root.resolve("bench/results");
        StringBuilder out = new StringBuilder("# Performance: every figure beside its target\n\n");
        out.append("Collected at ")
                .append(Instant.now())
                .append(" from the results files below (each names its own ")
                .append("command, machine, JDK and versions). Rebuild with `./dev bench all --only summary`.\n\n");
        out.append("| figure | target | measured | verdict |\n|---|---|---|---|\n");
        for (String name : FILES) {
            Path file = results.resolve(name);
            if (!Files.exists(file)) {
                out.append("| [").append(name).append("](").append(name).append(") | not run yet | | |\n");
                continue;
            }
            for (String row : targetRows(Files.readString(file))) {
                out.append("| [")
                        .append(name.replace(".md", ""))
                        .append("](")
                        .append(name)
                        .append(") ")
                        .append(row)
                        .append("\n");
            }
        }
        out.append("\n## Quota use (capacity benchmark)\n\n");
        try (Stream<Path> files = Files.list(results)) {
            List<Path> capacity = files.filter(p -> p.getFileName().toString().startsWith("capacity-"))
                    .sorted()
                    .toList();
            for (Path file : capacity) {
                out.append("- [")
                        .append(file.getFileName())
                        .append("](")
                        .append(file.getFileName())
                        .append("): ");
                List<String> facts = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    for (String key : List.of(
                            "achieved rate ÷ quota",
                            "upstream 429s",
                            "quota wait p99 (ms)",
                            "Jain's fairness index over sessions")) {
                        if (line.startsWith("| " + key + " |")) {
                            facts.add(key + " "
                                    + line.substring(key.length() + 4, line.length() - 2)
                                            .strip());
                        }
                    }
                }
                out.append(String.join(", ", facts)).append("\n");
            }
        }
        return out.toString();
    }

    /** The rows of a results file's "## Targets" table, without its header. */
    private static List<String> targetRows(String markdown) {
        List<String> rows = new ArrayList<>();
        boolean inTargets = false;
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("## ")) {
                inTargets = line.equals("## Targets");
            } else if (inTargets && line.startsWith("| ") && !line.startsWith("| target |")) {
                rows.add(line);
            }
        }
        return rows;
    }
}
