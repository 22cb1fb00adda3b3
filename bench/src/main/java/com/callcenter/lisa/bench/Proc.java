package com.callcenter.lisa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** CPU time and memory of a process, read from /proc (Linux only, like the whole benchmark). */
final class Proc {

    /** Clock ticks per second of utime/stime; 100 on every Linux this runs on, checked once with getconf. */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private Proc() {}

    /** User + system CPU time the process has used so far, all threads, in milliseconds. */
    static double cpuMillis(long pid) {
        String stat = read(Path.of("/proc", String.valueOf(pid), "stat"));
        if (stat == null) {
            return 0;
        }
        // The command name (field 2) may contain spaces; fields after its ")" are fixed. utime and stime
        // are fields 14 and 15, i.e. 12 and 13 after the state field.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1000.0 / TICKS_PER_SECOND;
    }

    /**
     * CPU milliseconds of a process's threads so far, summed by thread name with digits taken out
     * ("GC Thread#0" and "GC Thread#1" are "GC Thread#"), so they can be compared before and after.
     */
    static java.util.Map<String, Double> cpuMillisByThread(long pid) {
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = read(task.resolve("stat"));
                if (stat == null) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                        .replaceAll("[0-9]+", "");
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double ms = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000.0 / TICKS_PER_SECOND;
                byName.merge(name, ms, Double::sum);
            }
        } catch (IOException gone) {
            // the process has ended
        }
        return byName;
    }

    /** CPU of a process and its direct children: PostgreSQL's postmaster and its backends. */
    static double cpuMillisWithChildren(long pid) {
        return cpuMillis(pid)
                + children(pid).stream().mapToDouble(Proc::cpuMillis).sum();
    }

    /** Resident memory now, in KiB (VmRSS). */
    static long rssKb(long pid) {
        return statusKb(pid, "VmRSS:");
    }

    /** Peak resident memory over the process's life, in KiB (VmHWM). */
    static long peakRssKb(long pid) {
        return statusKb(pid, "VmHWM:");
    }

    /** Resident memory of a process and its direct children now, in KiB (shared pages counted per process). */
    static long rssKbWithChildren(long pid) {
        return rssKb(pid) + children(pid).stream().mapToLong(Proc::rssKb).sum();
    }

    /** This JVM's process id, for its own CPU (the load driver's). */
    static long self() {
        return ProcessHandle.current().pid();
    }

    private static List<Long> children(long pid) {
        return ProcessHandle.of(pid)
                .map(p -> p.children().map(ProcessHandle::pid).toList())
                .orElse(List.of());
    }

    private static long statusKb(long pid, String key) {
        String status = read(Path.of("/proc", String.valueOf(pid), "status"));
        if (status == null) {
            return 0;
        }
        return status.lines()
                .filter(line -> line.startsWith(key))
                .map(line -> Long.parseLong(
                        line.substring(key.length()).replace("kB", "").strip()))
                .findFirst()
                .orElse(0L);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException gone) {
            return null; // the process has ended
        }
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            try (Stream<String> lines = getconf.inputReader().lines()) {
                String out = lines.findFirst().orElse("100").strip();
                getconf.waitFor();
                return Long.parseLong(out);
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }
}
