package com.callcenter.lisa.wrapup;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.session.SessionService;
import com.callcenter.lisa.session.Turn;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import com.callcenter.lisa.support.WrapUps;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wrap-up of a session for the CRM, for each way a session ends, over HTTP through the SDK and the
 * emulator: made with structured output, valid against the schema, one retry for an answer that breaks it.
 */
@Tag("database")
@TestPropertySource(properties = {"lisa.wrapup.enabled=true", "lisa.wrapup.poll-interval=200ms"})
@Import(MovableTime.class)
class WrapUpTest extends ServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MutableClock clock;

    @Autowired
    SessionService sessions;

    @Test
    void aDeletedSessionGetsAWrapUpValidAgainstTheSchema() throws Exception {
        String id = api.newSession();
        assertThat(api.chat(id, "Ich interessiere mich für den Tarif, rufen Sie mich morgen an: callback")
                        .status())
                .isEqualTo(200);
        assertProblem(api.get("/api/v1/sessions/" + id + "/wrap-up"), 404, "wrap-up-not-found"); // still active

        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

        JsonNode body = awaitFinished(id);
        assertThat(body.get("state").asString()).isEqualTo("done");
        assertThat(body.get("attempts").asInt()).isEqualTo(1);
        JsonNode wrapUp = body.get("wrapUp");
        assertThat(schema().validate(wrapUp)).isEmpty();
        // The emulator answers from the conversation: the customer said "callback".
        assertThat(wrapUp.get("outcome").asString()).isEqualTo("CALLBACK");
        assertThat(wrapUp.get("summary").asString()).startsWith("Customer: Ich interessiere mich");
        OffsetDateTime.parse(wrapUp.get("callbackAt").asString());
        RecordedRequest asked = wrapUpRequests().getFirst();
        JsonNode config = JSON.readTree(asked.body()).get("generationConfig");
        assertThat(config.get("responseMimeType").asString()).isEqualTo("application/json");
        assertThat(config.get("responseJsonSchema").get("required")).hasSize(7);
        assertThat(asked.body()).contains("Ich interessiere mich für den Tarif");
    }

    @Test
    void anExpiredSessionGetsAWrapUpFromTheSweep() {
        String id = api.newSession();
        assertThat(api.chat(id, "Kein Interesse, danke").status()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(31));
        sessions.sweep();

        JsonNode body = awaitFinished(id);
        assertThat(body.get("state").asString()).isEqualTo("done");
        assertThat(schema().validate(body.get("wrapUp"))).isEmpty();
        assertThat(api.get("/api/v1/sessions/" + id).json().get("status").asString())
                .isEqualTo("expired");
    }

    @Test
    void aHandoffToAHumanMakesTheWrapUpDue() {
        String id = api.newSession();
        assertThat(api.chat(id, "Ich möchte mit einem Menschen sprechen").status())
                .isEqualTo(200);

        Api.Response handedOff =
                api.post("/api/v1/sessions/" + id + "/handoff", "{\"reason\": \"Kunde will einen Menschen\"}");
        assertThat(handedOff.status()).as(handedOff.body()).isBetween(200, 299);

        JsonNode body = awaitFinished(id);
        assertThat(body.get("state").asString()).isEqualTo("done");
        assertThat(schema().validate(body.get("wrapUp"))).isEmpty();
    }

    /**
     * One wrap-up per session: the one made when Lisa's part ended at the handoff. Resumed, talking on and then
     * ended, the session keeps it (the CRM got it once, with Idempotency-Key = session id); the turns after the
     * resume are in the session's history, not in a second wrap-up.
     */
    @Test
    void aSessionHandedOffResumedAndEndedKeepsTheOneWrapUpMadeAtTheHandoff() {
        String id = api.newSession();
        assertThat(api.chat(id, "Ich möchte einen Menschen, sagt der Resume-Kunde")
                        .status())
                .isEqualTo(200);
        api.post("/api/v1/sessions/" + id + "/handoff", "{\"reason\": \"Kunde will einen Menschen\"}");
        JsonNode first = awaitFinished(id);
        assertThat(first.get("wrapUp").get("summary").asString()).contains("Resume-Kunde");

        clock.advance(Duration.ofMinutes(1));
        assertThat(api.post("/api/v1/sessions/" + id + "/resume", null).status())
                .isEqualTo(200);
        assertThat(api.chat(id, "Danke, ich kaufe den Tarif nach dem Gespräch").status())
                .isEqualTo(200);
        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

        // Another session ended after it: the worker makes due wrap-ups oldest first, one at a time, so once this
        // one is done, a second wrap-up of the first session would have been made already.
        clock.advance(Duration.ofSeconds(1));
        String later = api.newSession();
        assertThat(api.chat(later, "Kein Interesse, sagt der zweite Kunde").status())
                .isEqualTo(200);
        assertThat(api.delete("/api/v1/sessions/" + later).status()).isEqualTo(204);
        awaitFinished(later);

        assertThat(api.get("/api/v1/sessions/" + id + "/wrap-up").json()).isEqualTo(first);
        assertThat(wrapUpRequests())
                .filteredOn(request -> request.body().contains("Resume-Kunde"))
                .singleElement()
                .satisfies(request -> assertThat(request.body()).doesNotContain("ich kaufe den Tarif"));
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(4);
    }

    /**
     * A wrap-up that gets its slot only after the session was resumed and talked on covers the turns before the
     * handoff: what it says does not depend on how long it waited.
     */
    @Test
    void aWrapUpCoversOnlyTheTurnsBeforeTheHandoff() {
        String id = api.newSession();
        assertThat(api.chat(id, "Erste Frage zum Tarif").status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        Api.Response handedOff = api.post("/api/v1/sessions/" + id + "/handoff", "{\"reason\": \"Rückfrage\"}");
        Instant due = Instant.parse(handedOff.json().get("handoff").get("at").asString());
        clock.advance(Duration.ofSeconds(1));
        api.post("/api/v1/sessions/" + id + "/resume", null);
        assertThat(api.chat(id, "Zweite Frage nach dem Resume").status()).isEqualTo(200);

        List<Turn> turns = sessions.conversation(UUID.fromString(id)).turns();

        assertThat(turns).hasSize(2);
        assertThat(WrapUpWorker.covered(turns, due))
                .extracting(Turn::userMessage)
                .containsExactly("Erste Frage zum Tarif");
    }

    /**
     * Lisa hands off with her tool on the second turn: the wrap-up is due at once, but the turn that called
     * request_human is stored only after its last Gemini round (here 2 s late); the wrap-up waits for that turn
     * instead of leaving it out.
     */
    @Test
    void aWrapUpAfterLisasHandoffWaitsForTheTurnThatCalledIt() {
        String id = api.newSession();
        assertThat(api.chat(id, "Guten Tag aus dem Wartetest").status()).isEqualTo(200);
        upstream.script(
                ScriptedAnswer.functionCall("request_human", "{\"reason\": \"Kunde will einen Menschen\"}"),
                ScriptedAnswer.text("Ich verbinde Sie mit einer Kollegin.").delayed(Duration.ofSeconds(2)));

        Api.Response reply = api.chat(id, "Ich will mit einem Menschen sprechen");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("handoff").get("by").asString()).isEqualTo("tool");
        clock.advance(Duration.ofSeconds(2)); // past the wait the worker set while the turn was being answered
        assertThat(awaitFinished(id).get("state").asString()).isEqualTo("done");
        // (another test's wrap-up may reach the emulator meanwhile: this session's is found by its words)
        assertThat(wrapUpRequests())
                .filteredOn(request -> request.body().contains("Guten Tag aus dem Wartetest"))
                .singleElement()
                .satisfies(request -> assertThat(request.body())
                        .contains("Ich will mit einem Menschen sprechen", "Ich verbinde Sie mit einer Kollegin."));
    }

    /**
     * The app hands the call off (or ends it) while Gemini answers the customer's second message (here 2 s late): that
     * message came before, so the wrap-up is about it, and it waits for the turn to be stored instead of leaving it
     * out. Before V17 only Lisa's own handoff waited: such a wrap-up was made at once, from the first turn alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"handoff", "end"})
    void aWrapUpWaitsForTheTurnGeminiWasAnsweringWhenTheCallWasHandedOffOrEnded(String how) throws Exception {
        String id = api.newSession();
        String first = "Guten Tag, hier der Test mit " + how;
        assertThat(api.chat(id, first).status()).isEqualTo(200);
        upstream.script(
                ScriptedAnswer.text("Der Tarif kostet 29 Euro im Monat.").delayed(Duration.ofSeconds(2)));
        String second = "Was kostet der Tarif? (" + how + ")";
        try (ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Api.Response> answered = client.submit(() -> api.chat(id, second));
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            upstream.requests().stream().anyMatch(r -> r.body().contains(second)));

            Api.Response closed = how.equals("handoff")
                    ? api.post("/api/v1/sessions/" + id + "/handoff", "{\"reason\": \"Eine Kollegin übernimmt\"}")
                    : api.delete("/api/v1/sessions/" + id);

            assertThat(closed.status()).as(closed.body()).isIn(200, 204);
            assertThat(answered.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        clock.advance(Duration.ofSeconds(2)); // past the wait the worker set while the turn was being answered
        assertThat(awaitFinished(id).get("state").asString()).isEqualTo("done");
        assertThat(wrapUpRequests())
                .filteredOn(request -> request.body().contains(first))
                .singleElement()
                .satisfies(
                        request -> assertThat(request.body()).contains(second, "Der Tarif kostet 29 Euro im Monat."));
    }

    /**
     * As above, but Gemini refuses that turn (a permanent 400, 2 s late): it is never stored, and the wrap-up is made
     * from the turn before as soon as the worker looks again, not after the longest a turn can take (minutes).
     */
    @Test
    void aWrapUpDoesNotWaitForATurnThatFailedAfterTheHandoff() throws Exception {
        String id = api.newSession();
        String first = "Guten Tag, hier der Test mit einer Absage";
        assertThat(api.chat(id, first).status()).isEqualTo(200);
        upstream.script(ScriptedAnswer.status(400, """
                        {"error": {"code": 400, "message": "Request contains an invalid argument.", "status": "INVALID_ARGUMENT"}}
                        """).delayed(Duration.ofSeconds(2)));
        String second = "Was kostet der Tarif? (abgesagt)";
        try (ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Api.Response> answered = client.submit(() -> api.chat(id, second));
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            upstream.requests().stream().anyMatch(r -> r.body().contains(second)));

            Api.Response handedOff =
                    api.post("/api/v1/sessions/" + id + "/handoff", "{\"reason\": \"Eine Kollegin übernimmt\"}");

            assertThat(handedOff.status()).as(handedOff.body()).isEqualTo(200);
            Api.Response failed = answered.get(20, TimeUnit.SECONDS);
            assertThat(failed.status()).as(failed.body()).isEqualTo(502);
        }
        clock.advance(Duration.ofSeconds(2)); // past the worker's next look, far short of the longest a turn can take
        assertThat(awaitFinished(id).get("state").asString()).isEqualTo("done");
        assertThat(wrapUpRequests())
                .filteredOn(request -> request.body().contains(first))
                .singleElement()
                .satisfies(request -> assertThat(request.body()).doesNotContain(second));
    }

    /** Handed off by Lisa on its first turn (no stored turn when it was handed off): the wrap-up is made all the same. */
    @Test
    void aSessionLisaHandsOffOnItsFirstTurnGetsItsWrapUp() {
        String id = api.newSession();

        Api.Response reply = api.chat(id, "request_human args:{\"reason\": \"Beschwerde über die Rechnung\"}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("status").asString())
                .isEqualTo("handed_off");
        assertThat(awaitFinished(id).get("state").asString()).isEqualTo("done");
        assertThat(wrapUpRequests())
                .filteredOn(request -> request.body().contains("Beschwerde über die Rechnung"))
                .hasSize(1);
    }

    @Test
    void aSessionWithoutTurnsGetsNone() {
        String id = api.newSession();
        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

        assertProblem(api.get("/api/v1/sessions/" + id + "/wrap-up"), 404, "wrap-up-not-found");
        assertProblem(
                api.get("/api/v1/sessions/00000000-0000-4000-8000-000000000000/wrap-up"), 404, "session-not-found");
        assertProblem(api.get("/api/v1/sessions/12345/wrap-up"), 400, "invalid-session-id");
    }

    @Test
    void anAnswerThatIsNotJsonIsAskedForOnceMore() {
        String id = api.newSession();
        assertThat(api.chat(id, "Ich kaufe").status()).isEqualTo(200);
        upstream.script(ScriptedAnswer.invalidJson());

        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

        JsonNode body = awaitFinished(id);
        assertThat(body.get("state").asString()).as(body.toString()).isEqualTo("done");
        assertThat(body.get("attempts").asInt()).isEqualTo(2);
        assertThat(schema().validate(body.get("wrapUp"))).isEmpty();
        assertThat(wrapUpRequests()).hasSize(2);
    }

    @Test
    void twoBrokenAnswersMakeItFailWithTheReason() {
        String id = api.newSession();
        assertThat(api.chat(id, "Hallo").status()).isEqualTo(200);
        upstream.script(ScriptedAnswer.invalidJson().times(2));

        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

        JsonNode body = awaitFinished(id);
        assertThat(body.get("state").asString()).isEqualTo("failed");
        assertThat(body.get("attempts").asInt()).isEqualTo(2);
        assertThat(body.get("reason").asString())
                .contains("did not follow the wrap-up schema 2 times")
                .contains("not JSON");
        assertThat(body.has("wrapUp")).isFalse();
        assertThat(wrapUpRequests()).hasSize(2);
    }

    private JsonNode awaitFinished(String id) {
        return WrapUps.awaitFinished(api, id);
    }

    private static List<RecordedRequest> wrapUpRequests() {
        return WrapUps.requests(upstream);
    }

    static Schema schema() {
        try (InputStream in = WrapUpTest.class.getClassLoader().getResourceAsStream("wrapup/wrap-up.schema.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(JSON.readTree(in));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
