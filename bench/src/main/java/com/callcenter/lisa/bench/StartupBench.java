package com.callcenter.lisa.bench;

import com.callcenter.lisa.bench.Report.Check;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up to ready: from starting the service's process to its first 200 from /api/v1/health
 * (polled every 10 ms), over several starts, each on a new, empty H2 database (so the schema
 * migration is included), plus Spring Boot's own "Started LisaApplication in X seconds".
 *
 * <pre>./dev bench startup [--starts 5] [--auth jwt|api-key|none]</pre>
 *
 * <p>With {@code --auth api-key} each start is preceded by the command that makes the first admin key
 * (not timed), which migrates the new database: the timed start then finds its schema made.
 */
public final class StartupBench {

    private static final Pattern STARTED =
            Pattern.compile("Started LisaApplication in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

    public static void main(String[] args) throws Exception {
        Report report = run(CapacityBench.options(args));
        System.out.println(report.markdown());
        System.out.println("written to " + report.file());
    }

    static Report run(Map<String, String> options) throws Exception {
        int starts = Integer.parseInt(options.getOrDefault("starts", "5"));
        Auth.Mode auth = Auth.Mode.option(options);
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        List<Double> ready = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        try (Processes emulatorOnly = new Processes(root)) {
            String emulator = emulatorOnly.emulator();
            for (int i = 1; i <= starts; i++) {
                Path data = Files.createTempDirectory("lisa-bench-");
                try (Processes processes = new Processes(root)) {
                    String service = processes.service(
                            auth, emulator, "jdbc:h2:file:" + data.resolve("lisa"), Processes.unlimitedQuota());
                    long ms = processes.readyMillis(service);
                    Thread.sleep(300); // the log line is written just before the health check can answer
                    Matcher m = STARTED.matcher(Files.readString(processes.log(service)));
                    String spring = m.find() ? m.group(1) + " s (JVM running for " + m.group(2) + " s)" : "not logged";
                    ready.add((double) ms);
                    rows.add("| " + i + " | " + ms + " | " + spring + " |");
                } finally {
                    OverheadBench.deleteTree(data);
                }
            }
        }
        double median = Load.median(ready);
        List<Check> checks = List.of(new Check(
                "service ready in under 10 s (median of " + starts + " starts)",
                String.format(
                        "%.0f ms (min %.0f, max %.0f)",
                        median,
                        ready.stream().mapToDouble(d -> d).min().orElse(0),
                        ready.stream().mapToDouble(d -> d).max().orElse(0)),
                median < 10_000));
        StringBuilder out = new StringBuilder("# Start-up to ready\n\n");
        out.append("Command: `./dev bench startup --starts ")
                .append(starts)
                .append(" --auth ")
                .append(auth.option)
                .append("`\n\n");
        out.append("Run at ")
                .append(Instant.now())
                .append(" on ")
                .append(Environment.describe())
                .append("; service at commit ")
                .append(Environment.commit(root))
                .append(".\n\n");
        out.append("`LISA_AUTH_MODE=")
                .append(auth.option)
                .append(" java " + Processes.SERVICE_HEAP
                        + " -jar service/target/lisa-service.jar` with a new empty H2 file database each time ")
                .append(
                        "(Flyway creates the schema), the emulator as upstream. Ready = first 200 from `/api/v1/health`, ")
                .append("polled every 10 ms from the moment the process was started.\n\n");
        out.append(Report.targets(checks));
        out.append(
                "\n## Starts\n\n| start | process start → ready ms | Spring Boot's \"Started LisaApplication in\" |\n|---|---|---|\n");
        rows.forEach(r -> out.append(r).append("\n"));
        Path file = root.resolve("bench/results/startup.md");
        Files.writeString(file, out.toString());
        return new Report(file, out.toString(), checks);
    }
}
