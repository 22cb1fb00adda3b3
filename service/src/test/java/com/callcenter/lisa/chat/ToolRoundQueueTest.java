package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A tool round's follow-up request under quota pressure (one request a minute, the clock moved by the test):
 * the turn already waited its turn, so its follow-up goes ahead of a new message that queued meanwhile.
 */
@TestPropertySource(
        properties = {
            "lisa.quota.budget.requests-per-minute=1",
            "lisa.quota.max-wait=600s",
            "spring.lifecycle.timeout-per-shutdown-phase=12m" // at least the longest turn (checked at start-up)
        })
@Import(MovableTime.class)
class ToolRoundQueueTest extends ServiceTest {

    private static final ToolCallingTest.Crm crm = new ToolCallingTest.Crm();

    @Autowired
    MutableClock clock;

    @DynamicPropertySource
    static void personasAndCrm(DynamicPropertyRegistry registry) {
        crm.register(registry, "token");
    }

    @AfterAll
    static void stopCrm() {
        crm.server.stop(0);
    }

    @Test
    void theFollowUpOfAToolRoundGoesAheadOfANewMessage() throws Exception {
        clock.advance(Duration.ofSeconds(62)); // a fresh minute: one request
        String withTool = session();
        String newcomer = session();
        crm.gate = new CountDownLatch(1);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Api.Response> first = clients.submit(() -> api.chat(withTool, "gated_lookup bitte"));
            await().atMost(Duration.ofSeconds(10)).until(() -> crm.calls.size() == 1); // the tool is running
            Future<Api.Response> second = clients.submit(() -> api.chat(newcomer, "Guten Tag"));
            awaitQueueLength(1); // the new message waits for the next minute
            crm.gate.countDown(); // the tool answers: the follow-up queues, behind the new message in time
            awaitQueueLength(2);

            clock.advance(Duration.ofSeconds(62));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ToolCallingTest.modelCalls().size() == 2);
            assertThat(ToolCallingTest.modelCalls().get(1).body())
                    .contains("functionResponse")
                    .contains("gated_lookup");
            Api.Response tooled = first.get();
            assertThat(tooled.status()).as(tooled.body()).isEqualTo(200);
            assertThat(tooled.json().get("reply").asString()).contains("Ergebnis von gated_lookup: {\"found\": true}");
            assertThat(second.isDone()).isFalse();

            clock.advance(Duration.ofSeconds(62));
            Api.Response waited = second.get();
            assertThat(waited.status()).as(waited.body()).isEqualTo(200);
            assertThat(ToolCallingTest.modelCalls()).hasSize(3);
        }
    }

    private String session() {
        return ToolCallingTest.session(api);
    }

    private void awaitQueueLength(int length) {
        await().atMost(Duration.ofSeconds(10))
                .alias("the queue has " + length + " waiting")
                .until(() -> api.get("/api/v1/health").json().toString().contains("\"queueLength\":" + length));
    }
}
