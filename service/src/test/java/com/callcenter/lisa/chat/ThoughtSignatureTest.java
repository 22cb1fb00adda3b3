package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.IssuedSignature;
import com.callcenter.lisa.emulator.RecordedPart;
import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Gemini 3's thought signatures over real HTTP, through the SDK, against the emulator in check mode
 * (a signature that is not the emulator's for the called model is a 400): each turn keeps the parts
 * Gemini sent and later requests carry them back byte for byte, only to the model that made them.
 */
@Tag("database")
@Import(MovableTime.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "lisa.gemini.model=" + ThoughtSignatureTest.PRIMARY,
            "lisa.quota.budget.requests-per-minute=1",
            "lisa.quota.fallback-models[0].name=" + ThoughtSignatureTest.FALLBACK,
            "lisa.quota.fallback-models[0].budget.requests-per-minute=0",
            "lisa.quota.max-wait=5s"
        })
class ThoughtSignatureTest {

    static final String PRIMARY = "gemini-3.5-flash-lite";
    static final String FALLBACK = "gemini-3.8-flash";

    static final GeminiEmulator upstream = start();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    Api api;

    @DynamicPropertySource
    static void upstreamAndDatabase(DynamicPropertyRegistry registry) {
        TestUpstream.register(registry, upstream);
    }

    @BeforeEach
    void connect() {
        upstream.reset();
        upstream.requireSignatures(true);
        api = new Api(port);
        // a fresh minute of the primary's budget (one request) for every test
        clock.advance(Duration.ofMinutes(2));
    }

    @AfterEach
    void checkModeOff() {
        upstream.reset();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @Test
    void signaturesAreStoredAndSentBackByteIdenticalOnTheNextTurns() {
        String id = api.newSession();

        assertThat(api.chat(id, "Guten Tag").status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        assertThat(api.chat(id, "Was kostet der Tarif?").status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        Api.Response third = api.chat(id, "Und im Ausland?");

        assertThat(third.status()).as(third.body()).isEqualTo(200);
        assertThat(third.json().get("model").asString()).isEqualTo(PRIMARY);
        List<IssuedSignature> issued = upstream.issuedSignatures();
        assertThat(issued).hasSize(3).allSatisfy(s -> assertThat(s.model()).isEqualTo(PRIMARY));
        // turn 2 sends turn 1's reply part with its signature; turn 3 sends both, each on its own content
        assertThat(signaturesSent(upstream.requests().get(1)))
                .containsExactly(issued.get(0).signature());
        assertThat(signaturesSent(upstream.requests().get(2)))
                .containsExactly(issued.get(0).signature(), issued.get(1).signature());
        assertThat(modelContentIndexes(upstream.requests().get(2))).containsExactly(1, 3);

        // stored with the turn, never shown to the app
        assertThat(storedParts(id, 1)).contains(issued.get(0).signature()).doesNotContain("\"thought\"");
        assertThat(storedParts(id, 2)).contains(issued.get(1).signature());
        String view = api.get("/api/v1/sessions/" + id).body();
        assertThat(view)
                .doesNotContain("thoughtSignature")
                .doesNotContain(issued.get(0).signature());
    }

    @Test
    void streamedTurnsKeepTheSignatureOfTheLastEmptyPart() {
        String id = api.newSession();

        EventStream.Result first = EventStream.chat(port, id, "Guten Tag, ich habe eine Frage zu meiner Rechnung");
        clock.advance(Duration.ofMinutes(2));
        EventStream.Result second = EventStream.chat(port, id, "Warum ist sie so hoch?");
        clock.advance(Duration.ofMinutes(2));
        EventStream.Result third = EventStream.chat(port, id, "Danke");

        assertThat(List.of(first.status(), second.status(), third.status())).containsOnly(200);
        assertThat(third.only("done").json().get("model").asString()).isEqualTo(PRIMARY);
        List<IssuedSignature> issued = upstream.issuedSignatures();
        assertThat(issued).hasSize(3);
        assertThat(signaturesSent(upstream.requests().get(1)))
                .containsExactly(issued.get(0).signature());
        assertThat(signaturesSent(upstream.requests().get(2)))
                .containsExactly(issued.get(0).signature(), issued.get(1).signature());
        // the reply's streamed text comes back as one part, the signature on its own empty part after it
        List<RecordedPart> firstReply = upstream.requests().get(2).parts().stream()
                .filter(part -> part.contentIndex() == 1)
                .toList();
        assertThat(firstReply).hasSize(2);
        assertThat(firstReply.get(0).text()).isEqualTo(first.deltaText());
        assertThat(firstReply.get(0).thoughtSignature()).isNull();
        assertThat(firstReply.get(1).text()).isEmpty();
        assertThat(firstReply.get(1).thoughtSignature()).isEqualTo(issued.get(0).signature());
        assertThat(api.get("/api/v1/sessions/" + id).body())
                .doesNotContain(issued.get(0).signature());
    }

    @Test
    void turnsStoredBeforeModelPartsWereKeptGoBackAsText() {
        String id = api.newSession();
        Api.Response first = api.chat(id, "Guten Tag");
        assertThat(first.status()).isEqualTo(200);
        String reply = first.json().get("reply").asString();
        // as a turn stored before V8: no model parts (before this instance read the turn back, as a turn stored then
        // would be: a stored turn never changes, so an instance keeps the turns it read, see session.KeptTurns)
        jdbc.sql("update turn set model_parts = null where session_id = ?")
                .param(UUID.fromString(id))
                .update();
        clock.advance(Duration.ofMinutes(2));

        Api.Response second = api.chat(id, "Was kostet der Tarif?");

        assertThat(second.status()).as(second.body()).isEqualTo(200);
        List<RecordedPart> sent = upstream.requests().get(1).parts().stream()
                .filter(part -> "model".equals(part.role()))
                .toList();
        assertThat(sent).singleElement().satisfies(part -> {
            assertThat(part.text()).isEqualTo(reply);
            assertThat(part.thoughtSignature()).isNull();
        });
    }

    @Test
    void aSignatureGoesBackOnlyToTheModelThatMadeIt() {
        String id = api.newSession();

        Api.Response first = api.chat(id, "Guten Tag");
        // the primary's one request of this minute is used: the fallback model answers
        Api.Response second = api.chat(id, "Was kostet der Tarif?");
        clock.advance(Duration.ofMinutes(2));
        Api.Response third = api.chat(id, "Und im Ausland?");

        assertThat(first.json().get("model").asString()).isEqualTo(PRIMARY);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().get("model").asString()).isEqualTo(FALLBACK);
        assertThat(third.status()).as(third.body()).isEqualTo(200);
        assertThat(third.json().get("model").asString()).isEqualTo(PRIMARY);
        List<IssuedSignature> issued = upstream.issuedSignatures();
        assertThat(issued).extracting(IssuedSignature::model).containsExactly(PRIMARY, FALLBACK, PRIMARY);
        RecordedRequest toFallback = upstream.requests().get(1);
        assertThat(toFallback.model()).isEqualTo(FALLBACK);
        // the primary's signature is not valid for the fallback model: its turn goes without it, text kept
        assertThat(signaturesSent(toFallback)).isEmpty();
        assertThat(toFallback.parts().stream()
                        .filter(p -> "model".equals(p.role()))
                        .map(RecordedPart::text))
                .containsExactly(first.json().get("reply").asString());
        RecordedRequest backToPrimary = upstream.requests().get(2);
        assertThat(backToPrimary.model()).isEqualTo(PRIMARY);
        // the primary gets its own signature back, and the fallback's turn as text only
        assertThat(signaturesSent(backToPrimary)).containsExactly(issued.get(0).signature());
        assertThat(backToPrimary.parts().stream()
                        .filter(p -> p.contentIndex() == 3)
                        .map(RecordedPart::text))
                .containsExactly(second.json().get("reply").asString());
        assertThat(storedParts(id, 2)).contains(issued.get(1).signature());
    }

    private static List<String> signaturesSent(RecordedRequest request) {
        return request.parts().stream()
                .filter(part -> part.thoughtSignature() != null)
                .map(RecordedPart::thoughtSignature)
                .toList();
    }

    private static List<Integer> modelContentIndexes(RecordedRequest request) {
        return request.parts().stream()
                .filter(part -> part.thoughtSignature() != null)
                .map(RecordedPart::contentIndex)
                .toList();
    }

    private String storedParts(String sessionId, int turn) {
        return jdbc.sql("select model_parts from turn where session_id = ? and turn_number = ?")
                .params(UUID.fromString(sessionId), turn)
                .query(String.class)
                .single();
    }

    private static GeminiEmulator start() {
        try {
            return GeminiEmulator.start(EmulatorConfig.defaults().withApiKey(TestUpstream.API_KEY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
