package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.Latency;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EmulatorReply;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestUpstream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Many conversations at once: each history holds exactly its own turns in order, and concurrent
 * messages to one session are taken one after the other in arrival order. The emulator answers
 * after 100 ms, so turns really overlap.
 */
@Tag("database")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConcurrentTurnsTest {

    private static final GeminiEmulator slowUpstream = start();

    @LocalServerPort
    int port;

    Api api;

    @Autowired
    ChatService chats;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("lisa.gemini.base-url", slowUpstream::baseUrl);
        registry.add("lisa.gemini.api-key", () -> TestUpstream.API_KEY);
        TestDatabases.register(registry);
    }

    @BeforeEach
    void connect() {
        slowUpstream.reset();
        api = new Api(port);
    }

    @AfterAll
    static void stop() {
        slowUpstream.close();
    }

    @Test
    void twentySessionsFiveTurnsEachKeepTheirOwnHistories() throws Exception {
        int sessions = 20;
        int turns = 5;
        List<String> ids = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            ids.add(api.newSession());
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < sessions; s++) {
                String id = ids.get(s);
                int session = s;
                pool.submit(() -> {
                    for (int t = 1; t <= turns; t++) {
                        String message = "Sitzung " + session + " Nachricht " + t;
                        Api.Response response = api.chat(id, message);
                        String reply = response.json().path("reply").asString("");
                        // The emulator quotes the last message and counts the contents it got: 2t-1.
                        if (response.status() != 200
                                || !message.equals(EmulatorReply.lastMessage(reply))
                                || EmulatorReply.contentsCount(reply) != 2 * t - 1) {
                            failures.add(id + " turn " + t + ": " + response.status() + " " + response.body());
                        }
                    }
                });
            }
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(failures).isEmpty();
        for (int s = 0; s < sessions; s++) {
            JsonNode messages = api.get("/api/v1/sessions/" + ids.get(s)).json().get("messages");
            assertThat(messages).hasSize(2 * turns);
            for (int t = 1; t <= turns; t++) {
                assertThat(messages.get(2 * (t - 1)).get("content").asString())
                        .isEqualTo("Sitzung " + s + " Nachricht " + t);
                assertThat(EmulatorReply.lastMessage(
                                messages.get(2 * t - 1).get("content").asString()))
                        .isEqualTo("Sitzung " + s + " Nachricht " + t);
            }
        }
        // 100 turns of 100 ms each: sequential would take 10 s; sessions must run in parallel.
        assertThat(elapsedMs).isLessThan(5_000);
        assertThat(slowUpstream.requests()).hasSize(sessions * turns);
    }

    @Test
    void simultaneousMessagesToOneSessionAreTakenInArrivalOrder() throws Exception {
        String id = api.newSession();
        UUID session = UUID.fromString(id);
        int messages = 10;
        List<Future<Api.Response>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 1; i <= messages; i++) {
                String message = "Nachricht " + i;
                responses.add(pool.submit(() -> api.chat(id, message)));
                // The next one only once this one is in the session's line: queued behind a turn, or past
                // the line and at Gemini (a message between the two counts in neither, so this waits longer
                // rather than sending the next one too early).
                int arrived = i;
                await("message " + arrived + " in line")
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(2))
                        .until(() -> chats.messagesQueuedBehindATurn(session)
                                        + slowUpstream.requests().size()
                                >= arrived);
            }
            for (Future<Api.Response> response : responses) {
                assertThat(response.get().status()).isEqualTo(200);
            }
        }

        JsonNode history = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(history).hasSize(2 * messages);
        for (int i = 1; i <= messages; i++) {
            JsonNode user = history.get(2 * (i - 1));
            JsonNode assistant = history.get(2 * i - 1);
            assertThat(user.get("role").asString()).isEqualTo("user");
            assertThat(user.get("content").asString()).isEqualTo("Nachricht " + i);
            assertThat(assistant.get("role").asString()).isEqualTo("assistant");
            // Each turn saw every earlier turn: no interleaving.
            assertThat(EmulatorReply.lastMessage(assistant.get("content").asString()))
                    .isEqualTo("Nachricht " + i);
            assertThat(EmulatorReply.contentsCount(assistant.get("content").asString()))
                    .isEqualTo(2 * i - 1);
        }
        for (int i = 0; i < messages; i++) {
            assertThat(EmulatorReply.lastMessage(
                            responses.get(i).get().json().get("reply").asString()))
                    .isEqualTo("Nachricht " + (i + 1));
        }
    }

    private static GeminiEmulator start() {
        try {
            return GeminiEmulator.start(EmulatorConfig.defaults()
                    .withApiKey(TestUpstream.API_KEY)
                    .withLatency(Latency.fixed(Duration.ofMillis(100))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
