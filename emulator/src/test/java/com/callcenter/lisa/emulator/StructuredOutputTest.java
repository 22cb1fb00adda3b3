package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Structured output through the real SDK: JSON valid against the requested schema, predictable. */
@ExtendWith(EmulatorExtension.class)
class StructuredOutputTest {

    static final String MODEL = "gemini-2.5-flash";
    static GeminiEmulator emu;

    static final Map<String, Object> WRAP_UP = Map.of(
            "type", "object",
            "required", List.of("outcome", "summary", "products", "leadScore", "sentiment"),
            "properties",
                    Map.of(
                            "outcome",
                            Map.of(
                                    "type",
                                    "string",
                                    "enum",
                                    List.of("NO_DECISION", "SOLD", "CALLBACK", "NOT_INTERESTED")),
                            "summary",
                            Map.of("type", "string", "maxLength", 20),
                            "callbackAt",
                            Map.of("type", "string", "format", "date-time"),
                            "products",
                            Map.of("type", "array", "items", Map.of("$ref", "#/$defs/product")),
                            "leadScore",
                            Map.of("type", "integer", "minimum", 10, "maximum", 100),
                            "sentiment",
                            Map.of("enum", List.of("NEUTRAL", "POSITIVE"))),
            "$defs", Map.of("product", Map.of("type", "string", "minLength", 3)));

    @Test
    void jsonSchemaIsAnsweredWithValidJsonFromTheConversation() throws Exception {
        Client client = Sdk.client(emu);
        List<Content> conversation = List.of(
                Content.builder()
                        .role("user")
                        .parts(Part.fromText("Ich will einen Rückruf"))
                        .build(),
                Content.builder()
                        .role("model")
                        .parts(Part.fromText("Gern, ein Callback."))
                        .build(),
                Content.builder()
                        .role("user")
                        .parts(Part.fromText("Danke, bis morgen"))
                        .build());

        GenerateContentResponse response = client.models.generateContent(
                MODEL,
                conversation,
                GenerateContentConfig.builder()
                        .responseMimeType("application/json")
                        .responseJsonSchema(WRAP_UP)
                        .build());

        JsonNode json = Json.MAPPER.readTree(response.text());
        assertThat(json.path("outcome").asText()).isEqualTo("CALLBACK"); // named by the model turn
        assertThat(json.path("summary").asText()).isEqualTo("Danke, bis morgen");
        assertThat(json.path("callbackAt").asText()).isEqualTo("2026-01-01T09:00:00Z");
        assertThat(json.path("products")).hasSize(1);
        assertThat(json.path("products").get(0).asText()).isEqualTo("Danke, bis morgen");
        assertThat(json.path("leadScore").asInt()).isEqualTo(10);
        assertThat(json.path("leadScore").isIntegralNumber()).isTrue();
        assertThat(json.path("sentiment").asText()).isEqualTo("NEUTRAL");
    }

    @Test
    void stringsAreCutToMaxLengthAndTheFirstEnumValueIsTheDefault() throws Exception {
        Client client = Sdk.client(emu);

        GenerateContentResponse response = client.models.generateContent(
                MODEL,
                "Ein sehr langer Text über nichts Bestimmtes",
                GenerateContentConfig.builder()
                        .responseMimeType("application/json")
                        .responseJsonSchema(WRAP_UP)
                        .build());

        JsonNode json = Json.MAPPER.readTree(response.text());
        assertThat(json.path("outcome").asText()).isEqualTo("NO_DECISION");
        assertThat(json.path("summary").asText()).isEqualTo("Ein sehr langer Text");
    }

    @Test
    void openApiResponseSchemaWithCapitalTypesWorksToo() throws Exception {
        Client client = Sdk.client(emu);
        Schema schema = Schema.builder()
                .type(Type.Known.OBJECT)
                .properties(Map.of(
                        "sold",
                        Schema.builder().type(Type.Known.BOOLEAN).build(),
                        "items",
                        Schema.builder()
                                .type(Type.Known.ARRAY)
                                .items(Schema.builder()
                                        .type(Type.Known.NUMBER)
                                        .minimum(2.5)
                                        .build())
                                .build()))
                .required(List.of("sold", "items"))
                .build();

        GenerateContentResponse response = client.models.generateContent(
                MODEL,
                "Hallo",
                GenerateContentConfig.builder()
                        .responseMimeType("application/json")
                        .responseSchema(schema)
                        .build());

        JsonNode json = Json.MAPPER.readTree(response.text());
        assertThat(json.path("sold").asBoolean(true)).isFalse();
        assertThat(json.path("items").get(0).asDouble()).isEqualTo(2.5);
    }

    @Test
    void withoutJsonMimeTypeTheReplyStaysLisasSentence() {
        GenerateContentResponse response = Sdk.client(emu)
                .models
                .generateContent(
                        MODEL,
                        "Hallo",
                        GenerateContentConfig.builder()
                                .responseJsonSchema(WRAP_UP)
                                .build());

        assertThat(response.text()).startsWith("Hallo, hier ist Lisa!");
    }

    @Test
    void invalidJsonCanBeScriptedOnce() throws Exception {
        emu.script(ScriptedAnswer.invalidJson());
        Client client = Sdk.client(emu);
        GenerateContentConfig config = GenerateContentConfig.builder()
                .responseMimeType("application/json")
                .responseJsonSchema(WRAP_UP)
                .build();

        String broken = client.models.generateContent(MODEL, "Hallo", config).text();
        String valid = client.models.generateContent(MODEL, "Hallo", config).text();

        assertThatThrownBy(() -> Json.MAPPER.readTree(broken)).isInstanceOf(Exception.class);
        assertThat(Json.MAPPER.readTree(valid).path("outcome").asText()).isEqualTo("NO_DECISION");
    }
}
