package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.Candidate;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.FinishReason;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recorded response fixture (see {@link Fixtures}), replayed through the emulator to the real
 * SDK, with what the SDK makes of it. {@link #everyResponseFixtureHasAnExpectation} fails when a fixture
 * is added without one; {@link #replayIsByteForByte} checks the bytes on the wire.
 */
@ExtendWith(EmulatorExtension.class)
class FixtureReplayTest {

    static GeminiEmulator emu; // started, reset and closed by EmulatorExtension
    static Client client;

    /**
     * How the fixture is requested: as a unary call or a stream, from a file or one of its members.
     */
    record Case(String file, String member, boolean stream, Consumer<Outcome> expectation) {
        @Override
        public String toString() {
            return file + (member == null ? "" : " " + member) + (stream ? " (stream)" : " (unary)");
        }
    }

    /** What the SDK returned: a unary response, stream chunks, and/or the exception it threw. */
    record Outcome(GenerateContentResponse response, List<GenerateContentResponse> chunks, Throwable error) {

        GenerateContentResponse unary() {
            assertThat(error).as("unexpected exception").isNull();
            return response;
        }

        List<GenerateContentResponse> streamed() {
            assertThat(error).as("unexpected exception").isNull();
            return chunks;
        }

        GenerateContentResponse last() {
            return streamed().get(chunks.size() - 1);
        }

        <T extends Throwable> T error(Class<T> type) {
            assertThat(error).isInstanceOf(type);
            return type.cast(error);
        }

        /** Reply text from non-thought parts of all chunks (or the unary response). */
        String replyText() {
            List<GenerateContentResponse> all = response != null ? List.of(response) : chunks;
            return all.stream()
                    .flatMap(r -> parts(r).stream())
                    .filter(p -> !p.thought().orElse(false))
                    .map(p -> p.text().orElse(""))
                    .collect(Collectors.joining());
        }

        long thoughtParts() {
            List<GenerateContentResponse> all = response != null ? List.of(response) : chunks;
            return all.stream()
                    .flatMap(r -> parts(r).stream())
                    .filter(p -> p.thought().orElse(false))
                    .count();
        }
    }

    static List<Case> cases() {
        String fb = "firebase-vertexai-sdk-test-data/googleai/";
        String vx = "firebase-vertexai-sdk-test-data/vertexai/";
        String pa = "pydantic-ai/";
        String vc = "vercel-ai/";
        return List.of(
                // ---- hand-written upstream faults
                unary(
                        "errors/400-input-too-long.json",
                        o -> apiError(
                                o,
                                ClientException.class,
                                400,
                                "INVALID_ARGUMENT",
                                "The input token count (1203344) exceeds the maximum number of tokens allowed"
                                        + " (1048576).")),
                unary(
                        "errors/403-api-key-leaked.json",
                        o -> apiError(
                                o,
                                ClientException.class,
                                403,
                                "PERMISSION_DENIED",
                                "Your API key was reported as leaked.")),
                unary("errors/429-bare-paid-tier.json", o -> {
                    apiError(o, ClientException.class, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted");
                    assertThat(o.error().getMessage())
                            .doesNotContain("retryDelay")
                            .doesNotContain("Details:");
                }),
                unary(
                        "errors/429-input-tpm-free-tier.json",
                        o -> quota(
                                o,
                                "GenerateContentInputTokensPerModelPerMinute-FreeTier",
                                "22s",
                                "Please retry in 22.5s.")),
                unary(
                        "errors/429-rpd-free-tier.json",
                        o -> quota(
                                o,
                                "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                                "41233s",
                                "Please retry in 41233.90412s.")),
                unary(
                        "errors/429-rpm-free-tier.json",
                        o -> quota(
                                o,
                                "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                                "7s",
                                "Please retry in 7.318204551s.")),
                unary(
                        "errors/500-internal.json",
                        o -> apiError(o, ServerException.class, 500, "INTERNAL", "An internal error has occurred.")),
                unary(
                        "errors/503-overloaded.json",
                        o -> apiError(o, ServerException.class, 503, "UNAVAILABLE", "The model is overloaded.")),
                stream("errors/503-overloaded.json", o -> {
                    apiError(o, ServerException.class, 503, "UNAVAILABLE", "The model is overloaded.");
                    assertThat(o.chunks()).isEmpty();
                }),
                unary(
                        "errors/504-deadline-exceeded.json",
                        o -> apiError(o, ServerException.class, 504, "DEADLINE_EXCEEDED", "Deadline expired")),
                stream("errors/stream-error-mid-stream.sse", o -> {
                    assertThat(o.chunks())
                            .singleElement()
                            .satisfies(c -> assertThat(c.text()).isEqualTo("Guten Tag, hier ist"));
                    apiError(o, ServerException.class, 500, "INTERNAL", "An internal error has occurred.");
                }),
                // ---- firebase googleai (Gemini Developer API)
                stream(fb + "streaming-failure-prompt-blocked-safety.txt", o -> {
                    GenerateContentResponse only = o.streamed().get(0);
                    assertThat(o.streamed()).hasSize(1);
                    assertThat(only.candidates()).isEmpty();
                    assertThat(only.text()).isNull();
                    assertThat(only.promptFeedback()
                                    .orElseThrow()
                                    .blockReason()
                                    .orElseThrow()
                                    .toString())
                            .isEqualTo("SAFETY");
                }),
                stream(fb + "streaming-failure-recitation-no-content.txt", o -> {
                    assertThat(o.streamed()).hasSize(9);
                    assertThat(o.replyText()).isEqualTo("text1text2text3text4text5text6text7text8");
                    assertThat(o.last().candidates().orElseThrow().get(0).content())
                            .isEmpty();
                    assertThat(finish(o.last())).isEqualTo(FinishReason.Known.RECITATION);
                    assertThat(usage(o.last()).candidatesTokenCount()).hasValue(261);
                }),
                stream(fb + "streaming-success-basic-reply-long.txt", o -> {
                    assertThat(o.streamed()).hasSize(36);
                    assertThat(o.replyText())
                            .startsWith("Okay, let's dive into the world of cats and dogs!")
                            .hasSize(8845);
                    assertThat(finish(o.last())).isEqualTo(FinishReason.Known.STOP);
                    assertThat(usage(o.last()).candidatesTokenCount()).hasValue(1996);
                }),
                stream(fb + "streaming-success-basic-reply-short.txt", o -> {
                    assertThat(o.streamed()).hasSize(3);
                    assertThat(o.replyText()).isEqualTo("The capital of Wyoming is **Cheyenne**.\n");
                    assertThat(finish(o.last())).isEqualTo(FinishReason.Known.STOP);
                    assertThat(o.streamed()
                                    .get(0)
                                    .candidates()
                                    .orElseThrow()
                                    .get(0)
                                    .finishReason())
                            .isEmpty();
                    tokens(usage(o.last()), 7, 10, 17);
                }),
                stream(fb + "streaming-success-finish-message.txt", o -> {
                    assertThat(o.streamed()).hasSize(2);
                    assertThat(o.replyText()).isEqualTo("Hello world!");
                    Candidate last = o.last().candidates().orElseThrow().get(0);
                    assertThat(last.finishMessage())
                            .as("SDK 2.0.0 drops finishMessage on this API")
                            .isEmpty();
                    assertThat(last.finishReason().orElseThrow().knownEnum()).isEqualTo(FinishReason.Known.STOP);
                    assertThat(o.last().usageMetadata()).isEmpty();
                }),
                stream(fb + "streaming-success-thinking-reply-thought-summary.txt", o -> {
                    assertThat(o.streamed()).hasSize(5);
                    assertThat(o.thoughtParts()).isEqualTo(3);
                    assertThat(o.replyText())
                            .startsWith("The sky is blue because")
                            .endsWith("appear blue to our eyes.");
                    assertThat(usage(o.last()).thoughtsTokenCount()).hasValue(540);
                    assertThat(o.last().responseId()).hasValue("0J-HaJetAqv0jrEPwu-tsQ0");
                }),
                unary(
                        fb + "unary-failure-api-key.json",
                        o -> apiError(o, ClientException.class, 400, "INVALID_ARGUMENT", "API key not valid.")),
                unary(fb + "unary-failure-finish-reason-safety.json", o -> {
                    assertThat(finish(o.unary())).isEqualTo(FinishReason.Known.SAFETY);
                    assertThat(o.replyText()).isEqualTo("Safety error incoming in 5, 4, 3, 2...");
                    assertThatThrownBy(() -> o.unary().text()).hasMessageContaining("reason SAFETY");
                }),
                unary(fb + "unary-failure-generativelanguage-api-not-enabled.json", o -> {
                    apiError(
                            o,
                            ClientException.class,
                            403,
                            "PERMISSION_DENIED",
                            "Generative Language API has not been used in project");
                    assertThat(o.error().getMessage()).contains("SERVICE_DISABLED");
                }),
                unary(fb + "unary-failure-only-prompt-feedback.json", o -> {
                    assertThat(o.unary().candidates().orElseThrow()).isEmpty();
                    // SDK 2.0.0: text() on an empty candidates list fails instead of returning null
                    assertThatThrownBy(() -> o.unary().text()).isInstanceOf(IndexOutOfBoundsException.class);
                    assertThat(o.unary().promptFeedback().orElseThrow().blockReasonMessage())
                            .hasValue("Message");
                }),
                unary(
                        fb + "unary-failure-unknown-model.json",
                        o -> apiError(
                                o,
                                ClientException.class,
                                404,
                                "NOT_FOUND",
                                "models/gemini-5.0-flash is not found for API version v1")),
                unary(fb + "unary-failure-with-message-no-content.json", o -> {
                    assertThat(finish(o.unary())).isEqualTo(FinishReason.Known.OTHER);
                    assertThat(o.unary().candidates().orElseThrow().get(0).finishMessage())
                            .as("dropped by SDK 2.0.0")
                            .isEmpty();
                    assertThat(o.unary().candidates().orElseThrow().get(0).content())
                            .isEmpty();
                    assertThatThrownBy(() -> o.unary().text())
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage("The response finished unexpectedly with reason OTHER.");
                }),
                unary(fb + "unary-success-basic-reply-long.json", o -> {
                    assertThat(o.replyText()).startsWith("Making professional-quality coffee at home is achievable");
                    tokens(usage(o.unary()), 9, 1612, 1621);
                }),
                unary(fb + "unary-success-basic-reply-short.json", o -> {
                    assertThat(o.unary().text())
                            .isEqualTo("Google's headquarters, also known as the Googleplex, is located in"
                                    + " **Mountain View, California**.\n");
                    assertThat(finish(o.unary())).isEqualTo(FinishReason.Known.STOP);
                    tokens(usage(o.unary()), 7, 22, 29);
                }),
                unary(fb + "unary-success-thinking-reply-thought-summary.json", o -> {
                    assertThat(o.thoughtParts()).isEqualTo(1);
                    assertThat(o.replyText()).isEqualTo("Mountain View");
                    assertThat(o.unary().text()).isEqualTo("Mountain View"); // the SDK's text() skips thought parts
                    assertThat(usage(o.unary()).thoughtsTokenCount()).hasValue(24);
                    assertThat(o.unary().responseId()).hasValue("2pmHaJqQEoqC-8YP6eStyAY");
                }),
                // ---- firebase vertexai (same JSON shape)
                stream(vx + "streaming-failure-error-mid-stream.txt", o -> {
                    // the error object is not framed as "data:", so the SDK skips it: two chunks, no
                    // exception
                    assertThat(o.streamed()).hasSize(2);
                    assertThat(o.replyText()).isEqualTo("First Second ");
                }),
                stream(vx + "streaming-failure-finish-reason-safety.txt", o -> {
                    assertThat(o.streamed()).hasSize(1);
                    assertThat(finish(o.last())).isEqualTo(FinishReason.Known.SAFETY);
                    assertThat(o.last()
                                    .candidates()
                                    .orElseThrow()
                                    .get(0)
                                    .safetyRatings()
                                    .orElseThrow())
                            .anySatisfy(r -> assertThat(r.blocked()).hasValue(true));
                }),
                unary(vx + "unary-failure-prompt-blocked-safety.json", o -> {
                    assertThat(o.unary().candidates()).isEmpty();
                    assertThat(o.unary()
                                    .promptFeedback()
                                    .orElseThrow()
                                    .blockReason()
                                    .orElseThrow()
                                    .knownEnum()
                                    .toString())
                            .isEqualTo("SAFETY");
                }),
                unary(vx + "unary-failure-quota-exceeded.json", o -> {
                    apiError(
                            o,
                            ClientException.class,
                            429,
                            "RESOURCE_EXHAUSTED",
                            "Quota exceeded for quota metric 'Generate Content API requests per minute'");
                    assertThat(o.error().getMessage())
                            .contains("RATE_LIMIT_EXCEEDED")
                            .doesNotContain("retryDelay");
                }),
                unary(vx + "unary-failure-unknown-enum-finish-reason.json", o -> {
                    FinishReason reason = o.unary().finishReason();
                    assertThat(reason.toString()).isEqualTo("FAKE_NEW_FINISH_REASON");
                    assertThat(reason.knownEnum()).isEqualTo(FinishReason.Known.FINISH_REASON_UNSPECIFIED);
                    assertThat(o.unary().text()).isEqualTo("Some text");
                }),
                // ---- pydantic-ai cassettes
                unary(pa + "count-tokens-gemini-2.5-flash.response.json", o -> {
                    // scripts answer model calls only; through generateContent the SDK sees no candidates
                    assertThat(o.unary().candidates()).isEmpty();
                    assertThat(o.unary().text()).isNull();
                }),
                unary(pa + "gen-max-tokens-empty-content-gemini-2.5-pro.response.json", o -> {
                    assertThat(finish(o.unary())).isEqualTo(FinishReason.Known.MAX_TOKENS);
                    assertThat(parts(o.unary())).isEmpty();
                    assertThat(o.unary().text()).isNull();
                    assertThat(usage(o.unary()).thoughtsTokenCount()).hasValue(2);
                }),
                unary(pa + "gen-max-tokens-gemini-2.5-flash.response.json", o -> {
                    assertThat(o.unary().text()).isEqualTo("The capital of France is");
                    assertThat(finish(o.unary())).isEqualTo(FinishReason.Known.MAX_TOKENS);
                    tokens(usage(o.unary()), 15, 5, 20);
                }),
                unary(pa + "gen-multiturn-gemini-2.5-flash.response.json", o -> {
                    assertThat(o.unary().text()).startsWith("As an AI, I don't retain memory");
                    assertThat(usage(o.unary()).thoughtsTokenCount()).hasValue(699);
                    tokens(usage(o.unary()), 10, 119, 828);
                }),
                unary(pa + "gen-safety-blocked-gemini-1.5-flash.response.json", o -> {
                    assertThat(finish(o.unary())).isEqualTo(FinishReason.Known.SAFETY);
                    assertThat(parts(o.unary())).isEmpty();
                    // SDK 2.0.0: text() throws for SAFETY (and other abnormal finish reasons)
                    assertThatThrownBy(() -> o.unary().text())
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage("The response finished unexpectedly with reason SAFETY.");
                    assertThat(usage(o.unary()).candidatesTokenCount()).isEmpty();
                }),
                unary(pa + "gen-system-instruction-gemini-2.0-flash.response.json", o -> {
                    assertThat(o.unary().text()).isEqualTo("The capital of France is Paris.\n");
                    tokens(usage(o.unary()), 13, 8, 21);
                }),
                unary(pa + "gen-thoughts-count-gemini-2.5-pro.response.json", o -> {
                    assertThat(o.unary().text()).isEqualTo("The capital of France is **Paris**.");
                    assertThat(o.unary().modelVersion()).hasValue("models/gemini-2.5-pro");
                    assertThat(usage(o.unary()).thoughtsTokenCount()).hasValue(275);
                    tokens(usage(o.unary()), 15, 8, 298);
                }),
                stream(pa + "stream-sse-gemini-2.0-flash-exp.response.sse", o -> {
                    assertThat(o.streamed()).hasSize(3);
                    assertThat(o.replyText()).isEqualTo("The capital of France is Paris.\n");
                    tokens(usage(o.last()), 13, 8, 21);
                }),
                stream(pa + "stream-sse-thoughts-gemini-2.5-flash.response.sse", o -> {
                    assertThat(o.streamed()).hasSize(3);
                    assertThat(o.replyText())
                            .isEqualTo(Stream.iterate(1, i -> i + 1)
                                    .limit(30)
                                    .map(String::valueOf)
                                    .collect(Collectors.joining("\n")));
                    assertThat(o.streamed())
                            .allSatisfy(c ->
                                    assertThat(usage(c).thoughtsTokenCount()).hasValue(35));
                    tokens(usage(o.last()), 18, 80, 133);
                }),
                // ---- llm-gemini: the JSON-array stream, which the SDK (always alt=sse) cannot read
                stream("llm-gemini/stream-json-array-thoughts-gemini-3.6-flash.response.json", o -> {
                    assertThat(o.streamed())
                            .as("no \"data:\" lines, so the SDK yields nothing and throws nothing")
                            .isEmpty();
                }),
                // ---- vercel-ai
                unary(
                        vc + "google-429-retry-info.json",
                        o -> quota(
                                o,
                                "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                                "34.4s",
                                "You exceeded your current quota")),
                stream(vc + "google-stream-gemini-3.7-flash-2026-09-14.chunks.txt", o -> {
                    assertThat(o.streamed()).hasSize(2);
                    assertThat(o.replyText()).isEqualTo("OK");
                    List<Part> lastParts = parts(o.last());
                    assertThat(lastParts).singleElement().satisfies(p -> {
                        assertThat(p.text()).hasValue("");
                        assertThat(p.thoughtSignature()).isPresent();
                    });
                    assertThat(finish(o.last())).isEqualTo(FinishReason.Known.STOP);
                    assertThat(usage(o.last()).thoughtsTokenCount()).hasValue(50);
                }),
                member(
                        vc + "google-gemini-3.7-flash-thinking-levels.json",
                        "minimal",
                        o -> apiError(
                                o,
                                ClientException.class,
                                400,
                                "INVALID_ARGUMENT",
                                "Thinking level MINIMAL is not supported for this model.")),
                member(vc + "google-gemini-3.7-flash-thinking-levels.json", "low", o -> {
                    assertThat(o.unary().text()).isEqualTo("Hello! How can I help you today?");
                    assertThat(parts(o.unary()).get(0).thoughtSignature()).isPresent();
                    tokens(usage(o.unary()), 2, 9, 11);
                }),
                member(
                        vc + "issue-22372-live-errors.json",
                        "reasoningNoneResponse",
                        o -> apiError(
                                o,
                                ClientException.class,
                                400,
                                "INVALID_ARGUMENT",
                                "Thinking level MINIMAL is not supported")),
                member(
                        vc + "issue-22372-live-errors.json",
                        "/thinkingLevelAndBudgetResponse",
                        o -> apiError(
                                o,
                                ClientException.class,
                                400,
                                "INVALID_ARGUMENT",
                                "You can only set only one of thinking budget and thinking level.")),
                unary(
                        vc + "issue-8943-gemini-2.5-flash-error.json",
                        o -> apiError(
                                o,
                                ClientException.class,
                                400,
                                "INVALID_ARGUMENT",
                                "Penalty is not enabled for models/gemini-2.5-flash")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sdkSeesWhatTheFixtureSays(Case c) {
        Path file = Fixtures.path(c.file());
        emu.script(c.member() == null ? ScriptedAnswer.fixture(file) : ScriptedAnswer.fixture(file, c.member()));

        c.expectation().accept(run(c.stream()));

        assertThat(emu.counters()).containsEntry("scripted", 1L);
    }

    @Test
    void everyResponseFixtureHasAnExpectation() throws IOException {
        Set<String> covered = cases().stream().map(Case::file).collect(Collectors.toCollection(TreeSet::new));

        assertThat(covered).containsExactlyInAnyOrderElementsOf(responseFixtures());
    }

    /** Status, content type and every byte of the body as stored in the file. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("byteForByteFixtures")
    void replayIsByteForByte(String relative) throws IOException {
        Path file = Fixtures.path(relative);
        ScriptedAnswer answer = ScriptedAnswer.fixture(file);
        byte[] expected = Files.readAllBytes(file);
        String route;
        if (answer.contentType().equals("text/event-stream")) {
            route = ":streamGenerateContent?alt=sse";
        } else if (answer.body().startsWith("[")) {
            route = ":streamGenerateContent"; // the JSON-array stream form
        } else {
            route = ":generateContent";
        }
        if (relative.endsWith(".chunks.txt")) {
            expected = new String(expected, StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .map(l -> "data: " + l + "\r\n\r\n")
                    .collect(Collectors.joining())
                    .getBytes(StandardCharsets.UTF_8);
        }
        emu.script(answer);

        HttpResponse<byte[]> response =
                Http.sendForBytes(Http.postRequest(emu, "/v1beta/models/m" + route, Http.ONE_MESSAGE));

        assertThat(response.statusCode()).isEqualTo(answer.httpStatus());
        assertThat(response.headers().firstValue("content-type")).hasValue(answer.contentType());
        assertThat(response.body()).isEqualTo(expected);
    }

    @Test
    void countTokensFixtureParsesAsTheSdksCountTokensResponse() {
        emu.script(ScriptedAnswer.fixture(Fixtures.path("pydantic-ai/count-tokens-gemini-2.5-flash.response.json")));

        HttpResponse<String> raw = Http.post(emu, "/v1beta/models/m:generateContent", Http.ONE_MESSAGE);

        assertThat(CountTokensResponse.fromJson(raw.body()).totalTokens()).hasValue(12);
    }

    @Test
    void jsonArrayFixtureIsServedToTheNonSseStreamRoute() throws Exception {
        emu.script(ScriptedAnswer.fixture(
                Fixtures.path("llm-gemini/stream-json-array-thoughts-gemini-3.6-flash.response.json")));

        HttpResponse<String> raw =
                Http.post(emu, "/v1beta/models/gemini-flash-latest:streamGenerateContent", Http.ONE_MESSAGE);

        com.fasterxml.jackson.databind.JsonNode array =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(raw.body());
        assertThat(array).hasSize(3);
        List<GenerateContentResponse> chunks = new ArrayList<>();
        array.forEach(node -> chunks.add(GenerateContentResponse.fromJson(node.toString())));
        assertThat(parts(chunks.get(0)).get(0).thought()).hasValue(true);
        assertThat(chunks.get(1).text()).isEqualTo("Scoop");
        assertThat(parts(chunks.get(2)).get(0).thoughtSignature()).isPresent();
        assertThat(finish(chunks.get(2))).isEqualTo(FinishReason.Known.STOP);
    }

    @Test
    void wrapperFilesAndRequestRecordingsNeedAChoiceOrAreRefused() {
        assertThatThrownBy(() ->
                        ScriptedAnswer.fixture(Fixtures.path("vercel-ai/google-gemini-3.7-flash-thinking-levels.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("members: [minimal, low]");
        assertThatThrownBy(() -> ScriptedAnswer.fixture(Fixtures.path("vercel-ai/issue-22372-live-errors.json")))
                .hasMessageContaining("reasoningNoneResponse");
        assertThatThrownBy(
                        () -> ScriptedAnswer.fixture(Fixtures.path("vercel-ai/issue-22372-live-errors.json"), "nope"))
                .hasMessageContaining("no member /nope");
        assertThatThrownBy(() -> ScriptedAnswer.fixture(
                        Fixtures.path("pydantic-ai/gen-multiturn-gemini-2.5-flash.request.json")))
                .hasMessageContaining("a recorded request, not a response");
        assertThatThrownBy(() -> ScriptedAnswer.fixture(Fixtures.path("PROVENANCE.md")))
                .hasMessageContaining("unknown fixture type");
    }

    @Test
    void wrapperMemberStatusComesFromTheWrapper() {
        Path levels = Fixtures.path("vercel-ai/google-gemini-3.7-flash-thinking-levels.json");

        assertThat(ScriptedAnswer.fixture(levels, "minimal").httpStatus()).isEqualTo(400);
        assertThat(ScriptedAnswer.fixture(levels, "low").httpStatus()).isEqualTo(200);
        assertThat(ScriptedAnswer.fixture(levels, "low").body()).startsWith("{\n  \"candidates\": [");
    }

    // ---- helpers

    static Outcome run(boolean stream) {
        if (!stream) {
            try {
                return new Outcome(client.models.generateContent("gemini-2.5-flash", "Hallo", null), null, null);
            } catch (RuntimeException e) {
                return new Outcome(null, null, e);
            }
        }
        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> s =
                client.models.generateContentStream("gemini-2.5-flash", "Hallo", null)) {
            s.forEach(chunks::add);
            return new Outcome(null, chunks, null);
        } catch (RuntimeException e) {
            return new Outcome(null, chunks, e);
        }
    }

    static void apiError(Outcome o, Class<? extends ApiException> type, int code, String status, String messagePart) {
        ApiException e = o.error(type);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.message()).contains(messagePart);
    }

    static void quota(Outcome o, String quotaId, String retryDelay, String messagePart) {
        apiError(o, ClientException.class, 429, "RESOURCE_EXHAUSTED", messagePart);
        assertThat(o.error().getMessage())
                .contains("\"quotaId\":\"" + quotaId + "\"")
                .contains("\"retryDelay\":\"" + retryDelay + "\"");
    }

    static FinishReason.Known finish(GenerateContentResponse r) {
        return r.candidates().orElseThrow().get(0).finishReason().orElseThrow().knownEnum();
    }

    static GenerateContentResponseUsageMetadata usage(GenerateContentResponse r) {
        return r.usageMetadata().orElseThrow();
    }

    static void tokens(GenerateContentResponseUsageMetadata usage, int prompt, int candidates, int total) {
        assertThat(usage.promptTokenCount()).hasValue(prompt);
        assertThat(usage.candidatesTokenCount()).hasValue(candidates);
        assertThat(usage.totalTokenCount()).hasValue(total);
    }

    static List<Part> parts(GenerateContentResponse r) {
        return r.candidates().orElse(List.of()).stream()
                .limit(1)
                .flatMap(c -> c.content().flatMap(content -> content.parts()).orElse(List.of()).stream())
                .toList();
    }

    static Case unary(String file, Consumer<Outcome> check) {
        return new Case(file, null, false, check);
    }

    static Case stream(String file, Consumer<Outcome> check) {
        return new Case(file, null, true, check);
    }

    static Case member(String file, String member, Consumer<Outcome> check) {
        return new Case(file, member, false, check);
    }

    /**
     * All files that hold responses: everything but request recordings, the provenance notes and the
     * licence texts.
     */
    static List<String> responseFixtures() throws IOException {
        Path root = Fixtures.root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.endsWith(".request.json") && !p.endsWith(".md"))
                    .filter(p -> !p.startsWith("licenses/"))
                    .sorted()
                    .toList();
        }
    }

    static Stream<String> byteForByteFixtures() throws IOException {
        Set<String> wrappers = Set.of(
                "vercel-ai/google-gemini-3.7-flash-thinking-levels.json", "vercel-ai/issue-22372-live-errors.json");
        return responseFixtures().stream().filter(f -> !wrappers.contains(f));
    }
}
