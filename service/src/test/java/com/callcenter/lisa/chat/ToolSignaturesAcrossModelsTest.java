package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.IssuedSignature;
import com.callcenter.lisa.emulator.RecordedPart;
import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Function calls whose conversation moves to another Gemini 3 model, over real HTTP through the SDK, against the
 * emulator in signature check mode (a call part without a signature, or with one another model made, is a 400):
 * a call part goes to another model with Google's documented placeholder signature instead of its own, and back
 * to the model that made it with its own. The primary has two requests a minute (the clock is the test's); the
 * fallback has no limit.
 */
@TestPropertySource(
        properties = {
            "lisa.gemini.model=" + ToolSignaturesAcrossModelsTest.PRIMARY,
            "lisa.quota.budget.requests-per-minute=2",
            "lisa.quota.fallback-models[0].name=" + ToolSignaturesAcrossModelsTest.FALLBACK,
            "lisa.quota.fallback-models[0].budget.requests-per-minute=0",
            "lisa.quota.max-wait=5s"
        })
@Import(MovableTime.class)
class ToolSignaturesAcrossModelsTest extends ServiceTest {

    static final String PRIMARY = "gemini-3.5-flash-lite";
    static final String FALLBACK = "gemini-3.8-flash";

    /** Google's placeholder as the SDK puts it on the wire: the bytes of the documented text, in base64. */
    private static final String PLACEHOLDER =
            Base64.getEncoder().encodeToString("skip_thought_signature_validator".getBytes(StandardCharsets.UTF_8));

    private static final ToolCallingTest.Crm crm = new ToolCallingTest.Crm();

    @Autowired
    MutableClock clock;

    @DynamicPropertySource
    static void personasAndCrm(DynamicPropertyRegistry registry) {
        crm.register(registry, "token");
    }

    @BeforeEach
    void freshMinuteAndCheckMode() {
        crm.calls.clear();
        upstream.requireSignatures(true);
        clock.advance(Duration.ofMinutes(2)); // both of the primary's requests free again
    }

    @AfterAll
    static void stopCrm() {
        crm.server.stop(0);
    }

    @Test
    void aToolRoundWhoseFollowUpGoesToTheFallbackSendsThePlaceholderAndThePrimaryLaterGetsItsOwnSignatureBack() {
        api.chat(session(), "Guten Tag"); // one of the primary's two requests of this minute
        String id = session();

        Api.Response tooled = api.chat(id, "record_lead bitte");

        assertThat(tooled.status()).as(tooled.body()).isEqualTo(200);
        assertThat(tooled.json().get("model").asString()).isEqualTo(FALLBACK);
        assertThat(tooled.json().get("reply").asString()).contains("Ergebnis von record_lead: {\"lead\": 42}");
        List<RecordedRequest> calls = ToolCallingTest.modelCalls();
        assertThat(calls).extracting(RecordedRequest::model).containsExactly(PRIMARY, PRIMARY, FALLBACK);
        IssuedSignature primaryCall = issued("functionCall", PRIMARY);
        // the primary's call goes to the fallback model with the placeholder, never with the primary's signature
        assertThat(callPart(calls.get(2)).thoughtSignature()).isEqualTo(PLACEHOLDER);
        assertThat(signatures(calls.get(2))).containsExactly(PLACEHOLDER);

        clock.advance(Duration.ofMinutes(2));
        Api.Response next = api.chat(id, "Danke");

        assertThat(next.status()).as(next.body()).isEqualTo(200);
        RecordedRequest toPrimary = ToolCallingTest.modelCalls().getLast();
        assertThat(toPrimary.model()).isEqualTo(PRIMARY);
        // the call part was the primary's: its own signature again; the fallback's words go without the fallback's
        assertThat(callPart(toPrimary).thoughtSignature()).isEqualTo(primaryCall.signature());
        assertThat(signatures(toPrimary)).containsExactly(primaryCall.signature());
    }

    @Test
    void aTurnAfterAToolTurnThatGoesToTheFallbackSendsThePlaceholderAndSameModelTurnsKeepTheOriginal() {
        String id = session();
        Api.Response tooled = api.chat(id, "record_lead bitte"); // both rounds on the primary

        Api.Response fallback = api.chat(id, "Danke"); // the primary's minute is used up

        assertThat(tooled.status()).as(tooled.body()).isEqualTo(200);
        assertThat(tooled.json().get("model").asString()).isEqualTo(PRIMARY);
        assertThat(fallback.status()).as(fallback.body()).isEqualTo(200);
        assertThat(fallback.json().get("model").asString()).isEqualTo(FALLBACK);
        List<RecordedRequest> calls = ToolCallingTest.modelCalls();
        assertThat(calls).extracting(RecordedRequest::model).containsExactly(PRIMARY, PRIMARY, FALLBACK);
        IssuedSignature primaryCall = issued("functionCall", PRIMARY);
        IssuedSignature primaryReply = issued("text", PRIMARY);
        // within the turn, on the same model: the call goes back as received
        assertThat(callPart(calls.get(1)).thoughtSignature()).isEqualTo(primaryCall.signature());
        // the next turn, on another model: the placeholder on the call, no signature on the text
        assertThat(callPart(calls.get(2)).thoughtSignature()).isEqualTo(PLACEHOLDER);
        assertThat(signatures(calls.get(2))).containsExactly(PLACEHOLDER);

        clock.advance(Duration.ofMinutes(2));
        Api.Response back = api.chat(id, "Und noch eine Frage");

        assertThat(back.status()).as(back.body()).isEqualTo(200);
        RecordedRequest toPrimary = ToolCallingTest.modelCalls().getLast();
        assertThat(toPrimary.model()).isEqualTo(PRIMARY);
        assertThat(callPart(toPrimary).thoughtSignature()).isEqualTo(primaryCall.signature());
        // the primary's own signatures of turn 1 (call and reply) come back, the fallback's of turn 2 do not
        assertThat(signatures(toPrimary)).containsExactly(primaryCall.signature(), primaryReply.signature());
    }

    @Test
    void aToolRoundWhoseModelIsRetiredMeanwhileGoesOnWithTheFallbackAndThePlaceholder() throws Exception {
        String id = session();
        crm.gate = new CountDownLatch(1);
        try (ExecutorService client = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Api.Response> turn = client.submit(() -> api.chat(id, "gated_lookup bitte"));
            await().atMost(Duration.ofSeconds(10)).until(() -> crm.calls.size() == 1); // the tool is running
            upstream.retire(PRIMARY);
            crm.gate.countDown();

            Api.Response reply = turn.get();

            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.json().get("model").asString()).isEqualTo(FALLBACK);
        }
        RecordedRequest toFallback = ToolCallingTest.modelCalls().getLast();
        assertThat(toFallback.model()).isEqualTo(FALLBACK);
        assertThat(callPart(toFallback).functionCallName()).isEqualTo("gated_lookup");
        assertThat(callPart(toFallback).thoughtSignature()).isEqualTo(PLACEHOLDER);
    }

    private String session() {
        return ToolCallingTest.session(api);
    }

    /** The one function-call part a request sends back. */
    private static RecordedPart callPart(RecordedRequest request) {
        return request.parts().stream()
                .filter(part -> part.functionCallName() != null)
                .reduce((a, b) -> {
                    throw new AssertionError("more than one call part in " + request.body());
                })
                .orElseThrow(() -> new AssertionError("no call part in " + request.body()));
    }

    private static List<String> signatures(RecordedRequest request) {
        return request.parts().stream()
                .map(RecordedPart::thoughtSignature)
                .filter(signature -> signature != null)
                .toList();
    }

    /** The only signature of this kind the model issued since the test began. */
    private static IssuedSignature issued(String kind, String model) {
        List<IssuedSignature> found = upstream.issuedSignatures().stream()
                .filter(s -> s.kind().equals(kind) && s.model().equals(model))
                .toList();
        assertThat(found).as("%s signatures of %s", kind, model).hasSize(1);
        return found.getFirst();
    }
}
