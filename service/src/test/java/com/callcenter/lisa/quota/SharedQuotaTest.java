package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.support.BesideTheSuite;
import com.callcenter.lisa.support.ClosedLoopLoad;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.ShortMinute;
import com.callcenter.lisa.support.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two instances behind a load balancer, one PostgreSQL, one Google project: each configured with the
 * project's whole quota, together they still never exceed it, because they count in one ledger. On
 * short minutes ({@link ShortMinute}): the same run in seconds.
 */
@Tag("load") // ./dev test-load: the same on the real 60-second minute
@BesideTheSuite
class SharedQuotaTest {

    private static final ShortMinute MINUTE = ShortMinute.LOAD_TESTS;
    private static final int RPM = 30;
    /** Two windows begun, and time for the second window's requests to be answered. */
    private static final Duration RUN = MINUTE.windows(2).minusSeconds(1);

    @Test
    void twoInstancesOnOnePostgresNeverExceedTheSharedQuota() throws Exception {
        String database = TestPostgres.freshDatabase();
        String[] settings = MINUTE.serviceSettings(RPM).toArray(String[]::new);
        try (GeminiEmulator upstream = GeminiEmulator.start(MINUTE.upstream(RPM));
                ServiceProcess first = ServiceProcess.start(upstream.baseUrl(), database, settings);
                ServiceProcess second = ServiceProcess.start(upstream.baseUrl(), database, settings)) {

            List<ClosedLoopLoad.Result> results = ClosedLoopLoad.run(List.of(first.api(), second.api()), 20, RUN)
                    .results();

            assertThat(upstream.counters().getOrDefault("quota_rpm", 0L))
                    .as("upstream 429s")
                    .isZero();
            long served = results.stream().filter(r -> r.status() == 200).count();
            // Both instances were busy: the shared quota was used, not half of it.
            assertThat(served).isGreaterThanOrEqualTo((long) (RPM * 1.5));
            assertThat(results.stream().filter(r -> r.status() == 200 && r.session() % 2 == 0))
                    .isNotEmpty();
            assertThat(results.stream().filter(r -> r.status() == 200 && r.session() % 2 == 1))
                    .isNotEmpty();
        }
    }
}
