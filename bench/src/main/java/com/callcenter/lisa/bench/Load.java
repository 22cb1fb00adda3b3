package com.callcenter.lisa.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * Runs conversations as fast as they are answered for a fixed time (a segment), one virtual thread
 * per connection, each waiting for its answer before it sends the next turn, and records every
 * turn's latency and the CPU time each watched process used during the segment.
 */
final class Load {

    private Load() {}

    /** One measured segment: turns answered, their latencies, how long it took and the CPU each process used. */
    record Segment(int turns, long[] latenciesNanos, long elapsedNanos, Map<String, Double> cpuMillis, int errors) {

        double turnsPerSecond() {
            return turns * 1e9 / elapsedNanos;
        }
    }

    /** A process whose CPU time is read before and after each segment. */
    record Watched(String name, ToDoubleFunction<Long> cpu, long pid) {

        static Watched process(String name, long pid) {
            return new Watched(name, Proc::cpuMillis, pid);
        }

        /** PostgreSQL: the postmaster and its backends, one per pooled connection. */
        static Watched withChildren(String name, long pid) {
            return new Watched(name, Proc::cpuMillisWithChildren, pid);
        }
    }

    static Segment run(List<Chat> chats, Duration length, List<Watched> watched) throws Exception {
        return run(chats, length, watched, 0);
    }

    /**
     * As {@link #run(List, Duration, List)}; with {@code turnsPerSecond > 0} the connections together send at that
     * rate instead of as fast as they are answered: each sends its turns on a fixed schedule (staggered among the
     * connections), a turn that comes late because the previous one took long goes at once, and its latency counts
     * from when it was due, not from when it went (so a stall is counted for every turn it held up, as a client
     * arriving at that rate would see it).
     */
    static Segment run(List<Chat> chats, Duration length, List<Watched> watched, double turnsPerSecond)
            throws Exception {
        Map<String, Double> before = cpu(watched);
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long interval = turnsPerSecond > 0 ? (long) (chats.size() * 1e9 / turnsPerSecond) : 0;
        AtomicInteger errors = new AtomicInteger();
        List<Future<long[]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < chats.size(); c++) {
                Chat chat = chats.get(c);
                long first = start + interval * c / chats.size();
                results.add(pool.submit(() -> {
                    long[] latencies = new long[1024];
                    int n = 0;
                    long due = first;
                    while (System.nanoTime() < end) {
                        try {
                            chat.prepare();
                            long sent = System.nanoTime();
                            if (interval > 0) {
                                if (due >= end) {
                                    break;
                                }
                                if (due > sent) {
                                    java.util.concurrent.locks.LockSupport.parkNanos(due - sent);
                                }
                                sent = due;
                                due += interval;
                            }
                            chat.turn();
                            if (n == latencies.length) {
                                latencies = Arrays.copyOf(latencies, n * 2);
                            }
                            latencies[n++] = System.nanoTime() - sent;
                        } catch (Exception e) {
                            if (errors.incrementAndGet() <= 3) {
                                System.out.println("turn failed: " + e);
                            }
                            Thread.sleep(10);
                        }
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
        }
        long elapsed = System.nanoTime() - start; // until the last turn begun in the segment was answered
        Map<String, Double> after = cpu(watched);
        Map<String, Double> used = new LinkedHashMap<>();
        before.forEach((name, ms) -> used.put(name, after.get(name) - ms));
        long[] all = results.stream()
                .flatMapToLong(f -> Arrays.stream(f.resultNow()))
                .toArray();
        return new Segment(all.length, all, elapsed, used, errors.get());
    }

    private static Map<String, Double> cpu(List<Watched> watched) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (Watched w : watched) {
            cpu.put(w.name(), w.cpu().applyAsDouble(w.pid()));
        }
        return cpu;
    }

    /** The p-th percentile (0..1) of nanosecond values, in milliseconds; nearest rank. */
    static double percentileMs(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
