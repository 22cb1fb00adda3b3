package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.FunctionResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import com.google.genai.types.Tool;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo mode's answers through the SDK: a callback asked for calls book_callback (tomorrow 10:00 Berlin time), a
 * price asked for quotes the matching catalogue line of the system instruction; without demo answers neither.
 */
class DemoAnswersTest {

    static final Instant NOW = Instant.parse("2027-03-10T15:00:00Z");

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension(
            EmulatorConfig.defaults().withDemoAnswers(true).withClock(Clock.fixed(NOW, ZoneOffset.UTC)));

    static GeminiEmulator emu;
    static Client client;

    static final String MODEL = "gemini-3.5-flash-lite";
    static final String CATALOGUE = """
            Du bist Lisa.
            <knowledge file="products.md">
            - Nordlicht Strom Basis: Grundpreis 12,90 € pro Monat, Arbeitspreis 29,8 Cent pro kWh.
            - Nordlicht Glasfaser 300: 300 Mbit/s, 34,99 € pro Monat, Mindestlaufzeit 24 Monate.
            - Nordlicht Glasfaser 1000: 1000 Mbit/s, 54,99 € pro Monat.
            </knowledge>""";

    static final GenerateContentConfig CONFIG = GenerateContentConfig.builder()
            .systemInstruction(Content.fromParts(Part.fromText(CATALOGUE)))
            .tools(Tool.builder()
                    .functionDeclarations(FunctionDeclaration.builder()
                            .name("book_callback")
                            .description("Books a callback.")
                            .parametersJsonSchema(
                                    Map.of("type", "object", "properties", Map.of("when", Map.of("type", "string"))))
                            .build())
                    .build())
            .build();

    @Test
    void aPriceQuestionQuotesTheCatalogueLineItIsAbout() {
        GenerateContentResponse reply =
                client.models.generateContent(MODEL, "Was kostet Glasfaser 300 im Monat?", CONFIG);

        assertThat(reply.text())
                .isEqualTo("Laut unserem Katalog: Nordlicht Glasfaser 300: 300 Mbit/s, 34,99 € pro Monat, "
                        + "Mindestlaufzeit 24 Monate.");
    }

    @Test
    void aCallbackRequestCallsBookCallbackOnceThenSaysItIsDone() {
        Content asked = Content.builder()
                .role("user")
                .parts(Part.fromText("Bitte rufen Sie mich morgen zurück."))
                .build();
        GenerateContentResponse first = client.models.generateContent(MODEL, List.of(asked), CONFIG);
        Content model = first.candidates().orElseThrow().get(0).content().orElseThrow();
        FunctionCall call = model.parts().orElseThrow().get(0).functionCall().orElseThrow();
        assertThat(call.name()).hasValue("book_callback");
        assertThat(call.args().orElseThrow())
                .containsEntry("when", "2027-03-11T10:00:00+01:00")
                .containsEntry("topic", "Bitte rufen Sie mich morgen zurück.");

        Content response = Content.builder()
                .role("user")
                .parts(Part.builder()
                        .functionResponse(FunctionResponse.builder()
                                .name("book_callback")
                                .id(call.id().orElse(null))
                                .response(Map.of("booked", true))
                                .build())
                        .build())
                .build();
        GenerateContentResponse second = client.models.generateContent(MODEL, List.of(asked, model, response), CONFIG);

        assertThat(second.functionCalls()).isNullOrEmpty();
        assertThat(second.text()).isEqualTo("Erledigt. book_callback: {\"booked\": true}");
    }

    @Test
    void aMessageWithoutPriceOrCallbackGetsTheDefaultReply() {
        GenerateContentResponse reply = client.models.generateContent(MODEL, "Guten Tag!", CONFIG);

        assertThat(reply.text()).startsWith("Hallo, hier ist Lisa!");
    }
}
