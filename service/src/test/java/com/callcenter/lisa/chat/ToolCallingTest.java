package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.IssuedSignature;
import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.ServiceTest;
import com.callcenter.lisa.support.TempFolders;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tools through Gemini function calling, over real HTTP: the service, the SDK, the emulator (in signature check
 * mode: a call part sent back without its signature is a 400) and a real local HTTP server as the CRM.
 */
@Tag("database")
class ToolCallingTest extends ServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN = "crm-token-never-shown-4711";
    private static final Crm crm = new Crm();

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void personasAndCrm(DynamicPropertyRegistry registry) {
        crm.register(registry, TOKEN);
    }

    @BeforeEach
    void checkSignatures() {
        crm.calls.clear();
        crm.bookings.set(0);
        upstream.requireSignatures(true);
    }

    @AfterAll
    static void stopCrm() {
        crm.server.stop(0);
    }

    @Test
    void aTurnWithTwoToolRoundsCallsEachWebhookOnceFeedsTheResultsBackAndIsStoredOnce() {
        String id = session();

        EventStream.Result streamed = EventStream.chat(port, id, BOOK_THEN_RECORD);

        assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
        assertBookedThenRecorded(streamed);
        assertThat(streamed.events().indexOf(streamed.named("tool").getLast()))
                .isLessThan(streamed.events().indexOf(streamed.only("done")));
        assertThat(streamed.deltaText()).contains("Ergebnis von record_lead: {\"lead\": 42}");
        assertThat(streamed.only("done").json().get("attempts").asInt()).isEqualTo(3); // summed over the rounds

        // the webhook: called once per call, with the key, the payload and the resolved secret header
        assertThat(crm.calls).hasSize(2);
        Crm.Call booking = crm.calls.get(0);
        assertThat(booking.path()).isEqualTo("/crm/callbacks");
        assertThat(booking.idempotencyKey()).isEqualTo(id + "/1/1");
        assertThat(booking.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(JSON.readTree(booking.body()))
                .isEqualTo(JSON.readTree("{\"sessionId\": \"" + id + "\", \"turn\": 1, "
                        + "\"call\": {\"name\": \"book_callback\", \"args\": {\"when\": \"2026-12-01T10:00:00Z\"}}}"));
        assertThat(crm.calls.get(1).path()).isEqualTo("/crm/leads");
        assertThat(crm.calls.get(1).idempotencyKey()).isEqualTo(id + "/1/2");

        // three Gemini requests: the message; + call 1 and its result; + call 2 and its result
        List<RecordedRequest> requests = modelCalls();
        assertThat(requests).hasSize(3);
        List<IssuedSignature> issued = upstream.issuedSignatures();
        JsonNode second = contents(requests.get(1));
        assertThat(second).hasSize(3);
        assertThat(second.get(1)
                        .get("parts")
                        .get(0)
                        .get("functionCall")
                        .get("name")
                        .asString())
                .isEqualTo("book_callback");
        assertThat(second.get(1).get("parts").get(0).get("thoughtSignature").asString())
                .isEqualTo(issued.get(0).signature());
        JsonNode result = second.get(2).get("parts").get(0).get("functionResponse");
        assertThat(second.get(2).get("role").asString()).isEqualTo("user");
        assertThat(result.get("name").asString()).isEqualTo("book_callback");
        assertThat(result.get("id").asString()).isEqualTo("call-1");
        assertThat(result.get("response").toString()).isEqualTo("{\"booked\":true,\"ref\":\"CB-1\"}");
        JsonNode third = contents(requests.get(2));
        assertThat(third).hasSize(5);
        assertThat(third.get(4)
                        .get("parts")
                        .get(0)
                        .get("functionResponse")
                        .get("response")
                        .toString())
                .isEqualTo("{\"lead\":42}");
        assertThat(JSON.readTree(requests.get(0).body()).get("tools").get(0).get("functionDeclarations"))
                .extracting(declaration -> declaration.get("name").asString())
                .containsExactly(
                        "book_callback", "record_lead", "check_stock", "slow_lookup", "gated_lookup", "request_human");

        // one stored turn with both calls, shown in the view without secrets
        assertThat(jdbc.sql("select count(*) from turn where session_id = ?")
                        .param(java.util.UUID.fromString(id))
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
        Api.Response view = api.get("/api/v1/sessions/" + id);
        JsonNode messages = view.json().get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).has("toolCalls")).isFalse();
        JsonNode calls = messages.get(1).get("toolCalls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("name").asString()).isEqualTo("book_callback");
        assertThat(calls.get(0).get("args").toString()).isEqualTo("{\"when\":\"2026-12-01T10:00:00Z\"}");
        assertThat(calls.get(0).get("status").asString()).isEqualTo("ok");
        assertThat(calls.get(0).get("result").toString()).isEqualTo("{\"booked\":true,\"ref\":\"CB-1\"}");
        assertThat(calls.get(0).get("durationMs").isNumber()).isTrue();
        assertThat(calls.get(1).get("result").toString()).isEqualTo("{\"lead\":42}");
        assertThat(view.body()).doesNotContain(TOKEN).doesNotContain("Bearer").doesNotContain(crm.url());

        // the next turn sends the whole exchange back, signatures and all (check mode would refuse otherwise)
        Api.Response next = api.chat(id, "Danke");
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        JsonNode history = contents(modelCalls().getLast());
        assertThat(history).hasSize(7);
        assertThat(history.get(3).get("parts").get(0).get("thoughtSignature").asString())
                .isEqualTo(issued.get(1).signature());
        assertThat(history.get(6).get("parts").get(0).get("text").asString()).isEqualTo("Danke");
        assertThat(crm.calls).hasSize(2);
    }

    @Test
    void aStreamedRepeatOfATurnWithToolsShowsItsToolEventsAgainWithoutCallingAnything() {
        String id = session();
        Map<String, String> key = Map.of("Idempotency-Key", "tools-" + id);

        EventStream.Result first = EventStream.chat(port, id, BOOK_THEN_RECORD, key);
        EventStream.Result repeat = EventStream.chat(port, id, BOOK_THEN_RECORD, key);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(repeat.status()).as(repeat.body()).isEqualTo(200);
        assertBookedThenRecorded(repeat);
        assertThat(repeat.events().indexOf(repeat.named("tool").getLast()))
                .isLessThan(repeat.events().indexOf(repeat.named("delta").getFirst()));
        assertThat(repeat.deltaText()).isEqualTo(first.deltaText());
        assertThat(repeat.only("done").json().get("reply"))
                .isEqualTo(first.only("done").json().get("reply"));
        assertThat(crm.calls).hasSize(2); // the repeat called no webhook
        assertThat(modelCalls()).hasSize(3); // nor Gemini
    }

    @Test
    void aFailingAndATimingOutWebhookGiveErrorResultsAndTheTurnCompletes() {
        String id = session();

        Api.Response reply = api.chat(id, "check_stock und slow_lookup bitte");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("reply").asString()).contains("Ergebnis von slow_lookup: {\"error\":");
        JsonNode calls = toolCalls(id);
        assertThat(calls).extracting(call -> call.get("status").asString()).containsExactly("error", "timeout");
        assertThat(calls.get(0).get("result").get("error").asString()).contains("HTTP 500");
        assertThat(calls.get(1).get("durationMs").asLong()).isBetween(250L, 1500L);
        JsonNode fed = contents(modelCalls().get(1)).get(2).get("parts").get(0).get("functionResponse");
        assertThat(fed.get("response").get("error").asString()).contains("HTTP 500");
        assertThat(crm.calls).extracting(Crm.Call::path).containsExactly("/crm/fail", "/crm/slow");
    }

    @Test
    void invalidArgumentsAndUnknownToolsAreRefusedWithoutCallingAnything() {
        String id = session();

        Api.Response invalid = api.chat(id, "book_callback args:{\"when\": 5}");
        upstream.script(ScriptedAnswer.functionCall("delete_everything", "{\"all\": true}")
                .times(1));
        Api.Response unknown = api.chat(id, "Und noch etwas");

        assertThat(invalid.status()).as(invalid.body()).isEqualTo(200);
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(200);
        assertThat(crm.calls).isEmpty();
        JsonNode first = toolCalls(id, 1);
        assertThat(first).singleElement().satisfies(call -> {
            assertThat(call.get("status").asString()).isEqualTo("invalid_arguments");
            assertThat(call.get("result").get("error").asString()).contains("when");
        });
        assertThat(toolCalls(id, 3)).singleElement().satisfies(call -> {
            assertThat(call.get("name").asString()).isEqualTo("delete_everything");
            assertThat(call.get("status").asString()).isEqualTo("unknown_tool");
            assertThat(call.get("durationMs").asLong()).isZero();
        });
        assertThat(unknown.json().get("reply").asString()).contains("Ergebnis von delete_everything: {\"error\":");
    }

    @Test
    void afterMaxToolRoundsGeminiIsAskedOnceMoreWithFunctionCallingOff() {
        String id = session();

        Api.Response reply = api.chat(id, "record_lead, record_lead, record_lead, record_lead, record_lead");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(crm.calls)
                .extracting(Crm.Call::idempotencyKey)
                .containsExactly(id + "/1/1", id + "/1/2", id + "/1/3", id + "/1/4");
        List<RecordedRequest> requests = modelCalls();
        assertThat(requests).hasSize(5);
        for (int i = 0; i < 4; i++) {
            assertThat(JSON.readTree(requests.get(i).body()).has("toolConfig")).isFalse();
        }
        JsonNode last = JSON.readTree(requests.get(4).body());
        assertThat(last.get("toolConfig")
                        .get("functionCallingConfig")
                        .get("mode")
                        .asString())
                .isEqualTo("NONE");
        assertThat(reply.json().get("reply").asString())
                .startsWith("Hallo, hier ist Lisa!")
                .contains("Ergebnis von record_lead");
        assertThat(toolCalls(id)).hasSize(4);
    }

    @Test
    void aTurnWhoseLaterRoundFailsStoresNothingAndItsRetryCallsTheWebhookWithTheSameKey() {
        String id = session();
        upstream.script(ScriptedAnswer.functionCall("record_lead", "{}").times(1));
        upstream.script(ScriptedAnswer.status(400, """
                {"error": {"code": 400, "message": "Request contains an invalid argument.", "status": "INVALID_ARGUMENT"}}
                """));

        Api.Response failed = chat(id, "record_lead bitte", "lead-key-1");
        Api.Response retried = chat(id, "record_lead bitte", "lead-key-1");

        assertThat(failed.status()).as(failed.body()).isEqualTo(502);
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        // the webhook saw the same call twice, with the same key: it can act once
        assertThat(crm.calls).extracting(Crm.Call::idempotencyKey).containsExactly(id + "/1/1", id + "/1/1");
        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).get("toolCalls")).hasSize(1);
    }

    @Test
    void requestHumanHandsTheCallToAHumanAgentAndTheTurnIsStillStored() {
        String id = session();

        Api.Response reply = api.chat(id, "request_human args:{\"reason\": \"Der Kunde will den Chef\"}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode view = api.get("/api/v1/sessions/" + id).json();
        assertThat(view.get("status").asString()).isEqualTo("handed_off");
        assertThat(view.get("handoff").get("reason").asString()).isEqualTo("Der Kunde will den Chef");
        assertThat(view.get("handoff").get("by").asString()).isEqualTo("tool");
        assertThat(view.get("messages").get(1).get("toolCalls")).singleElement().satisfies(call -> {
            assertThat(call.get("name").asString()).isEqualTo("request_human");
            assertThat(call.get("status").asString()).isEqualTo("ok");
            assertThat(call.get("result").get("handedOff").asBoolean()).isTrue();
        });
        assertThat(api.chat(id, "Hallo?").status()).isEqualTo(409);
        assertThat(crm.calls).isEmpty();
    }

    private String session() {
        return session(api);
    }

    /** A message for which the emulator asks for book_callback, then (after its result) record_lead. */
    private static final String BOOK_THEN_RECORD = "Bitte book_callback args:{\"when\": "
            + "\"2026-12-01T10:00:00Z\"} und dann record_lead args:{\"product\": \"Tarif M\"}";

    /** The stream's tool events of {@link #BOOK_THEN_RECORD}: both calls, in order, both ok. */
    private static void assertBookedThenRecorded(EventStream.Result streamed) {
        assertThat(streamed.named("tool"))
                .extracting(event -> event.json().toString())
                .containsExactly(
                        "{\"name\":\"book_callback\",\"status\":\"ok\"}",
                        "{\"name\":\"record_lead\",\"status\":\"ok\"}");
    }

    /** A new session with the persona {@code crm}. */
    static String session(Api api) {
        Api.Response created = api.post("/api/v1/sessions", "{\"persona\": \"crm\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private Api.Response chat(String sessionId, String message, String key) {
        return api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + sessionId + "/chat"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        Api.json(java.util.Map.of("message", message)))));
    }

    private JsonNode toolCalls(String id) {
        return toolCalls(id, 1);
    }

    /** The toolCalls of the assistant message at {@code index} of the session view. */
    private JsonNode toolCalls(String id, int index) {
        return api.get("/api/v1/sessions/" + id)
                .json()
                .get("messages")
                .get(index)
                .get("toolCalls");
    }

    /** The generateContent requests (not the model look-ups of the service's availability checks). */
    static List<RecordedRequest> modelCalls() {
        return upstream.requests().stream()
                .filter(request -> request.path().contains("enerateContent"))
                .toList();
    }

    private static JsonNode contents(RecordedRequest request) {
        return JSON.readTree(request.body()).get("contents");
    }

    /** A folder with the persona {@code crm} and its tools, all calling {@link Crm}. */
    private static Path personaFolder() {
        try {
            Path root = TempFolders.untilExit("lisa-tools-");
            Path folder = Files.createDirectories(root.resolve("crm"));
            Files.writeString(folder.resolve("persona.yml"), """
                    prompt: prompt.md
                    tools:
                      - name: book_callback
                        description: Books a callback for the customer at the given time.
                        parameters: { type: object, required: [when], properties: { when: { type: string } } }
                        http:
                          method: POST
                          url: "${TOOLS_TEST_CRM}/callbacks"
                          headers: { Authorization: "Bearer ${TOOLS_TEST_TOKEN}" }
                          timeout: 5s
                      - name: record_lead
                        description: Records a lead.
                        parameters: { type: object, properties: { product: { type: string } } }
                        http: { url: "${TOOLS_TEST_CRM}/leads", timeout: 5s }
                      - name: check_stock
                        description: Checks the stock.
                        http: { url: "${TOOLS_TEST_CRM}/fail", timeout: 5s }
                      - name: slow_lookup
                        description: Looks something up, slowly.
                        http: { url: "${TOOLS_TEST_CRM}/slow", timeout: 300ms }
                      - name: gated_lookup
                        description: Looks something up when the test lets it.
                        http: { url: "${TOOLS_TEST_CRM}/gated", timeout: 20s }
                    """);
            Files.writeString(folder.resolve("prompt.md"), "Du bist Lisa und buchst Rückrufe.\n");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CRM: a real HTTP server on 127.0.0.1 that records every call and answers by path. */
    static final class Crm {

        record Call(String path, String idempotencyKey, String authorization, String body) {}

        final List<Call> calls = new CopyOnWriteArrayList<>();
        final HttpServer server;
        final Path personas = personaFolder();
        /** Holds calls of gated_lookup until the test opens it. */
        volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

        final java.util.concurrent.atomic.AtomicInteger bookings = new java.util.concurrent.atomic.AtomicInteger();

        Crm() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/crm", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/crm";
        }

        /**
         * Points the service under test at this CRM: a persona folder with {@code crm} (its tools call this server)
         * and {@code token} as the secret of the tools' Authorization header.
         */
        void register(DynamicPropertyRegistry registry, String token) {
            registry.add("lisa.personas.directory", personas::toString);
            registry.add("TOOLS_TEST_CRM", this::url);
            registry.add("TOOLS_TEST_TOKEN", () -> token);
        }

        private void handle(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            calls.add(new Call(
                    path,
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body));
            switch (path) {
                case "/crm/callbacks" -> {
                    int booking = bookings.incrementAndGet();
                    answer(exchange, 200, "{\"booked\": true, \"ref\": \"CB-" + booking + "\"}");
                }
                case "/crm/leads" -> answer(exchange, 200, "{\"lead\": 42}");
                case "/crm/gated" -> {
                    try {
                        gate.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer(exchange, 200, "{\"found\": true}");
                }
                case "/crm/slow" -> {
                    try {
                        Thread.sleep(1500); // the CRM being slow: longer than the tool's 300 ms timeout
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer(exchange, 200, "{\"late\": true}");
                }
                default -> answer(exchange, 500, "{\"error\": \"database down\"}");
            }
        }

        private static void answer(HttpExchange exchange, int status, String json) throws IOException {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException e) {
                // the service gave up waiting (timeout): nobody reads this answer
            }
            exchange.close();
        }
    }
}
