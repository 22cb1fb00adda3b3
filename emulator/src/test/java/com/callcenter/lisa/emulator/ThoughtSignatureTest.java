package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.FinishReason;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thought signatures on Gemini 3 reply parts (unary and SSE), deterministic from the request, and
 * the check mode that refuses a function call sent back without the signature the emulator gave.
 */
@ExtendWith(EmulatorExtension.class)
class ThoughtSignatureTest {

    static GeminiEmulator emu;
    static Client client;

    static final String MODEL = "gemini-3.5-flash-lite";
    static final Content QUESTION = Content.builder()
            .role("user")
            .parts(Part.fromText("Wie ist das Wetter in Berlin?"))
            .build();

    private static List<Part> parts(GenerateContentResponse response) {
        return response.candidates()
                .orElseThrow()
                .get(0)
                .content()
                .orElseThrow()
                .parts()
                .orElseThrow();
    }

    private static String base64(Part part) {
        return Base64.getEncoder().encodeToString(part.thoughtSignature().orElseThrow());
    }

    @Test
    void gemini3TextPartsCarryASignatureThatIsTheSameForTheSameRequest() {
        GenerateContentResponse first = client.models.generateContent(MODEL, List.of(QUESTION), null);
        GenerateContentResponse second = client.models.generateContent(MODEL, List.of(QUESTION), null);
        GenerateContentResponse other = client.models.generateContent("gemini-3.8-flash", List.of(QUESTION), null);
        GenerateContentResponse old = client.models.generateContent("gemini-2.5-flash", List.of(QUESTION), null);

        assertThat(parts(first))
                .singleElement()
                .satisfies(p -> assertThat(p.text()).isPresent());
        String signature = base64(parts(first).get(0));
        assertThat(signature).hasSize(44);
        assertThat(base64(parts(second).get(0))).isEqualTo(signature);
        assertThat(base64(parts(other).get(0))).isNotEqualTo(signature);
        assertThat(parts(old).get(0).thoughtSignature()).isEmpty();
        assertThat(emu.issuedSignatures())
                .extracting(IssuedSignature::signature)
                .containsExactly(signature, signature, base64(parts(other).get(0)));
        assertThat(emu.issuedSignatures().get(0))
                .isEqualTo(new IssuedSignature("emu-00000001", MODEL, "text", signature));
    }

    @Test
    void aStreamEndsWithAnEmptySignedPartThatCarriesTheFinishReason() {
        List<GenerateContentResponse> chunks = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream =
                client.models.generateContentStream(MODEL, List.of(QUESTION), null)) {
            stream.forEach(chunks::add);
        }

        GenerateContentResponse last = chunks.get(chunks.size() - 1);
        assertThat(parts(last))
                .singleElement()
                .satisfies(p -> assertThat(p.text()).hasValue(""));
        assertThat(base64(parts(last).get(0)))
                .isEqualTo(emu.issuedSignatures().get(0).signature());
        assertThat(last.finishReason().knownEnum()).isEqualTo(FinishReason.Known.STOP);
        for (GenerateContentResponse chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(parts(chunk).get(0).thoughtSignature()).isEmpty();
            assertThat(chunk.candidates().orElseThrow().get(0).finishReason()).isEmpty();
        }
        assertThat(chunks.stream().map(GenerateContentResponse::text).reduce("", String::concat))
                .startsWith("Hallo, hier ist Lisa! Ich habe 1 Nachricht erhalten.");
    }

    @Test
    void aFunctionCallComesBackSignedAndIsAcceptedWhenSentBackUnchanged() {
        emu.requireSignatures(true);
        emu.script(ScriptedAnswer.functionCall("wetter", "{\"stadt\": \"Berlin\"}"));

        GenerateContentResponse call = client.models.generateContent(MODEL, List.of(QUESTION), null);
        Content modelTurn = call.candidates().orElseThrow().get(0).content().orElseThrow();
        Part callPart = modelTurn.parts().orElseThrow().get(0);
        assertThat(callPart.functionCall().orElseThrow().name()).hasValue("wetter");
        assertThat(callPart.functionCall().orElseThrow().args()).hasValue(Map.of("stadt", "Berlin"));
        assertThat(base64(callPart)).isEqualTo(emu.issuedSignatures().get(0).signature());
        assertThat(emu.issuedSignatures().get(0).kind()).isEqualTo("functionCall");

        GenerateContentResponse answer =
                client.models.generateContent(MODEL, List.of(QUESTION, modelTurn, toolResult()), null);

        assertThat(answer.text()).startsWith("Hallo, hier ist Lisa! Ich habe 3 Nachrichten");
        List<RecordedPart> sent = emu.requests().get(1).parts();
        assertThat(sent)
                .filteredOn(p -> "wetter".equals(p.functionCallName()))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.role()).isEqualTo("model");
                    assertThat(p.contentIndex()).isEqualTo(1);
                    assertThat(p.thoughtSignature()).isEqualTo(base64(callPart));
                });
    }

    @Test
    void aFunctionCallWithoutItsSignatureIsRefusedInCheckModeOnly() {
        emu.script(
                ScriptedAnswer.functionCall("wetter", "{\"stadt\": \"Berlin\"}").times(1));
        client.models.generateContent(MODEL, List.of(QUESTION), null);
        Content stripped = Content.builder()
                .role("model")
                .parts(Part.fromFunctionCall("wetter", Map.of("stadt", "Berlin")))
                .build();
        List<Content> history = List.of(QUESTION, stripped, toolResult());

        assertThat(client.models.generateContent(MODEL, history, null).text())
                .startsWith("Hallo, hier ist Lisa!"); // checking is off by default
        emu.requireSignatures(true);

        assertThatThrownBy(() -> client.models.generateContent(MODEL, history, null))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
                    assertThat(e.message())
                            .contains("Function call is missing a thought_signature in functionCall parts. This is"
                                    + " required for tools to work correctly")
                            .contains("function call `default_api:wetter` , position 2.");
                });
        // gemini 2.5 models do not sign and are not checked
        assertThat(client.models
                        .generateContent("gemini-2.5-flash", history, null)
                        .text())
                .startsWith("Hallo, hier ist Lisa!");
    }

    @Test
    void aSignatureOfAnotherModelOrAnotherCallIsCorrupted() {
        emu.requireSignatures(true);
        emu.script(ScriptedAnswer.functionCall("wetter", "{\"stadt\": \"Berlin\"}"));
        Content modelTurn = client.models
                .generateContent(MODEL, List.of(QUESTION), null)
                .candidates()
                .orElseThrow()
                .get(0)
                .content()
                .orElseThrow();
        byte[] signature =
                modelTurn.parts().orElseThrow().get(0).thoughtSignature().orElseThrow();
        Content otherCall = Content.builder()
                .role("model")
                .parts(Part.fromFunctionCall("wetter", Map.of("stadt", "Hamburg")).toBuilder()
                        .thoughtSignature(signature)
                        .build())
                .build();

        assertThatThrownBy(() -> client.models.generateContent(
                        "gemini-3.8-flash", List.of(QUESTION, modelTurn, toolResult()), null))
                .hasMessageContaining("Corrupted thought signature.");
        assertThatThrownBy(() -> client.models.generateContent(MODEL, List.of(QUESTION, otherCall, toolResult()), null))
                .hasMessageContaining("Corrupted thought signature.");
    }

    @Test
    void googlesPlaceholderStandsInForTheSignatureOfACallAnotherModelMade() {
        emu.requireSignatures(true);
        emu.script(ScriptedAnswer.functionCall("wetter", "{\"stadt\": \"Berlin\"}"));
        client.models.generateContent(MODEL, List.of(QUESTION), null);

        // through the SDK: the bytes of the documented text, base64 on the wire
        for (String placeholder : List.of("skip_thought_signature_validator", "context_engineering_is_the_way_to_go")) {
            Content injected = callSignedWith(placeholder.getBytes(StandardCharsets.UTF_8));
            GenerateContentResponse answer =
                    client.models.generateContent("gemini-3.8-flash", List.of(QUESTION, injected, toolResult()), null);
            assertThat(answer.text()).startsWith("Hallo, hier ist Lisa!");
            assertThat(emu.requests().getLast().parts())
                    .filteredOn(p -> "wetter".equals(p.functionCallName()))
                    .singleElement()
                    .satisfies(p -> assertThat(p.thoughtSignature())
                            .isEqualTo(
                                    Base64.getEncoder().encodeToString(placeholder.getBytes(StandardCharsets.UTF_8))));
        }
        // as the REST examples write it: the text itself as the field's value
        String body = """
                {"contents": [
                  {"role": "user", "parts": [{"text": "Wie ist das Wetter?"}]},
                  {"role": "model", "parts": [{"functionCall": {"name": "wetter", "args": {}},
                    "thoughtSignature": "context_engineering_is_the_way_to_go"}]},
                  {"role": "user", "parts": [{"functionResponse": {"name": "wetter", "response": {"grad": 21}}}]}]}""";
        assertThat(Http.post(emu, "/v1beta/models/" + MODEL + ":generateContent", body)
                        .statusCode())
                .isEqualTo(200);
        // anything else that is not the model's own is still corrupted, and a missing one still missing
        assertThatThrownBy(() -> client.models.generateContent(
                        MODEL,
                        List.of(
                                QUESTION,
                                callSignedWith("skip_thought_signature".getBytes(StandardCharsets.UTF_8)),
                                toolResult()),
                        null))
                .hasMessageContaining("Corrupted thought signature.");
        Content unsigned = Content.builder()
                .role("model")
                .parts(Part.fromFunctionCall("wetter", Map.of("stadt", "Berlin")))
                .build();
        assertThatThrownBy(() -> client.models.generateContent(MODEL, List.of(QUESTION, unsigned, toolResult()), null))
                .hasMessageContaining("Function call is missing a thought_signature");
    }

    private static Content callSignedWith(byte[] signature) {
        return Content.builder()
                .role("model")
                .parts(Part.fromFunctionCall("wetter", Map.of("stadt", "Berlin")).toBuilder()
                        .thoughtSignature(signature)
                        .build())
                .build();
    }

    @Test
    void resetTurnsCheckingOffAgain() {
        emu.requireSignatures(true);
        assertThat(emu.modelRules().requireSignatures()).isTrue();

        emu.reset();

        assertThat(emu.modelRules().requireSignatures()).isFalse();
    }

    private static Content toolResult() {
        return Content.builder()
                .role("user")
                .parts(Part.fromFunctionResponse("wetter", Map.of("grad", 21)))
                .build();
    }
}
