package com.callcenter.lisa.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EmulatorReply;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The streaming chat over real HTTP, read by a real SSE client, in front of an emulator that leaves
 * {@value #GAP_MS} ms between the chunks of a reply, as Gemini does while it generates.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lisa.quota.retry.max-attempts=3", "lisa.quota.retry.base-delay=10ms"})
class StreamingChatTest {

    static final long GAP_MS = 150;

    static final GeminiEmulator upstream = start();

    @LocalServerPort
    int port;

    Api api;

    @DynamicPropertySource
    static void upstreamAndDatabase(DynamicPropertyRegistry registry) {
        TestUpstream.register(registry, upstream);
    }

    @BeforeEach
    void connect() {
        upstream.reset();
        api = new Api(port);
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @Test
    void deltasArriveWhileGeminiIsStillGeneratingAndMakeUpTheStoredReply() {
        String id = api.newSession();

        long sent = System.nanoTime();
        EventStream.Result stream = EventStream.chat(port, id, "Was kostet der Tarif?");

        assertThat(stream.status()).as(stream.body()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        List<EventStream.Event> deltas = stream.named("delta");
        assertThat(deltas).hasSizeGreaterThanOrEqualTo(3);
        EventStream.Event done = stream.only("done");
        assertThat(stream.last()).isEqualTo(done);
        // The emulator needs (chunks - 1) gaps after its first chunk: a first delta that arrives that much
        // before the end was forwarded while the upstream was still generating, not after it finished.
        long firstToDoneMs = TimeUnit.NANOSECONDS.toMillis(
                done.receivedNanos() - deltas.getFirst().receivedNanos());
        assertThat(firstToDoneMs).isGreaterThanOrEqualTo((deltas.size() - 1) * GAP_MS * 9 / 10);
        for (int i = 1; i < deltas.size(); i++) {
            long apart = TimeUnit.NANOSECONDS.toMillis(
                    deltas.get(i).receivedNanos() - deltas.get(i - 1).receivedNanos());
            assertThat(apart)
                    .as("delta %d came %d ms after the one before", i, apart)
                    .isGreaterThanOrEqualTo(GAP_MS / 2);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(deltas.getFirst().receivedNanos() - sent))
                .isLessThan(5_000);

        JsonNode reply = done.json();
        String streamed = stream.deltaText();
        assertThat(reply.get("reply").asString()).isEqualTo(streamed);
        assertThat(EmulatorReply.lastMessage(streamed)).isEqualTo("Was kostet der Tarif?");
        assertThat(reply.get("finishReason").asString()).isEqualTo("STOP");
        assertThat(reply.get("usage").get("replyTokens").asInt()).isPositive();
        assertThat(reply.get("attempts").asInt()).isEqualTo(1);
        assertThat(reply.get("sessionId").asString()).isEqualTo(id);
        assertThat(upstream.requests()).hasSize(1);
        assertThat(upstream.requests().getFirst().path())
                .contains(":streamGenerateContent")
                .contains("alt=sse");

        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).get("content").asString()).isEqualTo(streamed);
    }

    @Test
    void streamedTurnsCarryTheHistoryLikeJsonTurns() {
        String id = api.newSession();
        api.chat(id, "Erste Frage");

        EventStream.Result second = EventStream.chat(port, id, "Zweite Frage");

        assertThat(EmulatorReply.contentsCount(second.deltaText())).isEqualTo(3);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(4);
    }

    @Test
    void aStreamThatBreaksOffMidwayEndsWithAnErrorAndStoresNothing() {
        String id = api.newSession();
        api.chat(id, "Erste Frage");
        JsonNode before = api.get("/api/v1/sessions/" + id).json();
        upstream.script(ScriptedAnswer.fixture(
                com.callcenter.lisa.emulator.Fixtures.path("errors/stream-error-mid-stream.sse")));

        EventStream.Result stream = EventStream.chat(port, id, "Zweite Frage");

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.deltaText()).isEqualTo("Guten Tag, hier ist");
        EventStream.Event error = stream.only("error");
        assertThat(stream.last()).isEqualTo(error);
        assertThat(stream.named("done")).isEmpty();
        JsonNode problem = error.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:lisa:problem:upstream-unavailable");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asString()).doesNotContain(TestUpstream.API_KEY);
        // Part of the reply had been shown: a retry would start a different answer, so there is none.
        assertThat(upstream.requests())
                .filteredOn(r -> r.path().contains(":streamGenerateContent"))
                .hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json()).isEqualTo(before);
    }

    @Test
    void aDroppedUpstreamConnectionEndsWithAnErrorAndStoresNothing() {
        String id = api.newSession();
        String firstChunk = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Guten Tag\"}],"
                + "\"role\": \"model\"}}],\"modelVersion\": \"gemini-2.5-flash-lite\"}\r\n\r\n";
        upstream.script(ScriptedAnswer.dropAfter(firstChunk, 200, "text/event-stream"));

        EventStream.Result stream = EventStream.chat(port, id, "Hallo");

        assertThat(stream.deltaText()).isEqualTo("Guten Tag");
        assertThat(stream.last().name()).isEqualTo("error");
        assertThat(stream.last().json().get("type").asString()).isEqualTo("urn:lisa:problem:upstream-unavailable");
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    @Test
    void aFailureBeforeTheFirstPieceIsRetriedWithinTheStream() {
        String id = api.newSession();
        upstream.script(
                ScriptedAnswer.fixture(com.callcenter.lisa.emulator.Fixtures.path("errors/503-overloaded.json")));

        EventStream.Result stream = EventStream.chat(port, id, "Hallo");

        assertThat(stream.only("done").json().get("attempts").asInt()).isEqualTo(2);
        assertThat(stream.named("error")).isEmpty();
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void aClientThatHangsUpWhileLisaAnswersStillFindsTheTurnStored() throws Exception {
        String id = api.newSession();

        List<EventStream.Event> seen = EventStream.chatAndHangUp(
                port, id, "Bitte rufen Sie mich zurück", event -> event.name().equals("delta"));

        assertThat(seen).extracting(EventStream.Event::name).containsExactly("delta");
        JsonNode messages = awaitMessages(id, 2);
        String stored = messages.get(1).get("content").asString();
        assertThat(stored).startsWith(seen.getFirst().json().get("text").asString());
        assertThat(EmulatorReply.lastMessage(stored)).isEqualTo("Bitte rufen Sie mich zurück");
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void errorsFoundBeforeTheStreamStartsAreProblemResponses() {
        String unknown = "3f2b8c1e-7d4a-4e59-9a61-0c2d5b7e8f90";
        EventStream.Result notFound = EventStream.chat(port, unknown, "Hallo");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.contentType()).startsWith("application/problem+json");
        assertThat(notFound.json().get("type").asString()).isEqualTo("urn:lisa:problem:session-not-found");

        String id = api.newSession();
        EventStream.Result blank = EventStream.chat(port, id, "   ");
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().get("type").asString()).isEqualTo("urn:lisa:problem:blank-message");

        api.delete("/api/v1/sessions/" + id);
        EventStream.Result closed = EventStream.chat(port, id, "Hallo");
        assertThat(closed.status()).isEqualTo(409);
        assertThat(closed.json().get("type").asString()).isEqualTo("urn:lisa:problem:session-closed");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void withoutAskingForAStreamTheAnswerIsJson() {
        String id = api.newSession();
        for (String accept :
                new String[] {null, "*/*", "application/json", "application/json, text/event-stream;q=0.5"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + id + "/chat"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"Hallo\"}"));
            if (accept != null) {
                request.header("Accept", accept);
            }
            Api.Response response = api.send(request);
            assertThat(response.status()).as(accept + ": " + response.body()).isEqualTo(200);
            assertThat(response.contentType()).as(String.valueOf(accept)).startsWith("application/json");
        }
        assertThat(upstream.requests()).allSatisfy(r -> assertThat(r.path()).contains(":generateContent"));
    }

    private JsonNode awaitMessages(String id, int count) {
        return await().atMost(Duration.ofSeconds(10))
                .alias(count + " messages stored")
                .until(() -> api.get("/api/v1/sessions/" + id).json().get("messages"), m -> m.size() >= count);
    }

    private static GeminiEmulator start() {
        try {
            GeminiEmulator emulator = GeminiEmulator.start(
                    EmulatorConfig.defaults().withApiKey(TestUpstream.API_KEY).withChunkGap(Duration.ofMillis(GAP_MS)));
            Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
            return emulator;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
