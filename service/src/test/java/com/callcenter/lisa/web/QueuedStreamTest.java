package com.callcenter.lisa.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Streaming clients under quota pressure: a budget of one request per minute makes messages queue; the
 * test moves the service's clock on instead of waiting for the minutes to pass.
 */
@TestPropertySource(
        properties = {
            "lisa.quota.budget.requests-per-minute=1",
            "lisa.quota.max-wait=600s",
            "spring.lifecycle.timeout-per-shutdown-phase=12m", // at least the longest turn (checked at start-up)
            "lisa.web.stream.keep-alive=100ms"
        })
@Import(MovableTime.class)
class QueuedStreamTest extends ServiceTest {

    /** Longer than the queue's re-check of its budget (1 s): what was not sent by then never is. */
    private static final Duration RECHECKED = Duration.ofMillis(1_500);

    @Autowired
    MutableClock clock;

    /** Each test starts with an empty window: the one before may have used the minute's request. */
    @BeforeEach
    void aMinutePasses() {
        clock.advance(Duration.ofSeconds(62));
    }

    @Test
    void waitingClientsAreToldTheirPlaceAndItOnlyMovesUp() throws Exception {
        int sessions = 5;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ids.add(api.newSession());
        }
        List<EventStream.Result> streams = new ArrayList<>();
        List<List<EventStream.Event>> seen = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<EventStream.Result>> running = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String id = ids.get(i);
                List<EventStream.Event> events = new CopyOnWriteArrayList<>();
                seen.add(events);
                running.add(clients.submit(() -> EventStream.chat(port, id, "Was kostet das?", Map.of(), events::add)));
                // Distinct arrival order: the first is sent at once, each later one is queued before the next comes.
                if (i == 0) {
                    awaitUpstreamRequests(1);
                } else {
                    awaitQueueLength(i);
                }
            }
            // A minute passes for the service each time the one before has been let out of the queue.
            for (int sent = 1; sent < sessions; sent++) {
                awaitUpstreamRequests(sent);
                // The watchers have told each waiting client the place it has now.
                for (int i = sent; i < sessions; i++) {
                    int place = i - sent + 1;
                    List<EventStream.Event> events = seen.get(i);
                    await().atMost(Duration.ofSeconds(10)).until(() -> lastPlace(events) == place);
                }
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
                assertThat(queued.getFirst().json().get("estimatedWaitMs").asLong())
                        .as(stream.events().toString())
                        .isPositive();
                // Everything about the queue is said before Lisa starts to answer.
                assertThat(stream.events().indexOf(queued.getLast()))
                        .isLessThan(
                                stream.events().indexOf(stream.named("delta").getFirst()));
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

        List<EventStream.Event> seen = EventStream.chatAndHangUp(
                port, id, "Hallo?", event -> event.name().equals("queued"));

        assertThat(seen.getLast().json().get("estimatedWaitMs").asLong()).isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> rejections("client_gone") == before + 1);
        clock.advance(Duration.ofSeconds(62));
        // The queue re-checks its budget every second: had the message stayed, it would be sent now.
        await().during(RECHECKED)
                .atMost(RECHECKED.plusSeconds(5))
                .until(() -> upstream.requests().size() == 1);
        assertThat(rejections("client_gone")).isEqualTo(before + 1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
        assertThat(api.get("/api/v1/health").json().toString()).contains("\"queueLength\":0");
    }

    @Test
    void endingTheSessionTakesItsWaitingMessageOutOfTheQueue() throws Exception {
        String id = api.newSession();
        assertThat(api.chat(api.newSession(), "Ich nehme den Slot").status()).isEqualTo(200);

        double clientsGone = rejections("client_gone");
        double sessionsEnded = rejections("session_ended");

        try (ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<com.callcenter.lisa.support.Api.Response> waiting = client.submit(() -> api.chat(id, "Hallo?"));
            awaitQueueLength(1);

            assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

            ProblemAssertions.assertProblem(waiting.get(), 409, "session-closed");
        }
        // Counted as what it was: the call ended, not a client that went away.
        assertThat(rejections("session_ended")).isEqualTo(sessionsEnded + 1);
        assertThat(rejections("client_gone")).isEqualTo(clientsGone);
        clock.advance(Duration.ofSeconds(62));
        await().during(RECHECKED)
                .atMost(RECHECKED.plusSeconds(5))
                .until(() -> upstream.requests().size() == 1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    private void awaitQueueLength(int length) {
        await().atMost(Duration.ofSeconds(10))
                .alias("the queue has " + length + " waiting")
                .until(() -> api.get("/api/v1/health").json().toString().contains("\"queueLength\":" + length));
    }

    private static void awaitUpstreamRequests(int count) {
        await().atMost(Duration.ofSeconds(10))
                .alias("Gemini got " + count + " requests")
                .until(() -> upstream.requests().size() >= count);
    }

    /** The place the last {@code queued} event told the client, 0 before any. */
    private static int lastPlace(List<EventStream.Event> events) {
        return events.stream()
                .filter(e -> e.name().equals("queued"))
                .reduce((a, b) -> b)
                .map(e -> e.json().get("position").asInt())
                .orElse(0);
    }

    private double rejections(String reason) {
        String metrics = management.get("/actuator/prometheus").body();
        return metrics.lines()
                .filter(line ->
                        line.startsWith("lisa_quota_rejections_total{") && line.contains("reason=\"" + reason + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
