package com.callcenter.lisa.handoff;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Messages waiting for quota when a human agent takes the call over leave the queue unsent: a budget of
 * one request per minute makes them wait; the clock is moved instead of waiting for the minute.
 */
@Tag("database")
@TestPropertySource(
        properties = {
            "lisa.quota.budget.requests-per-minute=1",
            "lisa.quota.max-wait=600s",
            "spring.lifecycle.timeout-per-shutdown-phase=12m", // at least the longest turn (checked at start-up)
            "lisa.web.stream.keep-alive=100ms"
        })
@Import(MovableTime.class)
class HandoffQueueTest extends ServiceTest {

    @Autowired
    MutableClock clock;

    @Test
    void waitingMessagesLeaveTheQueueWhenAHumanAgentTakesOver() throws Exception {
        String json = api.newSession();
        String streaming = api.newSession();
        assertThat(api.chat(api.newSession(), "Ich nehme den Slot").status()).isEqualTo(200);
        double handedOff = rejections("handed_off");
        double ended = rejections("session_ended");

        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<Api.Response> waiting = clients.submit(() -> api.chat(json, "Hallo?"));
            Future<EventStream.Result> stream = clients.submit(() -> EventStream.chat(port, streaming, "Hallo?"));
            awaitQueueLength(2);

            assertThat(handOff(json).status()).isEqualTo(200);
            assertThat(handOff(streaming).status()).isEqualTo(200);

            // Answered at once, not when the next minute's slot would have sent it.
            Api.Response refused = waiting.get(10, TimeUnit.SECONDS);
            assertProblem(refused, 409, "session-handed-off");
            EventStream.Result events = stream.get(10, TimeUnit.SECONDS);
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.named("queued")).isNotEmpty();
            assertThat(events.last().name()).isEqualTo("error");
            assertThat(events.last().json().get("type").asString()).isEqualTo("urn:lisa:problem:session-handed-off");
        } finally {
            clients.shutdownNow(); // a client still waiting (a failed assertion) must not hold the test for its
            // max-wait
        }
        // Counted as what it was: a human took over, not a call that ended.
        assertThat(rejections("handed_off")).isEqualTo(handedOff + 2);
        assertThat(rejections("session_ended")).isEqualTo(ended);
        clock.advance(Duration.ofSeconds(62));
        Thread.sleep(2_500); // the queue re-checks its budget every second: a waiting request would be sent now
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + json).json().get("messages")).isEmpty();
        assertThat(api.get("/api/v1/sessions/" + streaming).json().get("messages"))
                .isEmpty();
        assertThat(api.get("/api/v1/health").json().toString()).contains("\"queueLength\":0");
    }

    private Api.Response handOff(String id) {
        return api.post("/api/v1/sessions/" + id + "/handoff", Api.json(Map.of("reason", "Supervisor übernimmt")));
    }

    private void awaitQueueLength(int length) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!api.get("/api/v1/health").json().toString().contains("\"queueLength\":" + length)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The queue never had " + length + " waiting");
            }
            Thread.sleep(20);
        }
    }

    private double rejections(String reason) {
        return management
                .get("/actuator/prometheus")
                .body()
                .lines()
                .filter(line ->
                        line.startsWith("lisa_quota_rejections_total{") && line.contains("reason=\"" + reason + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
