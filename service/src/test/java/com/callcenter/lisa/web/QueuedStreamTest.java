package com.callcenter.lisa.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Streaming clients under quota pressure: a budget of one request per minute makes messages queue; the
 * test moves the service's clock on instead of waiting for the minutes to pass.
 */
@TestPropertySource(properties = {
        "lisa.quota.budget.requests-per-minute=1",
        "lisa.quota.max-wait=600s",
        "lisa.web.stream.keep-alive=100ms",
        "lisa.web.stream.position-check=50ms"
})
@Import(MovableTime.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD) // each starts with an empty window
class QueuedStreamTest extends ServiceTest {


    @Autowired
    MutableClock clock;

    @Test
    void waitingClientsAreToldTheirPlaceAndItOnlyMovesUp() throws Exception {
        int sessions = 5;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ids.add(api.newSession());
        }
        List<EventStream.Result> streams = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<EventStream.Result>> running = new ArrayList<>();
            for (String id : ids) {
                running.add(clients.submit(() -> EventStream.chat(port, id, "Was kostet das?")));
                Thread.sleep(100); // distinct arrival order
            }
            // A minute passes for the service each time the one before has been let out of the queue.
            for (int sent = 1; sent < sessions; sent++) {
                awaitUpstreamRequests(sent);
                Thread.sleep(300); // the watchers see the place they have now
                clock.advance(Duration.ofSeconds(62));
            }
            for (Future<EventStream.Result> stream : running) {
                streams.add(stream.get());
            }
        }

        int longestLine = 0;
        for (EventStream.Result stream : streams) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.last().name()).as(stream.events().toString()).isEqualTo("done");
            List<EventStream.Event> queued = stream.named("queued");
            int previous = Integer.MAX_VALUE;
            for (EventStream.Event event : queued) {
                JsonNode place = event.json();
                int position = place.get("position").asInt();
                assertThat(position).as(stream.events().toString()).isPositive().isLessThan(previous);
                assertThat(place.get("estimatedWaitMs").asLong()).isNotNegative();
                previous = position;
            }
            if (!queued.isEmpty()) {
                assertThat(queued.getFirst().json().get("estimatedWaitMs").asLong()).isPositive();
                // Everything about the queue is said before Lisa starts to answer.
                assertThat(stream.events().indexOf(queued.getLast()))
                        .isLessThan(stream.events().indexOf(stream.named("delta").getFirst()));
            }
            longestLine = Math.max(longestLine, queued.size());
        }
        // The last of five waited for four others: it saw its place move at least three times.
        assertThat(longestLine).isGreaterThanOrEqualTo(3);
        assertThat(upstream.requests()).hasSize(sessions);
    }

    @Test
    void aClientThatHangsUpWhileQueuedLeavesTheQueueWithoutSpendingQuota() throws Exception {
        String id = api.newSession();
        assertThat(api.chat(api.newSession(), "Ich nehme den Slot").status()).isEqualTo(200);
        double before = rejections("client_gone");

        List<EventStream.Event> seen = EventStream.chatAndHangUp(port, id, "Hallo?",
                event -> event.name().equals("queued"));

        assertThat(seen.getLast().json().get("estimatedWaitMs").asLong()).isPositive();
        Thread.sleep(500);
        clock.advance(Duration.ofSeconds(62));
        Thread.sleep(2_500); // the queue re-checks its budget every second: the request would have been sent
        assertThat(upstream.requests()).hasSize(1);
        assertThat(rejections("client_gone")).isEqualTo(before + 1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
        assertThat(api.get("/api/v1/health").json().toString()).contains("\"queueLength\":0");
    }

    @Test
    void endingTheSessionTakesItsWaitingMessageOutOfTheQueue() throws Exception {
        String id = api.newSession();
        assertThat(api.chat(api.newSession(), "Ich nehme den Slot").status()).isEqualTo(200);

        try (ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<com.callcenter.lisa.support.Api.Response> waiting = client.submit(() -> api.chat(id, "Hallo?"));
            awaitQueueLength(1);

            assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

            ProblemAssertions.assertProblem(waiting.get(), 409, "session-closed");
        }
        clock.advance(Duration.ofSeconds(62));
        Thread.sleep(2_500);
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
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

    private static void awaitUpstreamRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (upstream.requests().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gemini got " + upstream.requests().size() + " requests, not " + count);
            }
            Thread.sleep(20);
        }
    }

    private double rejections(String reason) {
        String metrics = management.get("/actuator/prometheus").body();
        return metrics.lines()
                .filter(line -> line.startsWith("lisa_quota_rejections_total{") && line.contains("reason=\"" + reason + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
