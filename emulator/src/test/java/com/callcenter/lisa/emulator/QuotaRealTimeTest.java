package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The per-minute window on the real clock: a client that waits exactly retryDelay gets through.
 * The arithmetic of the 60-second window is tested on a moved clock (QuotaTrackerTest, QuotaTest);
 * here only the system clock is new, so a 3-second "minute" proves the same in seconds.
 */
class QuotaRealTimeTest {

    private static final Duration WINDOW = Duration.ofSeconds(3);

    @Test
    void waitingRetryDelayOnTheSystemClockIsEnough() throws Exception {
        try (GeminiEmulator emu =
                GeminiEmulator.start(EmulatorConfig.defaults().withQuota(new Quota(2, 0, 0).withWindow(WINDOW)))) {
            Client client = Sdk.client(emu);
            QuotaTest.ok(client);
            QuotaTest.ok(client);

            ClientException e = QuotaTest.rejected(client);
            Duration retryDelay = QuotaTest.retryDelay(e);

            // Whole seconds, rounded up: at most the window, and more than the window minus the two calls.
            assertThat(retryDelay).isBetween(Duration.ofSeconds(1), WINDOW);
            Thread.sleep(retryDelay); // the point of the test: the real clock, the client's own wait
            QuotaTest.ok(client);
            assertThat(emu.counters()).containsEntry("ok", 3L).containsEntry("quota_rpm", 1L);
        }
    }
}
