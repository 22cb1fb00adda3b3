package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.types.Content;
import com.google.genai.types.Part;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of Gemini's reply parts is kept for sending back, and what goes back to which model. */
class ModelPartsTest {

    private static final String SIGNATURE = "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=";
    private static final byte[] SIGNED = Base64.getDecoder().decode(SIGNATURE);
    private static final String PRIMARY = "gemini-3.5-flash-lite";
    private static final String FALLBACK = "gemini-3.8-flash";

    @Test
    void thoughtTextIsNeverKeptButASignedThoughtKeepsItsSignature() {
        String stored = ModelParts.stored(
                List.of(
                        Part.builder()
                                .text("Ich überlege: der Kunde will den Tarif.")
                                .thought(true)
                                .build(),
                        Part.builder()
                                .text("Gedanke zwei")
                                .thought(true)
                                .thoughtSignature(SIGNED)
                                .build(),
                        Part.fromText("Guten Tag!")),
                PRIMARY);

        assertThat(stored).doesNotContain("überlege").doesNotContain("Gedanke");
        List<Part> parts = Content.fromJson(stored).parts().orElseThrow();
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).thought()).contains(true);
        assertThat(parts.get(0).text()).isEmpty();
        assertThat(parts.get(0).thoughtSignature().orElseThrow()).isEqualTo(SIGNED);
        assertThat(parts.get(1).text()).contains("Guten Tag!");
    }

    @Test
    void streamedPiecesAreJoinedAndTheSignedEmptyPartStaysApart() {
        String stored = ModelParts.stored(
                List.of(
                        Part.fromText("Guten "),
                        Part.fromText("Tag!"),
                        Part.builder().text("").thoughtSignature(SIGNED).build()),
                PRIMARY);

        assertThat(stored).contains("\"thoughtSignature\":\"" + SIGNATURE + "\"");
        List<Part> parts = Content.fromJson(stored).parts().orElseThrow();
        assertThat(parts).extracting(p -> p.text().orElse(null)).containsExactly("Guten Tag!", "");
        assertThat(parts.get(0).thoughtSignature()).isEmpty();
    }

    @Test
    void theModelThatMadeTheSignaturesGetsThemBackOthersGetTheTextOnly() {
        String stored = ModelParts.stored(
                List.of(
                        Part.builder()
                                .text("")
                                .thought(true)
                                .thoughtSignature(SIGNED)
                                .build(),
                        Part.builder()
                                .text("Guten Tag!")
                                .thoughtSignature(SIGNED)
                                .build()),
                PRIMARY);
        Prompt.Message reply = new Prompt.Message(Prompt.Role.MODEL, "Guten Tag!", stored, PRIMARY);

        Content same = ModelParts.content(reply, PRIMARY);
        Content other = ModelParts.content(reply, FALLBACK);

        assertThat(stored).contains("\"madeBy\":\"" + PRIMARY + "\"");
        // exactly the parts kept, signatures and all (the record of the model is not Gemini's and stays here)
        assertThat(same.toJson()).isEqualTo(Content.fromJson(stored).toJson());
        assertThat(same.parts().orElseThrow())
                .hasSize(2)
                .allSatisfy(part ->
                        assertThat(part.thoughtSignature().orElseThrow()).isEqualTo(SIGNED));
        assertThat(same.toJson()).doesNotContain("madeBy");
        assertThat(other.toJson()).doesNotContain("thoughtSignature").doesNotContain("thought");
        assertThat(other.parts().orElseThrow())
                .extracting(p -> p.text().orElse(null))
                .containsExactly("Guten Tag!");
    }

    @Test
    void theNameOfTheModelIsTheLastFieldOfTheSdksJson() {
        Content content = Content.builder()
                .role("model")
                .parts(Part.builder()
                        .text("Grüße \"Lisa\" }")
                        .thoughtSignature(SIGNED)
                        .build())
                .build();

        String stored = ModelParts.stored(content.parts().orElseThrow(), "demo:" + PRIMARY);

        assertThat(stored)
                .isEqualTo(content.toJson().substring(0, content.toJson().length() - 1) + ",\"madeBy\":\"demo:"
                        + PRIMARY + "\"}");
        assertThat(ModelParts.withMadeBy("{ }", "a\"b")).isEqualTo("{ \"madeBy\":\"a\\\"b\"}");
        assertThat(ModelParts.parse(stored).madeBy()).isEqualTo("demo:" + PRIMARY);
        assertThat(ModelParts.parse(stored).content().toJson()).isEqualTo(content.toJson());
    }

    @Test
    void nothingToKeepMeansTheTextGoesBack() {
        assertThat(ModelParts.stored(
                        List.of(Part.builder().text("nur gedacht").thought(true).build()), PRIMARY))
                .isNull();
        Content text = ModelParts.content(new Prompt.Message(Prompt.Role.MODEL, "Antwort"), "any");
        assertThat(text.role()).contains("model");
        assertThat(text.parts().orElseThrow())
                .extracting(p -> p.text().orElse(null))
                .containsExactly("Antwort");
    }

    @Test
    void aFunctionCallGoesToAnotherModelWithGooglesPlaceholderAndToItsOwnModelWithItsSignature() {
        Part call = Part.fromFunctionCall("record_lead", java.util.Map.of("product", "Tarif M")).toBuilder()
                .thoughtSignature(SIGNED)
                .build();
        String stored = ModelParts.stored(List.of(Part.fromText("Einen Moment."), call), PRIMARY);
        // a turn whose final reply came from the fallback: the content still goes by the model that made it
        Prompt.Message message = new Prompt.Message(Prompt.Role.MODEL, "", stored, FALLBACK);

        List<Part> toFallback = ModelParts.content(message, FALLBACK).parts().orElseThrow();
        List<Part> toPrimary = ModelParts.content(message, PRIMARY).parts().orElseThrow();

        assertThat(toFallback.get(0)).isEqualTo(Part.fromText("Einen Moment."));
        assertThat(toFallback.get(1).functionCall()).isEqualTo(call.functionCall());
        assertThat(new String(toFallback.get(1).thoughtSignature().orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("skip_thought_signature_validator");
        assertThat(ModelParts.content(message, FALLBACK).toJson())
                .contains("\"thoughtSignature\":\"c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I=\"");
        assertThat(toPrimary.get(1).toJson()).isEqualTo(call.toJson());
    }

    @Test
    void contentsKeptBeforeTheirModelWasRecordedGoByTheTurnsModel() {
        String old =
                "{\"parts\":[{\"text\":\"Guten Tag!\",\"thoughtSignature\":\"" + SIGNATURE + "\"}],\"role\":\"model\"}";
        Prompt.Message reply = new Prompt.Message(Prompt.Role.MODEL, "Guten Tag!", old, PRIMARY);

        assertThat(ModelParts.content(reply, PRIMARY).toJson()).isEqualTo(old);
        assertThat(ModelParts.content(reply, FALLBACK).toJson()).doesNotContain("thoughtSignature");
    }
}
