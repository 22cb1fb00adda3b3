package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The per-minute window on the real clock: a client that waits exactly retryDelay gets through.
 * About a minute long, so it runs alongside the other test classes (junit-platform.properties).
 */
@Execution(ExecutionMode.CONCURRENT)
class QuotaRealTimeTest {

  @Test
  void waitingRetryDelayOnTheSystemClockIsEnough() throws Exception {
    try (GeminiEmulator emu =
        GeminiEmulator.start(EmulatorConfig.defaults().withQuota(new Quota(2, 0, 0)))) {
      Client client = Sdk.client(emu);
      QuotaTest.ok(client);
      QuotaTest.ok(client);

      ClientException e = QuotaTest.rejected(client);
      Duration retryDelay = QuotaTest.retryDelay(e);

      assertThat(retryDelay).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
      Thread.sleep(retryDelay);
      QuotaTest.ok(client);
      assertThat(emu.counters()).containsEntry("ok", 3L).containsEntry("quota_rpm", 1L);
    }
  }
}
