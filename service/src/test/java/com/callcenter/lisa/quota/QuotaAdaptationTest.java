package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.BesideTheSuite;
import com.callcenter.lisa.support.ClosedLoopLoad;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.ShortMinute;
import com.callcenter.lisa.support.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Another client shares the Google project, so Gemini allows fewer requests than the service's
 * budget says. The service learns it from the 429s: they stop after a bounded number, no accepted
 * message is lost, and every client is told an honest time to come back. Two and a half windows of short minutes
 * ({@link ShortMinute}): the same run in seconds.
 */
@Tag("load") // ./dev test-load: the same on the real 60-second minute
@BesideTheSuite
class QuotaAdaptationTest {

    private static final ShortMinute MINUTE = ShortMinute.LOAD_TESTS;
    private static final int REAL_RPM = 20;
    private static final int CONFIGURED_RPM = 30;
    private static final int SESSIONS = 20;
    private static final Duration RUN = MINUTE.windows(2.5);
    /** By then the limit is learned: no 429 in the last window of the run. */
    private static final Duration LEARNED = MINUTE.windows(1.5);

    @Test
    void learnsTheRealLimitAndStaysHonest() throws Exception {
        try (GeminiEmulator upstream = GeminiEmulator.start(MINUTE.upstream(REAL_RPM));
                ServiceProcess service = ServiceProcess.start(
                        upstream.baseUrl(),
                        "jdbc:h2:file:" + TestDatabases.freshH2File(),
                        MINUTE.serviceSettings(CONFIGURED_RPM).toArray(String[]::new));
                ScheduledExecutorService observer = Executors.newSingleThreadScheduledExecutor()) {

            ScheduledFuture<Long> throttledWhenLearned = observer.schedule(
                    () -> upstream.counters().getOrDefault("quota_rpm", 0L), LEARNED.toMillis(), TimeUnit.MILLISECONDS);
            ClosedLoopLoad.Run run = ClosedLoopLoad.run(List.of(service.api()), SESSIONS, RUN);
            List<ClosedLoopLoad.Result> results = run.results();
            long throttled = upstream.counters().getOrDefault("quota_rpm", 0L);

            assertThat(throttled)
                    .as("upstream 429s in all")
                    .isPositive()
                    .isLessThanOrEqualTo(CONFIGURED_RPM - REAL_RPM + 2);
            assertThat(throttled).as("no 429 in the last window").isEqualTo(throttledWhenLearned.get());

            // Every answer is a reply or an honest refusal.
            assertThat(results).allSatisfy(r -> {
                assertThat(r.status()).as(r.body()).isIn(200, 503);
                if (r.status() == 503) {
                    assertThat(r.retryAfterSeconds()).as(r.body()).isPositive();
                }
            });
            // A refused client that came back after its Retry-After was served or told a new wait,
            // and once the limit is learned, nobody admitted waits past the maximum.
            assertThat(results.stream()
                            .filter(r -> r.sentAtMs() > LEARNED.toMillis()
                                    && r.body().contains("waited_too_long")))
                    .isEmpty();
            assertThat(results.stream()
                            .filter(ClosedLoopLoad.Result::retryOfRefusal)
                            .filter(r -> r.status() == 200))
                    .isNotEmpty();

            // No accepted message is lost: every reply a client received is in its session's history.
            Map<Integer, Long> repliesPerSession = results.stream()
                    .filter(r -> r.status() == 200)
                    .collect(Collectors.groupingBy(ClosedLoopLoad.Result::session, Collectors.counting()));
            Api api = service.api();
            List<String> ids = run.sessionIds();
            for (int s = 0; s < SESSIONS; s++) {
                JsonNode messages =
                        api.get("/api/v1/sessions/" + ids.get(s)).json().get("messages");
                assertThat(messages.size())
                        .as("session " + s)
                        .isEqualTo(2 * repliesPerSession.getOrDefault(s, 0L).intValue());
            }
        }
    }
}
