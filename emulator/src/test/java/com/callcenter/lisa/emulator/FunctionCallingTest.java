package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionCallingConfig;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.FunctionResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deterministic function calling through the SDK: the customer's message names declared tools, the
 * model calls them one per request (signed, for Gemini 3), and function responses must answer the
 * calls right before them.
 */
@ExtendWith(EmulatorExtension.class)
class FunctionCallingTest {

    static GeminiEmulator emu;
    static Client client;

    static final String MODEL = "gemini-3.5-flash-lite";

    static final GenerateContentConfig TOOLS = GenerateContentConfig.builder()
            .tools(Tool.builder()
                    .functionDeclarations(
                            FunctionDeclaration.builder()
                                    .name("book_callback")
                                    .description("Books a callback.")
                                    .parametersJsonSchema(Map.of(
                                            "type", "object", "properties", Map.of("when", Map.of("type", "string"))))
                                    .build(),
                            FunctionDeclaration.builder()
                                    .name("record_lead")
                                    .description("Lead.")
                                    .build()))
            .build();

    private static Content user(String text) {
        return Content.builder().role("user").parts(Part.fromText(text)).build();
    }

    private static Content modelContent(GenerateContentResponse response) {
        return response.candidates().orElseThrow().get(0).content().orElseThrow();
    }

    private static FunctionCall call(GenerateContentResponse response) {
        return modelContent(response)
                .parts()
                .orElseThrow()
                .get(0)
                .functionCall()
                .orElseThrow();
    }

    private static Content answer(FunctionCall call, Map<String, Object> result) {
        return Content.builder()
                .role("user")
                .parts(Part.builder()
                        .functionResponse(FunctionResponse.builder()
                                .name(call.name().orElseThrow())
                                .id(call.id().orElse(null))
                                .response(result)
                                .build())
                        .build())
                .build();
    }

    @Test
    void theToolsNamedInTheMessageAreCalledOnePerRequestThenTheModelQuotesTheResult() {
        emu.requireSignatures(true);
        Content question = user("Bitte book_callback args:{\"when\": \"2026-12-01T10:00:00Z\"} und dann record_lead");

        GenerateContentResponse first = client.models.generateContent(MODEL, List.of(question), TOOLS);
        FunctionCall booking = call(first);
        assertThat(booking.name()).hasValue("book_callback");
        assertThat(booking.args()).hasValue(Map.of("when", "2026-12-01T10:00:00Z"));
        assertThat(booking.id()).hasValue("call-1");
        assertThat(modelContent(first).parts().orElseThrow().get(0).thoughtSignature())
                .isPresent();
        assertThat(emu.issuedSignatures())
                .singleElement()
                .extracting(IssuedSignature::kind)
                .isEqualTo("functionCall");

        Content booked = answer(booking, Map.of("status", "booked"));
        GenerateContentResponse second =
                client.models.generateContent(MODEL, List.of(question, modelContent(first), booked), TOOLS);
        FunctionCall lead = call(second);
        assertThat(lead.name()).hasValue("record_lead");
        assertThat(lead.args()).hasValue(Map.of());
        assertThat(lead.id()).hasValue("call-2");

        GenerateContentResponse third = client.models.generateContent(
                MODEL,
                List.of(question, modelContent(first), booked, modelContent(second), answer(lead, Map.of("lead", 7))),
                TOOLS);
        assertThat(third.functionCalls()).isNullOrEmpty();
        assertThat(third.text())
                .startsWith("Hallo, hier ist Lisa! Ich habe 5 Nachrichten erhalten.")
                .endsWith("Ergebnis von record_lead: {\"lead\": 7}");
    }

    @Test
    void aToolIsCalledAsOftenAsTheMessageNamesIt() {
        assertThat(FunctionCalling.calls(
                        "record_lead, record_lead; record_leads book_callback",
                        List.of("book_callback", "record_lead")))
                .extracting(call -> call.path("name").asText())
                .containsExactly("record_lead", "record_lead", "book_callback");
    }

    @Test
    void withModeNoneOrWithoutToolsTheModelAnswersInWords() {
        GenerateContentConfig none = TOOLS.toBuilder()
                .toolConfig(ToolConfig.builder()
                        .functionCallingConfig(FunctionCallingConfig.builder().mode("NONE")))
                .build();

        GenerateContentResponse words = client.models.generateContent(MODEL, List.of(user("record_lead bitte")), none);
        GenerateContentResponse plain = client.models.generateContent(MODEL, List.of(user("record_lead bitte")), null);

        assertThat(words.text()).startsWith("Hallo, hier ist Lisa!");
        assertThat(plain.text()).startsWith("Hallo, hier ist Lisa!");
    }

    @Test
    void aResponseThatDoesNotAnswerItsCallIsRefused() {
        Content question = user("record_lead bitte");
        GenerateContentResponse first = client.models.generateContent(MODEL, List.of(question), TOOLS);
        FunctionCall lead = call(first);
        FunctionCall wrongName = lead.toBuilder().name("book_callback").build();
        FunctionCall wrongId = lead.toBuilder().id("call-9").build();
        Content twoAnswers = Content.builder()
                .role("user")
                .parts(
                        Part.fromFunctionResponse("record_lead", Map.of()),
                        Part.fromFunctionResponse("record_lead", Map.of()))
                .build();

        for (Content response : List.of(answer(wrongName, Map.of()), answer(wrongId, Map.of()), twoAnswers)) {
            assertThatThrownBy(() -> client.models.generateContent(
                            MODEL, List.of(question, modelContent(first), response), TOOLS))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(400);
                        assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
                    });
        }
        assertThat(client.models
                        .generateContent(MODEL, List.of(question, modelContent(first), answer(lead, Map.of())), TOOLS)
                        .text())
                .contains("Ergebnis von record_lead: {}");
    }
}
