package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.Quota;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ClosedLoopLoad;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestUpstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Another client shares the Google project, so Gemini allows fewer requests than the service's
 * budget says. The service learns it from the 429s: they stop after a bounded number, no accepted
 * message is lost, and every client is told an honest time to come back.
 */
class QuotaAdaptationTest {

    private static final int REAL_RPM = 20;
    private static final int CONFIGURED_RPM = 30;
    private static final int SESSIONS = 20;
    private static final Duration RUN = Duration.ofSeconds(150);

    @Test
    void learnsTheRealLimitAndStaysHonest() throws Exception {
        try (GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.defaults()
                     .withApiKey(TestUpstream.API_KEY).withQuota(new Quota(REAL_RPM, 0, 0)));
             ServiceProcess service = ServiceProcess.start(upstream.baseUrl(),
                     "jdbc:h2:file:" + TestDatabases.freshH2File(),
                     "--lisa.quota.budget.requests-per-minute=" + CONFIGURED_RPM)) {

            CompletableFuture<Long> throttledAfter90s = CompletableFuture.supplyAsync(() -> {
                sleep(90_000);
                return upstream.counters().getOrDefault("quota_rpm", 0L);
            });
            ClosedLoopLoad.Run run = ClosedLoopLoad.run(List.of(service.api()), SESSIONS, RUN);
            List<ClosedLoopLoad.Result> results = run.results();
            long throttled = upstream.counters().getOrDefault("quota_rpm", 0L);

            assertThat(throttled).as("upstream 429s in all").isPositive().isLessThanOrEqualTo(CONFIGURED_RPM - REAL_RPM + 2);
            assertThat(throttled).as("no 429 in the last minute").isEqualTo(throttledAfter90s.get());

            // Every answer is a reply or an honest refusal.
            assertThat(results).allSatisfy(r -> {
                assertThat(r.status()).as(r.body()).isIn(200, 503);
                if (r.status() == 503) {
                    assertThat(r.retryAfterSeconds()).as(r.body()).isPositive();
                }
            });
            // A refused client that came back after its Retry-After was served or told a new wait,
            // and once the limit is learned, nobody admitted waits past the maximum.
            assertThat(results.stream().filter(r -> r.sentAtMs() > 90_000 && r.body().contains("waited_too_long")))
                    .isEmpty();
            assertThat(results.stream().filter(ClosedLoopLoad.Result::retryOfRefusal).filter(r -> r.status() == 200))
                    .isNotEmpty();

            // No accepted message is lost: every reply a client received is in its session's history.
            Map<Integer, Long> repliesPerSession = results.stream().filter(r -> r.status() == 200)
                    .collect(Collectors.groupingBy(ClosedLoopLoad.Result::session, Collectors.counting()));
            Api api = service.api();
            List<String> ids = run.sessionIds();
            for (int s = 0; s < SESSIONS; s++) {
                JsonNode messages = api.get("/api/v1/sessions/" + ids.get(s)).json().get("messages");
                assertThat(messages.size()).as("session " + s).isEqualTo(2 * repliesPerSession.getOrDefault(s, 0L).intValue());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
