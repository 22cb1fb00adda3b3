package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.support.AuthenticatedServiceTest;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * The round robin over clients over real HTTP with signed tokens: a message's place in the quota queue
 * comes from the tenant and owner stored with its session, so a tenant with one waiting message goes
 * ahead of another tenant's backlog — told so in its {@code queued} event, and served so. A budget of
 * one request a minute; the service's clock is moved instead of waiting.
 */
@Tag("database") // sessions' tenant and owner are read from the session table
@TestPropertySource(
        properties = {
            "lisa.quota.budget.requests-per-minute=1",
            "lisa.quota.max-wait=600s",
            "spring.lifecycle.timeout-per-shutdown-phase=12m" // at least the longest turn (checked at start-up)
        })
@Import(MovableTime.class)
class ClientShareTest extends AuthenticatedServiceTest {

    @Autowired
    MutableClock clock;

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static int lastPlace(List<EventStream.Event> events) {
        return events.stream()
                .filter(e -> e.name().equals("queued"))
                .reduce((a, b) -> b)
                .map(e -> e.json().get("position").asInt())
                .orElse(0);
    }

    private void awaitQueueLength(int length) {
        await().atMost(Duration.ofSeconds(10))
                .alias("the queue has " + length + " waiting")
                .until(() -> api.get("/api/v1/health").json().toString().contains("\"queueLength\":" + length));
    }

    @Test
    void aTenantWithOneWaitingMessageGoesAheadOfAnotherTenantsBacklog() throws Exception {
        clock.advance(Duration.ofSeconds(62)); // an empty window
        String agentA = issuer.token("telephony-a", "tenant-a", "agent");
        String agentB = issuer.token("agent-b", "tenant-b", "agent");
        List<String> sessionsA = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sessionsA.add(newSession(agentA));
        }
        String sessionB = newSession(agentB);

        assertThat(chat(sessionsA.getFirst(), "A0", agentA).status()).isEqualTo(200); // takes the minute's slot
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<List<EventStream.Event>> seenA = new ArrayList<>();
            List<Future<EventStream.Result>> streamsA = new ArrayList<>();
            for (int i = 1; i < 6; i++) {
                String id = sessionsA.get(i);
                List<EventStream.Event> events = new CopyOnWriteArrayList<>();
                seenA.add(events);
                streamsA.add(clients.submit(() -> EventStream.chat(port, id, "A" + id, bearer(agentA), events::add)));
                awaitQueueLength(i);
            }
            List<EventStream.Event> seenB = new CopyOnWriteArrayList<>();
            Future<EventStream.Result> streamB =
                    clients.submit(() -> EventStream.chat(port, sessionB, "B", bearer(agentB), seenB::add));

            try {
                // B is told place 2, right after the head of A's line (first come, first served would say
                // 6), and A's last message is told it moved back to 6.
                await().atMost(Duration.ofSeconds(10))
                        .alias("B queued: A saw " + seenA + ", health "
                                + api.get("/api/v1/health").json().get("quota"))
                        .until(() -> lastPlace(seenB) > 0 || streamB.isDone());
                assertThat(streamB.isDone())
                        .as("B's stream ended: %s", streamB.isDone() ? streamB.get() : null)
                        .isFalse();
                assertThat(lastPlace(seenB))
                        .as("B saw %s; A's last saw %s", seenB, seenA.getLast())
                        .isEqualTo(2);
                await().atMost(Duration.ofSeconds(10)).until(() -> lastPlace(seenA.getLast()) == 6);
            } catch (AssertionError | RuntimeException e) {
                // Let the waiting streams end now rather than after their whole wait.
                sessionsA.forEach(id -> call("DELETE", "/api/v1/sessions/" + id, null, agentA));
                call("DELETE", "/api/v1/sessions/" + sessionB, null, agentB);
                throw e;
            }

            // Served in that order: A's head, then B, while A's backlog still waits.
            clock.advance(Duration.ofSeconds(62));
            await().atMost(Duration.ofSeconds(10)).until(() -> TestUpstream.modelCalls(upstream) == 2);
            assertThat(streamsA.getFirst().get().last().name()).isEqualTo("done");
            clock.advance(Duration.ofSeconds(62));
            EventStream.Result b = streamB.get();
            assertThat(b.last().name()).as(b.events().toString()).isEqualTo("done");
            assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(3);
            assertThat(streamsA.subList(1, 5)).noneMatch(Future::isDone);

            // The rest leave the queue unsent as their sessions end.
            for (int i = 2; i < 6; i++) {
                assertThat(call("DELETE", "/api/v1/sessions/" + sessionsA.get(i), null, agentA)
                                .status())
                        .isEqualTo(204);
            }
            for (Future<EventStream.Result> stream : streamsA.subList(1, 5)) {
                assertThat(stream.get().status()).isIn(200, 409);
            }
        }
        assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(3);
    }
}
