package com.callcenter.lisa.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sessions that each send their next message as soon as the last one is answered, for a fixed time:
 * the load of call-center agents who never let the line go quiet. A refused message is sent again
 * after the Retry-After it was given, as a well-behaved client would.
 */
public final class ClosedLoopLoad {

    /** One request as the client saw it. */
    public record Result(
            int session,
            int status,
            long sentAtMs,
            long doneAtMs,
            long retryAfterSeconds,
            long queueWaitMs,
            boolean retryOfRefusal,
            String body) {}

    /** The sessions (index = {@link Result#session()}) and every request's result. */
    public record Run(List<String> sessionIds, List<Result> results) {}

    private ClosedLoopLoad() {}

    /** Runs {@code sessions} closed-loop conversations against each API in turn (round robin), for {@code duration}. */
    public static Run run(List<Api> apis, int sessions, Duration duration) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            ids.add(apis.get(s % apis.size()).newSession());
        }
        List<Result> results = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < sessions; s++) {
                int session = s;
                Api api = apis.get(s % apis.size());
                pool.submit(() -> {
                    int turn = 0;
                    boolean retrying = false;
                    while (System.nanoTime() < end) {
                        long sent = System.nanoTime();
                        Api.Response response;
                        try {
                            response = api.chat(ids.get(session), "Sitzung " + session + " Nachricht " + (++turn));
                        } catch (RuntimeException e) {
                            // Recorded, not swallowed: a request the client gave up on is a result too.
                            results.add(new Result(
                                    session,
                                    -1,
                                    (sent - start) / 1_000_000,
                                    (System.nanoTime() - start) / 1_000_000,
                                    -1,
                                    -1,
                                    retrying,
                                    e.toString()));
                            retrying = false;
                            continue;
                        }
                        long done = System.nanoTime();
                        String retryAfter = response.header("Retry-After");
                        long queueWait = response.status() == 200
                                ? response.json().get("queueWaitMs").asLong()
                                : -1;
                        results.add(new Result(
                                session,
                                response.status(),
                                (sent - start) / 1_000_000,
                                (done - start) / 1_000_000,
                                retryAfter == null ? -1 : Long.parseLong(retryAfter),
                                queueWait,
                                retrying,
                                response.status() == 200 ? "" : response.body()));
                        retrying = response.status() != 200;
                        if (retryAfter != null) {
                            long pause =
                                    Math.min(Long.parseLong(retryAfter) * 1000, (end - System.nanoTime()) / 1_000_000);
                            if (pause > 0) {
                                Thread.sleep(pause);
                            }
                        }
                    }
                    return null;
                });
            }
        }
        return new Run(List.copyOf(ids), List.copyOf(results));
    }

    /** Jain's fairness index of per-session counts: 1 = perfectly equal, 1/n = one session got everything. */
    public static double jain(long[] perSession) {
        double sum = 0;
        double squares = 0;
        for (long x : perSession) {
            sum += x;
            squares += (double) x * x;
        }
        return squares == 0 ? 1 : sum * sum / (perSession.length * squares);
    }
}
