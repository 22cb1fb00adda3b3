package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.support.BesideTheSuite;
import com.callcenter.lisa.support.ClosedLoopLoad;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.ShortMinute;
import com.callcenter.lisa.support.TestDatabases;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 20 agents chatting as fast as Gemini lets them, for two minutes, against an upstream that enforces
 * the same per-minute quota as the service's budget: the quota is used to the last request, Gemini
 * never answers 429, and every session gets its fair share. The minutes are short ones
 * ({@link ShortMinute}): the same run in seconds.
 */
@Tag("load") // ./dev test-load: the same on the real 60-second minute
@BesideTheSuite
class QuotaSaturationTest {

    private static final ShortMinute MINUTE = ShortMinute.LOAD_TESTS;
    private static final int RPM = 60;
    private static final int SESSIONS = 20;
    /** Two windows' worth of requests, and time for the second window's to be answered (not a third's). */
    private static final Duration RUN = MINUTE.windows(2).minusSeconds(1);

    @Test
    void usesTheWholeQuotaWithoutA429AndFairly() throws Exception {
        try (GeminiEmulator upstream = GeminiEmulator.start(MINUTE.upstream(RPM));
                ServiceProcess service = ServiceProcess.start(
                        upstream.baseUrl(),
                        "jdbc:h2:file:" + TestDatabases.freshH2File(),
                        MINUTE.serviceSettings(RPM).toArray(String[]::new))) {

            List<ClosedLoopLoad.Result> results =
                    ClosedLoopLoad.run(List.of(service.api()), SESSIONS, RUN).results();

            assertThat(upstream.counters().getOrDefault("quota_rpm", 0L))
                    .as("upstream 429s")
                    .isZero();
            List<ClosedLoopLoad.Result> served = results.stream()
                    .filter(r -> r.status() == 200 && r.doneAtMs() < RUN.toMillis())
                    .toList();
            // What the service's window lets through in the run: a full budget per window begun (2).
            double quotaInRun =
                    RPM * Math.ceil((double) RUN.toMillis() / MINUTE.window().toMillis());
            assertThat(served.size() / quotaInRun).as("achieved rate ÷ quota").isGreaterThanOrEqualTo(0.97);
            // Right after a burst has used the minute, the next slot is a full window away, longer than
            // the maximum wait: such requests are refused at once with an honest Retry-After, and the
            // client's retry after it gets in.
            assertThat(results).allSatisfy(r -> {
                assertThat(r.status()).as(r.body()).isIn(200, 503);
                if (r.status() == 503) {
                    assertThat(r.body()).contains("wait_too_long");
                    assertThat(r.retryAfterSeconds()).isPositive();
                }
            });
            long[] perSession = new long[SESSIONS];
            served.forEach(r -> perSession[r.session()]++);
            assertThat(ClosedLoopLoad.jain(perSession))
                    .as("Jain's fairness index")
                    .isGreaterThanOrEqualTo(0.95);
            assertThat(served)
                    .allSatisfy(r -> assertThat(r.queueWaitMs())
                            .isLessThanOrEqualTo(MINUTE.maxWait().toMillis()));
        }
    }
}
