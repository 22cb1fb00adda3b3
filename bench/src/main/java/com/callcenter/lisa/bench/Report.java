package com.callcenter.lisa.bench;

import java.nio.file.Path;
import java.util.List;

/** What one benchmark command produced: its results file and how it stands against the targets. */
record Report(Path file, String markdown, List<Check> checks) {

    /** One target of the issue, as measured. {@code met} is null where the figure is only reported. */
    record Check(String target, String measured, Boolean met) {

        String verdict() {
            return met == null ? "reported" : met ? "**met**" : "**missed**";
        }
    }

    /**
     * The "## Targets" table of a results file (what {@link AllBenches} collects into the summary): one row per
     * check.
     */
    static String targets(List<Check> checks) {
        StringBuilder table = new StringBuilder("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        for (Check check : checks) {
            table.append("| ")
                    .append(check.target())
                    .append(" | ")
                    .append(check.measured())
                    .append(" | ")
                    .append(check.verdict())
                    .append(" |\n");
        }
        return table.toString();
    }

    static String ms(double value) {
        return Double.isNaN(value) ? "n/a" : String.format("%.2f", value);
    }

    static String signedMs(double value) {
        return Double.isNaN(value) ? "n/a" : String.format("%+.2f", value);
    }
}
