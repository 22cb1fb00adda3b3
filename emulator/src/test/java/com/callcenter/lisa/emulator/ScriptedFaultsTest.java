package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.GenAiIOException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.GenerateContentResponse;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Programmed answers: broken connections, errors inside streams, slow answers, order, precedence.
 */
@ExtendWith(EmulatorExtension.class)
class ScriptedFaultsTest {

    static final String MODEL = "gemini-2.5-flash";
    static final String FIRST_EVENT =
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Guten\"}],\"role\":"
                    + " \"model\"},\"index\": 0}]}\r\n\r\n";
    static GeminiEmulator emu; // started, reset and closed by EmulatorExtension
    static Client client;

    @Test
    void connectionDroppedMidStreamIsAGenAiIOExceptionAfterTheChunksSoFar() {
        emu.script(ScriptedAnswer.dropAfter(FIRST_EVENT, 200, "text/event-stream"));
        List<String> texts = new ArrayList<>();

        Throwable thrown = catchThrowable(() -> stream(texts));

        assertThat(texts).containsExactly("Guten");
        assertThat(thrown).isInstanceOf(GenAiIOException.class).hasRootCauseInstanceOf(EOFException.class);
        assertThat(emu.counters()).containsEntry("scripted", 1L);
    }

    @Test
    void connectionDroppedInAUnaryBodyIsAGenAiIOException() {
        emu.script(
                ScriptedAnswer.dropAfter("{\"candidates\": [{\"content\": ", 200, "application/json; charset=UTF-8"));

        Throwable thrown = catchThrowable(() -> client.models.generateContent(MODEL, "Hallo", null));

        assertThat(thrown).isInstanceOf(GenAiIOException.class).hasRootCauseInstanceOf(EOFException.class);
    }

    @Test
    void recordedStreamCutInTheMiddleOfAnEvent() {
        ScriptedAnswer full = ScriptedAnswer.fixture(
                Fixtures.path("firebase-vertexai-sdk-test-data/googleai/streaming-success-basic-reply-short.txt"));
        int firstEventLength = full.body().indexOf("\r\n\r\n") + 4;
        emu.script(full.dropAfterBytes(firstEventLength + 40));
        List<String> texts = new ArrayList<>();

        Throwable thrown = catchThrowable(() -> stream(texts));

        assertThat(texts).containsExactly("The");
        assertThat(thrown).isInstanceOf(GenAiIOException.class);
    }

    @Test
    void errorEventInsideA200StreamIsAServerExceptionAfterTheChunksSoFar() {
        emu.script(ScriptedAnswer.fixture(Fixtures.path("errors/stream-error-mid-stream.sse")));
        List<String> texts = new ArrayList<>();

        ServerException e = catchThrowableOfType(ServerException.class, () -> stream(texts));

        assertThat(texts).containsExactly("Guten Tag, hier ist");
        assertThat(e.code()).isEqualTo(500);
        assertThat(e.status()).isEqualTo("INTERNAL");
    }

    @Test
    void answerSlowerThanTheClientTimeoutIsAGenAiIOExceptionCausedByATimeout() {
        Client impatient = Sdk.client(emu, "v1beta", EmulatorConfig.DEFAULT_API_KEY, 1_000);
        emu.script(ScriptedAnswer.text("zu spät").delayed(Duration.ofSeconds(3)).times(2));

        long start = System.nanoTime();
        Throwable unary = catchThrowable(() -> impatient.models.generateContent(MODEL, "Hallo", null));
        Throwable streamed = catchThrowable(() ->
                impatient.models.generateContentStream(MODEL, "Hallo", null).forEach(r -> {}));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        for (Throwable thrown : List.of(unary, streamed)) {
            assertThat(thrown)
                    .isInstanceOf(GenAiIOException.class)
                    .cause()
                    .isInstanceOf(InterruptedIOException.class) // OkHttp's call timeout
                    .hasMessage("timeout");
        }
        assertThat(elapsedMs).isBetween(1_900L, 5_000L);
    }

    @Test
    void delayWithinTheTimeoutOnlySlowsTheAnswer() {
        emu.script(ScriptedAnswer.text("Moment bitte").delayed(Duration.ofMillis(400)));

        long start = System.nanoTime();
        GenerateContentResponse response = client.models.generateContent(MODEL, "Hallo", null);

        assertThat(response.text()).isEqualTo("Moment bitte");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(400);
    }

    @Test
    void serverErrorsFromTheErrorsFolderAreServerExceptions() {
        emu.script(
                ScriptedAnswer.fixture(Fixtures.path("errors/500-internal.json")),
                ScriptedAnswer.fixture(Fixtures.path("errors/503-overloaded.json")),
                ScriptedAnswer.fixture(Fixtures.path("errors/504-deadline-exceeded.json")));

        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            codes.add(catchThrowableOfType(
                            ServerException.class, () -> client.models.generateContent(MODEL, "Hallo", null))
                    .code());
        }

        assertThat(codes).containsExactly(500, 503, 504);
    }

    @Test
    void scriptIsFifoWithRepeatsAndThenDefaultRepliesResume() {
        emu.script(ScriptedAnswer.text("eins"), ScriptedAnswer.text("zwei").times(2));
        emu.script(ScriptedAnswer.status(
                400, "{\"error\": {\"code\": 400, \"message\": \"drei\", \"status\":" + " \"INVALID_ARGUMENT\"}}"));

        List<String> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try {
                results.add(client.models.generateContent(MODEL, "Hallo", null).text());
            } catch (ClientException e) {
                results.add(e.code() + " " + e.message());
            }
        }

        assertThat(results).containsExactly("eins", "zwei", "zwei", "400 drei");
        assertThat(client.models.generateContent(MODEL, "Hallo", null).text()).startsWith("Hallo, hier ist Lisa!");
        assertThat(emu.counters()).containsEntry("scripted", 4L).containsEntry("ok", 1L);
    }

    @Test
    void textAnswerTakesTheShapeTheCallAsksFor() {
        emu.script(ScriptedAnswer.text("Ein Satz mit ganz genau acht kurzen Wörtern.")
                .times(2));

        List<String> chunks = new ArrayList<>();
        stream(chunks);
        GenerateContentResponse unary = client.models.generateContent(MODEL, "Hallo", null);

        assertThat(chunks).hasSizeGreaterThanOrEqualTo(2);
        assertThat(String.join("", chunks)).isEqualTo("Ein Satz mit ganz genau acht kurzen Wörtern.");
        assertThat(unary.text()).isEqualTo("Ein Satz mit ganz genau acht kurzen Wörtern.");
        assertThat(unary.usageMetadata().orElseThrow().candidatesTokenCount()).hasValue(11);
    }

    @Test
    void sseAnswerIsReplayedAsGiven() {
        emu.script(ScriptedAnswer.sse(FIRST_EVENT + FIRST_EVENT.replace("Guten", " Morgen")));
        List<String> texts = new ArrayList<>();

        stream(texts);

        assertThat(texts).containsExactly("Guten", " Morgen");
    }

    @Test
    void countTokensDoesNotConsumeTheScript() {
        emu.script(ScriptedAnswer.text("für den Modellaufruf"));

        assertThat(client.models.countTokens(MODEL, "Hallo", null).totalTokens())
                .hasValue(2);
        assertThat(client.models.generateContent(MODEL, "Hallo", null).text()).isEqualTo("für den Modellaufruf");
    }

    @Test
    void rejectedRequestsDoNotConsumeTheScript() {
        emu.script(ScriptedAnswer.text("bleibt in der Warteschlange"));

        Client wrongKey = Sdk.client(emu, "v1beta", "falsch", 30_000);
        assertThat(catchThrowableOfType(
                                ClientException.class, () -> wrongKey.models.generateContent(MODEL, "Hallo", null))
                        .code())
                .isEqualTo(400);
        assertThat(Http.post(emu, "/v1beta/models/" + MODEL + ":generateContent", "{\"contents\": []}")
                        .statusCode())
                .isEqualTo(400);

        assertThat(client.models.generateContent(MODEL, "Hallo", null).text()).isEqualTo("bleibt in der Warteschlange");
    }

    @Test
    void scriptedAnswersBypassTheQuotaAndDoNotUseItUp() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-06-15T12:00:00Z"));
        try (GeminiEmulator limited = GeminiEmulator.start(
                EmulatorConfig.defaults().withQuota(new Quota(1, 0, 0)).withClock(clock))) {
            Client limitedClient = Sdk.client(limited);
            limited.script(ScriptedAnswer.text("geskriptet").times(3));
            for (int i = 0; i < 3; i++) {
                assertThat(limitedClient
                                .models
                                .generateContent(MODEL, "Hallo", null)
                                .text())
                        .isEqualTo("geskriptet");
            }

            assertThat(limitedClient
                            .models
                            .generateContent(MODEL, "Hallo", null)
                            .text())
                    .startsWith("Hallo, hier ist Lisa!");
            limited.script(ScriptedAnswer.text("trotz Quote"));
            assertThat(limitedClient
                            .models
                            .generateContent(MODEL, "Hallo", null)
                            .text())
                    .isEqualTo("trotz Quote");
            assertThat(catchThrowableOfType(
                                    ClientException.class,
                                    () -> limitedClient.models.generateContent(MODEL, "Hallo", null))
                            .code())
                    .isEqualTo(429);
        }
    }

    @Test
    void answersAreImmutableAndValidated() {
        ScriptedAnswer base = ScriptedAnswer.status(503, "{}");
        ScriptedAnswer slow = base.delayed(Duration.ofSeconds(1));

        assertThat(base.delay()).isZero();
        assertThat(slow.delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(slow.times(3).repeat()).isEqualTo(3);
        assertThat(slow.repeat()).isEqualTo(1);
        assertThatThrownBy(() -> base.times(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScriptedAnswer.status(42, "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.dropAfterBytes(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScriptedAnswer.text("x").dropAfterBytes(0)).isInstanceOf(IllegalStateException.class);
    }

    private static void stream(List<String> texts) {
        try (ResponseStream<GenerateContentResponse> s = client.models.generateContentStream(MODEL, "Hallo", null)) {
            for (GenerateContentResponse chunk : s) {
                texts.add(chunk.text());
            }
        }
    }
}
