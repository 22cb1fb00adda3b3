package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.FinishReason;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real SDK against the default replies: unary, streaming, countTokens, v1beta and v1. */
@ExtendWith(EmulatorExtension.class)
class SdkConversationTest {

    static final String MODEL = "gemini-2.5-flash";
    static GeminiEmulator emu; // started, reset and closed by EmulatorExtension

    /**
     * user "Hallo" (5 chars, 2 tokens), model "Guten Tag!" (10, 3), user "Wie spät ist es?" (16, 4).
     */
    static final List<Content> HISTORY = List.of(
            Content.builder().role("user").parts(Part.fromText("Hallo")).build(),
            Content.builder().role("model").parts(Part.fromText("Guten Tag!")).build(),
            Content.builder()
                    .role("user")
                    .parts(Part.fromText("Wie spät ist es?"))
                    .build());

    static final String EXPECTED_REPLY =
            "Hallo, hier ist Lisa! Ich habe 3 Nachrichten erhalten. Ihre letzte Nachricht war: \"Wie spät"
                    + " ist es?\"";

    @ParameterizedTest
    @ValueSource(strings = {"v1beta", "v1"})
    void unaryReplyRevealsHistoryLengthAndLastUserText(String apiVersion) {
        Client client = Sdk.client(emu, apiVersion);

        GenerateContentResponse response = client.models.generateContent(MODEL, HISTORY, null);

        assertThat(response.text()).isEqualTo(EXPECTED_REPLY);
        assertThat(response.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);
        assertThat(response.candidates()
                        .orElseThrow()
                        .get(0)
                        .content()
                        .orElseThrow()
                        .role())
                .hasValue("model");
        GenerateContentResponseUsageMetadata usage = response.usageMetadata().orElseThrow();
        assertThat(usage.promptTokenCount()).hasValue(2 + 3 + 4);
        assertThat(usage.candidatesTokenCount()).hasValue((EXPECTED_REPLY.length() + 3) / 4);
        assertThat(usage.totalTokenCount()).hasValue(9 + (EXPECTED_REPLY.length() + 3) / 4);
        assertThat(response.modelVersion()).hasValue(MODEL);
        assertThat(response.responseId()).hasValue("emu-00000001");
        assertThat(emu.requests())
                .singleElement()
                .satisfies(r -> assertThat(r.path()).startsWith("/" + apiVersion + "/"));
    }

    @Test
    void singleMessageIsCountedInTheSingular() {
        GenerateContentResponse response = Sdk.client(emu).models.generateContent(MODEL, "Servus", null);

        assertThat(response.text())
                .isEqualTo("Hallo, hier ist Lisa! Ich habe 1 Nachricht erhalten. Ihre letzte Nachricht war:"
                        + " \"Servus\"");
    }

    @Test
    void systemInstructionCountsTowardsPromptTokens() {
        GenerateContentConfig config = GenerateContentConfig.builder()
                .systemInstruction(Content.fromParts(Part.fromText("Du bist Lisa vom Callcenter."))) // 28 chars
                .build();

        GenerateContentResponse response = Sdk.client(emu).models.generateContent(MODEL, HISTORY, config);

        assertThat(response.usageMetadata().orElseThrow().promptTokenCount()).hasValue(7 + 9);
        assertThat(emu.requests().get(0).body()).contains("\"systemInstruction\"");
    }

    @Test
    void maxOutputTokensCutsTheReplyAndReportsMaxTokens() {
        GenerateContentConfig config =
                GenerateContentConfig.builder().maxOutputTokens(5).build();

        GenerateContentResponse response = Sdk.client(emu).models.generateContent(MODEL, HISTORY, config);

        assertThat(response.text()).isEqualTo(EXPECTED_REPLY.substring(0, 20));
        assertThat(response.finishReason().knownEnum()).isEqualTo(FinishReason.Known.MAX_TOKENS);
        assertThat(response.usageMetadata().orElseThrow().candidatesTokenCount())
                .hasValue(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1beta", "v1"})
    void streamDeliversTheReplyInChunksWithCumulativeUsage(String apiVersion) {
        List<GenerateContentResponse> chunks = stream(Sdk.client(emu, apiVersion), null);

        assertThat(chunks).hasSizeGreaterThanOrEqualTo(2);
        assertThat(chunks.stream().map(GenerateContentResponse::text).reduce("", String::concat))
                .isEqualTo(EXPECTED_REPLY);
        GenerateContentResponse last = chunks.get(chunks.size() - 1);
        assertThat(last.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);
        int previous = 0;
        for (GenerateContentResponse chunk : chunks) {
            GenerateContentResponseUsageMetadata usage = chunk.usageMetadata().orElseThrow();
            assertThat(usage.promptTokenCount()).hasValue(9);
            int candidates = usage.candidatesTokenCount().orElseThrow();
            assertThat(candidates).isGreaterThan(previous);
            previous = candidates;
            assertThat(chunk.responseId()).isEqualTo(last.responseId());
            if (chunk != last) {
                assertThat(chunk.candidates().orElseThrow().get(0).finishReason())
                        .isEmpty();
            }
        }
        assertThat(previous).isEqualTo((EXPECTED_REPLY.length() + 3) / 4);
        assertThat(emu.requests().get(0).path())
                .isEqualTo("/" + apiVersion + "/models/" + MODEL + ":streamGenerateContent?alt=sse");
    }

    @Test
    void streamHonoursMaxOutputTokens() {
        List<GenerateContentResponse> chunks = stream(
                Sdk.client(emu),
                GenerateContentConfig.builder().maxOutputTokens(6).build());

        assertThat(chunks.stream().map(GenerateContentResponse::text).reduce("", String::concat))
                .isEqualTo(EXPECTED_REPLY.substring(0, 24));
        assertThat(chunks.get(chunks.size() - 1).finishReason().knownEnum()).isEqualTo(FinishReason.Known.MAX_TOKENS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1beta", "v1"})
    void countTokensSumsThePartsAndIsCountedAsOk(String apiVersion) {
        CountTokensResponse response = Sdk.client(emu, apiVersion).models.countTokens(MODEL, HISTORY, null);

        assertThat(response.totalTokens()).hasValue(9);
        assertThat(emu.requests())
                .singleElement()
                .satisfies(r -> assertThat(r.kind()).isEqualTo("countTokens"));
        assertThat(emu.counters()).containsEntry("ok", 1L);
    }

    private static List<GenerateContentResponse> stream(Client client, GenerateContentConfig config) {
        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream =
                client.models.generateContentStream(MODEL, HISTORY, config)) {
            stream.forEach(chunks::add);
        }
        return chunks;
    }
}
