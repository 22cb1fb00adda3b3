package com.callcenter.lisa.handoff;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.RecordedPart;
import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.session.Handoff;
import com.callcenter.lisa.session.HandoffNotice;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * A human agent takes a call over by API, the agent's conversation is stored in the history, and Lisa,
 * resumed, is shown it; over real HTTP against the emulator, on H2 and PostgreSQL.
 */
@Tag("database")
@Import(MovableTime.class)
class HandoffApiTest extends ServiceTest {

    @Autowired
    MutableClock clock;

    @Autowired
    HandoffService handoffs;

    @Test
    void aHandedOffSessionRefusesChatToLisaWithoutAskingGemini() {
        String id = api.newSession();
        assertThat(api.chat(id, "Ich möchte einen Menschen sprechen.").status()).isEqualTo(200);

        Api.Response handedOff = handOff(id, "Kunde verlangt einen Menschen");

        assertThat(handedOff.status()).as(handedOff.body()).isEqualTo(200);
        JsonNode view = handedOff.json();
        assertThat(view.get("status").asString()).isEqualTo("handed_off");
        assertThat(view.get("handoff").get("reason").asString()).isEqualTo("Kunde verlangt einen Menschen");
        assertThat(view.get("handoff").get("by").asString()).isEqualTo("app");
        Instant at = Instant.parse(view.get("handoff").get("at").asString());
        assertThat(view.get("messages")).hasSize(2);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("handoff")).isEqualTo(view.get("handoff"));

        Api.Response json = api.chat(id, "Hallo Lisa?");
        assertProblem(json, 409, "session-handed-off");
        assertThat(json.json().get("sessionStatus").asString()).isEqualTo("handed_off");
        EventStream.Result stream = EventStream.chat(port, id, "Hallo Lisa?");
        assertThat(stream.status()).isEqualTo(409);
        assertThat(stream.contentType()).startsWith("application/problem+json");
        assertThat(stream.json().get("type").asString()).isEqualTo("urn:lisa:problem:session-handed-off");
        assertThat(upstream.requests()).hasSize(1);

        // Idempotent: a second handoff (another supervisor, a retry) keeps the first one.
        clock.advance(Duration.ofSeconds(5));
        JsonNode again = handOff(id, "Noch einmal").json();
        assertThat(again.get("status").asString()).isEqualTo("handed_off");
        assertThat(again.get("handoff").get("reason").asString()).isEqualTo("Kunde verlangt einen Menschen");
        assertThat(Instant.parse(again.get("handoff").get("at").asString())).isEqualTo(at);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void theToolHookHandsOffAndSaysWhatTheStreamSends() {
        String id = api.newSession();

        HandoffNotice notice =
                handoffs.handOff(UUID.fromString(id), "Lisa kann die Frage nicht beantworten", Handoff.By.TOOL);
        HandoffNotice repeated = handoffs.handOff(UUID.fromString(id), "anders", Handoff.By.APP);

        assertThat(notice.by()).isEqualTo("tool");
        assertThat(notice.reason()).isEqualTo("Lisa kann die Frage nicht beantworten");
        assertThat(repeated).isEqualTo(notice);
        JsonNode view = api.get("/api/v1/sessions/" + id).json();
        assertThat(view.get("status").asString()).isEqualTo("handed_off");
        assertThat(view.get("handoff").get("by").asString()).isEqualTo("tool");
        assertThat(Instant.parse(view.get("handoff").get("at").asString())).isEqualTo(notice.at());
    }

    @Test
    void aStreamThatHandedOffEndsWithAHandoffEventAndTheJsonAnswerSaysSo() {
        // The emulator calls a declared tool the customer's message names, with the args given after it.
        String streamed = api.newSession();
        EventStream.Result events =
                EventStream.chat(port, streamed, "request_human args:{\"reason\": \"Der Kunde will einen Menschen\"}");

        assertThat(events.status()).as(events.body()).isEqualTo(200);
        assertThat(events.events())
                .extracting(EventStream.Event::name)
                .filteredOn(name -> !name.equals("delta"))
                .containsExactly("tool", "done", "handoff");
        assertThat(events.only("tool").json().get("status").asString()).isEqualTo("ok");
        JsonNode handoff = events.last().json();
        assertThat(handoff.propertyNames()).containsExactlyInAnyOrder("status", "reason", "at", "by");
        assertThat(handoff.get("status").asString()).isEqualTo("handed_off");
        assertThat(handoff.get("reason").asString()).isEqualTo("Der Kunde will einen Menschen");
        assertThat(handoff.get("by").asString()).isEqualTo("tool");
        assertThat(events.only("done").json().get("handoff")).isEqualTo(handoff);
        JsonNode view = api.get("/api/v1/sessions/" + streamed).json();
        assertThat(view.get("status").asString()).isEqualTo("handed_off");
        assertThat(Instant.parse(handoff.get("at").asString()))
                .isEqualTo(Instant.parse(view.get("handoff").get("at").asString()));
        assertThat(view.get("messages")).hasSize(2); // the turn that handed off is stored

        String json = api.newSession();
        Api.Response answer = api.chat(json, "request_human args:{\"reason\": \"Beschwerde\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("handoff").get("status").asString()).isEqualTo("handed_off");
        assertThat(answer.json().get("handoff").get("reason").asString()).isEqualTo("Beschwerde");
        assertProblem(api.chat(json, "Hallo?"), 409, "session-handed-off");

        // A turn that hands nothing off has no handoff field and no handoff event.
        String plain = api.newSession();
        assertThat(api.chat(plain, "Hallo").json().has("handoff")).isFalse();
        assertThat(EventStream.chat(port, plain, "Noch eine Frage").named("handoff"))
                .isEmpty();
    }

    @Test
    void aRepeatOfTheMessageThatHandedOffGetsTheSameHandoffAlsoAfterAResume() {
        String id = api.newSession();
        String key = UUID.randomUUID().toString();
        String message = "request_human args:{\"reason\": \"Der Kunde will einen Menschen\"}";
        Api.Response first = keyedChat(id, message, key);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode handoff = first.json().get("handoff");
        assertThat(handoff.get("reason").asString()).isEqualTo("Der Kunde will einen Menschen");

        Api.Response repeated = keyedChat(id, message, key);
        EventStream.Result streamed = EventStream.chat(port, id, message, Map.of("Idempotency-Key", key));

        assertThat(repeated.status()).as(repeated.body()).isEqualTo(200);
        assertThat(repeated.json().get("handoff")).isEqualTo(handoff);
        assertThat(repeated.json()).isEqualTo(first.json());
        assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
        assertThat(streamed.events())
                .extracting(EventStream.Event::name)
                .filteredOn(name -> !name.equals("delta"))
                .containsExactly("tool", "done", "handoff");
        assertThat(streamed.only("tool").json().toString()).isEqualTo("{\"name\":\"request_human\",\"status\":\"ok\"}");
        assertThat(streamed.only("done").json()).isEqualTo(first.json());
        assertThat(streamed.last().json()).isEqualTo(handoff);

        // Resumed, another turn, handed off again by the app, resumed, ended: the repeat still reports the handoff its
        // turn made, as the first answer did (status handed_off: what that turn left the session in).
        clock.advance(Duration.ofMinutes(1));
        resume(id);
        assertThat(api.chat(id, "Ich bin wieder da.").status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));
        handOff(id, "Zweite Übergabe");
        assertThat(keyedChat(id, message, key).json()).isEqualTo(first.json());
        resume(id);
        assertThat(keyedChat(id, message, key).json()).isEqualTo(first.json());
        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);
        assertThat(keyedChat(id, message, key).json()).isEqualTo(first.json());
        assertThat(upstream.requests()).hasSize(3); // the handoff turn's two requests and the later turn's one

        // Streamed first: its repeat, streamed, has the same tool, done and handoff events.
        String other = api.newSession();
        String otherKey = UUID.randomUUID().toString();
        EventStream.Result original = EventStream.chat(port, other, message, Map.of("Idempotency-Key", otherKey));
        EventStream.Result again = EventStream.chat(port, other, message, Map.of("Idempotency-Key", otherKey));
        assertThat(original.last().name()).isEqualTo("handoff");
        assertThat(again.events())
                .extracting(EventStream.Event::name)
                .filteredOn(name -> !name.equals("delta"))
                .containsExactly("tool", "done", "handoff");
        assertThat(again.only("tool").json()).isEqualTo(original.only("tool").json());
        assertThat(again.only("done").json()).isEqualTo(original.only("done").json());
        assertThat(again.last().json()).isEqualTo(original.last().json());
        assertThat(keyedChat(other, message, otherKey).json())
                .isEqualTo(original.only("done").json());
    }

    @Test
    void theAgentsConversationIsStoredInOrderWithRoles() {
        String id = api.newSession();
        api.chat(id, "Was kostet der Tarif?");
        handOff(id, "Preisfrage");

        Api.Response first = message(id, "agent", "Guten Tag, hier ist Frau Berger.");
        assertThat(message(id, "user", "Hallo, was kostet der Tarif genau?").status())
                .isEqualTo(201);
        assertThat(message(id, "agent", "29 Euro im Monat.").status()).isEqualTo(201);
        // A double click: the same words again at once are not stored twice.
        Api.Response doubled = message(id, "agent", "29 Euro im Monat.");

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("role").asString()).isEqualTo("agent");
        assertThat(first.json().get("content").asString()).isEqualTo("Guten Tag, hier ist Frau Berger.");
        assertThat(doubled.status()).isEqualTo(201);
        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(messages).hasSize(5);
        assertThat(roles(messages)).containsExactly("user", "assistant", "agent", "user", "agent");
        assertThat(messages.get(2).get("content").asString()).isEqualTo("Guten Tag, hier ist Frau Berger.");
        assertThat(messages.get(3).get("content").asString()).isEqualTo("Hallo, was kostet der Tarif genau?");
        assertThat(messages.get(4).get("content").asString()).isEqualTo("29 Euro im Monat.");
        assertThat(messages.get(4).get("createdAt").asString())
                .isEqualTo(doubled.json().get("createdAt").asString());
        assertThat(upstream.requests()).hasSize(1); // the agent's conversation never reaches Gemini by itself

        // The same words later are a new message, not a double submit.
        clock.advance(Duration.ofSeconds(30));
        message(id, "agent", "29 Euro im Monat.");
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(6);
    }

    @Test
    void messagesAreRefusedUnlessAHumanAgentHasTheCall() {
        String id = api.newSession();
        assertProblem(message(id, "agent", "Hallo"), 409, "session-not-handed-off");

        handOff(id, "Beschwerde");
        assertProblem(message(id, "assistant", "Hallo"), 400, "invalid-request");
        assertProblem(
                api.post("/api/v1/sessions/" + id + "/messages", "{\"content\": \"Hallo\"}"), 400, "invalid-request");
        assertProblem(message(id, "agent", " \u200B\u00A0"), 400, "blank-message");
        assertProblem(message(id, "agent", "x".repeat(4001)), 400, "message-too-long");
        assertProblem(message(id, "agent", "Hallo\u0000"), 400, "invalid-text");
        assertProblem(
                api.post("/api/v1/sessions/" + id + "/messages", "{\"role\": \"agent\", \"content\": 5}"),
                400,
                "invalid-request");
        assertProblem(message(UUID.randomUUID().toString(), "agent", "Hallo"), 404, "session-not-found");
        assertProblem(handOff(UUID.randomUUID().toString(), "x"), 404, "session-not-found");
        assertProblem(handOff(id, " "), 400, "blank-message");
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();

        assertThat(resume(id).json().get("status").asString()).isEqualTo("active");
        assertProblem(message(id, "user", "Hallo"), 409, "session-not-handed-off");
        // Idempotent: resuming a session Lisa has changes nothing.
        assertThat(resume(id).status()).isEqualTo(200);
        assertThat(resume(id).json().has("handoff")).isFalse();
    }

    @Test
    void resumedLisaIsShownWhatWasSaidMeanwhileInOrder() {
        String id = api.newSession();
        api.chat(id, "Erste Frage");
        handOff(id, "Rückfrage");
        message(id, "agent", "Hier ist Herr Adam vom Kundendienst.");
        message(id, "user", "Ich möchte den Vertrag verlängern.");
        message(id, "agent", "Gern, Lisa übernimmt wieder.");

        JsonNode resumed = resume(id).json();
        assertThat(resumed.get("status").asString()).isEqualTo("active");
        assertThat(resumed.has("handoff")).isFalse();
        Api.Response reply = api.chat(id, "Wie geht es weiter?");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        RecordedRequest sent = upstream.requests().getLast();
        List<RecordedPart> contents =
                sent.parts().stream().filter(part -> part.contentIndex() >= 0).toList();
        // One user content per turn, roles alternating: the handoff's words ride with the next message.
        assertThat(contents).extracting(RecordedPart::role).containsExactly("user", "model", "user");
        assertThat(contents.get(0).text()).isEqualTo("Erste Frage");
        String last = contents.get(2).text();
        assertThat(last).endsWith("\nWie geht es weiter?");
        int agent1 = last.indexOf("[Human agent]: Hier ist Herr Adam vom Kundendienst.");
        int customer = last.indexOf("[Customer]: Ich möchte den Vertrag verlängern.");
        int agent2 = last.indexOf("[Human agent]: Gern, Lisa übernimmt wieder.");
        assertThat(agent1).isNotNegative().isLessThan(customer);
        assertThat(customer).isLessThan(agent2);
        assertThat(agent2).isLessThan(last.indexOf("Wie geht es weiter?"));

        // The next turn's request starts with everything this one sent: the prefix only grows.
        api.chat(id, "Und danach?");
        List<RecordedPart> next = upstream.requests().getLast().parts();
        assertThat(next.subList(0, sent.parts().size())).isEqualTo(sent.parts());
        assertThat(next.stream()
                        .filter(part -> part.contentIndex() >= 0)
                        .map(RecordedPart::role)
                        .toList())
                .containsExactly("user", "model", "user", "model", "user");

        JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
        assertThat(roles(messages))
                .containsExactly(
                        "user", "assistant", "agent", "user", "agent", "user", "assistant", "user", "assistant");
        assertThat(messages.get(5).get("content").asString()).isEqualTo("Wie geht es weiter?");
    }

    @Test
    void aHandedOffSessionCanBeEndedAndStaysReadable() {
        String id = api.newSession();
        api.chat(id, "Hallo");
        handOff(id, "Kündigung");
        message(id, "agent", "Ich kümmere mich darum.");

        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

        JsonNode view = api.get("/api/v1/sessions/" + id).json();
        assertThat(view.get("status").asString()).isEqualTo("ended");
        assertThat(view.get("handoff").get("reason").asString()).isEqualTo("Kündigung");
        assertThat(roles(view.get("messages"))).containsExactly("user", "assistant", "agent");
        assertProblem(api.chat(id, "Hallo?"), 409, "session-closed");
        assertProblem(message(id, "agent", "Noch da?"), 409, "session-closed");
        assertProblem(handOff(id, "wieder"), 409, "session-closed");
        assertProblem(resume(id), 409, "session-closed");
        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);
    }

    @Test
    void aHandedOffSessionExpiresWhenNobodyWritesForTheIdleTimeout() {
        String id = api.newSession();
        handOff(id, "Rückruf");
        clock.advance(Duration.ofMinutes(20));
        message(id, "agent", "Einen Moment bitte.");
        clock.advance(Duration.ofMinutes(20));
        assertThat(api.get("/api/v1/sessions/" + id).json().get("status").asString())
                .isEqualTo("handed_off");

        clock.advance(Duration.ofMinutes(11));

        assertThat(api.get("/api/v1/sessions/" + id).json().get("status").asString())
                .isEqualTo("expired");
        assertProblem(message(id, "agent", "Hallo?"), 409, "session-closed");
        assertProblem(resume(id), 409, "session-closed");
    }

    @Test
    void theApiDescriptionDocumentsTheHandoff() {
        JsonNode doc = api.get("/v3/api-docs").json();

        JsonNode paths = doc.get("paths");
        for (String path : List.of("/handoff", "/messages", "/resume")) {
            JsonNode responses =
                    paths.get("/api/v1/sessions/{id}" + path).get("post").get("responses");
            assertThat(responses.get("409").get("content").has("application/problem+json"))
                    .as(path)
                    .isTrue();
        }
        assertThat(paths.get("/api/v1/sessions/{id}/chat")
                        .get("post")
                        .get("responses")
                        .get("409")
                        .get("description")
                        .asString())
                .contains("session-handed-off");
        JsonNode schemas = doc.get("components").get("schemas");
        assertThat(schemas.get("SessionView").get("properties").propertyNames()).contains("handoff");
        assertThat(schemas.get("ChatReply").get("properties").get("handoff").toString())
                .contains("Handoff");
        assertThat(schemas.get("Handoff").get("properties").propertyNames())
                .containsExactlyInAnyOrder("status", "reason", "at", "by");
        assertThat(paths.get("/api/v1/sessions/{id}/chat")
                        .get("post")
                        .get("description")
                        .asString())
                .contains("`handoff` `{\"status\": \"handed_off\"");
        assertThat(schemas.get("SessionView")
                        .get("properties")
                        .get("status")
                        .get("enum")
                        .toString())
                .contains("handed_off");
        assertThat(doc.get("info").get("description").asString())
                .contains("urn:lisa:problem:session-handed-off", "urn:lisa:problem:session-not-handed-off");
    }

    private Api.Response handOff(String id, String reason) {
        return api.post("/api/v1/sessions/" + id + "/handoff", Api.json(Map.of("reason", reason)));
    }

    private Api.Response keyedChat(String id, String message, String key) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + id + "/chat"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("message", message)))));
    }

    private Api.Response message(String id, String role, String content) {
        return api.post("/api/v1/sessions/" + id + "/messages", Api.json(Map.of("role", role, "content", content)));
    }

    private Api.Response resume(String id) {
        return api.post("/api/v1/sessions/" + id + "/resume", null);
    }

    private static List<String> roles(JsonNode messages) {
        return messages.valueStream()
                .map(message -> message.get("role").asString())
                .toList();
    }
}
