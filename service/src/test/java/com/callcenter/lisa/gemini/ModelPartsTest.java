package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.types.Content;
import com.google.genai.types.Part;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of Gemini's reply parts is kept for sending back, and what goes back to which model. */
class ModelPartsTest {

    private static final String SIGNATURE = "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=";
    private static final byte[] SIGNED = Base64.getDecoder().decode(SIGNATURE);

    @Test
    void thoughtTextIsNeverKeptButASignedThoughtKeepsItsSignature() {
        String stored = ModelParts.stored(List.of(
                Part.builder()
                        .text("Ich überlege: der Kunde will den Tarif.")
                        .thought(true)
                        .build(),
                Part.builder()
                        .text("Gedanke zwei")
                        .thought(true)
                        .thoughtSignature(SIGNED)
                        .build(),
                Part.fromText("Guten Tag!")));

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
        String stored = ModelParts.stored(List.of(
                Part.fromText("Guten "),
                Part.fromText("Tag!"),
                Part.builder().text("").thoughtSignature(SIGNED).build()));

        assertThat(stored).contains("\"thoughtSignature\":\"" + SIGNATURE + "\"");
        List<Part> parts = Content.fromJson(stored).parts().orElseThrow();
        assertThat(parts).extracting(p -> p.text().orElse(null)).containsExactly("Guten Tag!", "");
        assertThat(parts.get(0).thoughtSignature()).isEmpty();
    }

    @Test
    void theModelThatMadeTheSignaturesGetsThemBackOthersGetTheTextOnly() {
        String stored = ModelParts.stored(List.of(
                Part.builder().text("").thought(true).thoughtSignature(SIGNED).build(),
                Part.builder().text("Guten Tag!").thoughtSignature(SIGNED).build()));
        Prompt.Message reply = new Prompt.Message(Prompt.Role.MODEL, "Guten Tag!", stored, "gemini-3.5-flash-lite");

        Content same = ModelParts.content(reply, "gemini-3.5-flash-lite");
        Content other = ModelParts.content(reply, "gemini-3.8-flash");

        assertThat(same.toJson()).isEqualTo(stored);
        assertThat(other.toJson()).doesNotContain("thoughtSignature").doesNotContain("thought");
        assertThat(other.parts().orElseThrow())
                .extracting(p -> p.text().orElse(null))
                .containsExactly("Guten Tag!");
    }

    @Test
    void nothingToKeepMeansTheTextGoesBack() {
        assertThat(ModelParts.stored(
                        List.of(Part.builder().text("nur gedacht").thought(true).build())))
                .isNull();
        Content text = ModelParts.content(new Prompt.Message(Prompt.Role.MODEL, "Antwort"), "any");
        assertThat(text.role()).contains("model");
        assertThat(text.parts().orElseThrow())
                .extracting(p -> p.text().orElse(null))
                .containsExactly("Antwort");
    }
}
