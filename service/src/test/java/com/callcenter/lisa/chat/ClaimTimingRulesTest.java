package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestUpstream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Timing settings that do not fit together stop the start, with a message that says which setting to
 * change to what: a turn longer than the graceful shutdown waits, leases renewed too rarely, repeats
 * polling more rarely than leases are renewed.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClaimTimingRulesTest {

    @BeforeEach
    void defaultPassOnly() {
        assumeThat(TestDatabases.postgres())
                .as("database-independent: runs in the default pass only")
                .isFalse();
    }

    @Test
    void aShutdownShorterThanTheLongestTurnStopsTheStart(CapturedOutput output) {
        // 120 s wait + 30 s timeout x 3 attempts + 8 s backoff x 2 = 226 s > the default 3 minutes
        assertStartRefused(
                output,
                "Set spring.lifecycle.timeout-per-shutdown-phase to 226s or more",
                "--lisa.quota.max-wait=120s",
                "--lisa.quota.retry.max-attempts=3");
    }

    @Test
    void leasesRenewedTooRarelyStopTheStart(CapturedOutput output) {
        assertStartRefused(
                output,
                "set renew-interval to 5s or less, or lease to 18s or more",
                "--lisa.chat.idempotency.renew-interval=6s");
    }

    @Test
    void repeatsPollingMoreRarelyThanLeasesAreRenewedStopTheStart(CapturedOutput output) {
        assertStartRefused(output, "set poll-interval to 5s or less", "--lisa.chat.idempotency.poll-interval=10s");
    }

    @Test
    void aLongerShutdownLetsALongerTurnStart() {
        try (ServiceProcess service = ServiceProcess.start(
                TestUpstream.emulator().baseUrl(),
                h2(),
                "--lisa.quota.max-wait=120s",
                "--lisa.quota.retry.max-attempts=3",
                "--spring.lifecycle.timeout-per-shutdown-phase=226s")) {
            assertThat(service.bean(ClaimTimingRules.class).longestTurn()).hasSeconds(226);
        }
    }

    private static void assertStartRefused(CapturedOutput output, String what, String... settings) {
        assertThatThrownBy(() -> ServiceProcess.start(TestUpstream.emulator().baseUrl(), h2(), settings))
                .rootCause()
                .isInstanceOf(ClaimTimingRules.ClaimTimingException.class)
                .hasMessageContaining(what);
        // what the operator reads instead of a stack trace
        assertThat(output.getAll())
                .contains("The timing settings of turns, idempotency claims and shutdown do not " + "fit together")
                .contains(what);
    }

    private static String h2() {
        return "jdbc:h2:file:" + TestDatabases.freshH2File();
    }
}
