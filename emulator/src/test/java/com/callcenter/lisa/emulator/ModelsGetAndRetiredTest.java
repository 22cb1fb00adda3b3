package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.Model;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** models.get through the SDK, and retired models answering Google's 404 until they come back. */
@ExtendWith(EmulatorExtension.class)
class ModelsGetAndRetiredTest {

    static GeminiEmulator emu;
    static Client client;

    static final String NOT_FOUND_TEXT =
            "models/gemini-2.5-flash-lite is not found for API version v1beta, or is not supported for"
                    + " generateContent. Call ListModels to see the list of available models and their"
                    + " supported methods.";

    @ParameterizedTest
    @ValueSource(strings = {"v1beta", "v1"})
    void modelsGetAnswersTheModelResource(String apiVersion) {
        Model model = Sdk.client(emu, apiVersion).models.get("gemini-3.8-flash", null);

        assertThat(model.name()).hasValue("models/gemini-3.8-flash");
        assertThat(model.displayName()).hasValue("Gemini 3.8 Flash");
        assertThat(model.inputTokenLimit()).hasValue(1_048_576);
        assertThat(model.outputTokenLimit()).hasValue(65_536);
        assertThat(model.thinking()).hasValue(true);
        assertThat(emu.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).isEqualTo("/" + apiVersion + "/models/gemini-3.8-flash");
            assertThat(r.kind()).isEqualTo("get");
        });
        assertThat(emu.counters()).containsEntry("ok", 1L);
    }

    @Test
    void modelsGetOfAModelNotServedIs404() {
        try (GeminiEmulator only =
                GeminiEmulator.start(EmulatorConfig.defaults().withModels(java.util.Set.of("gemini-3.5-flash-lite")))) {
            Client restricted = Sdk.client(only);

            assertThat(restricted.models.get("gemini-3.5-flash-lite", null).name())
                    .hasValue("models/gemini-3.5-flash-lite");
            assertThatThrownBy(() -> restricted.models.get("gemini-1.0-pro", null))
                    .isInstanceOfSatisfying(
                            ClientException.class, e -> assertThat(e.code()).isEqualTo(404));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRetiredModelAnswers404EverywhereUntilItComesBack() throws Exception {
        emu.retire("gemini-2.5-flash-lite");

        assertThatThrownBy(() -> client.models.generateContent("gemini-2.5-flash-lite", "Hallo", null))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(404);
                    assertThat(e.status()).isEqualTo("NOT_FOUND");
                    assertThat(e.message()).contains(NOT_FOUND_TEXT);
                });
        assertThatThrownBy(() -> client.models.get("gemini-2.5-flash-lite", null))
                .isInstanceOfSatisfying(
                        ClientException.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThatThrownBy(() -> client.models.countTokens("gemini-2.5-flash-lite", "Hallo", null))
                .isInstanceOfSatisfying(
                        ClientException.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThatThrownBy(() -> {
                    try (ResponseStream<GenerateContentResponse> stream =
                            client.models.generateContentStream("gemini-2.5-flash-lite", "Hallo", null)) {
                        stream.forEach(chunk -> {});
                    }
                })
                .isInstanceOfSatisfying(
                        ClientException.class, e -> assertThat(e.code()).isEqualTo(404));
        HttpResponse<String> raw =
                Http.post(emu, "/v1beta/models/gemini-2.5-flash-lite:generateContent", Http.ONE_MESSAGE);
        assertThat(new ObjectMapper().readTree(raw.body()).at("/error/message").asText())
                .isEqualTo(NOT_FOUND_TEXT);
        assertThat(client.models
                        .generateContent("gemini-3.5-flash-lite", "Hallo", null)
                        .text())
                .startsWith("Hallo, hier ist Lisa!");
        assertThat(emu.counters()).containsEntry("model_not_found", 5L);

        emu.unretire("gemini-2.5-flash-lite");

        assertThat(client.models.get("gemini-2.5-flash-lite", null).name()).hasValue("models/gemini-2.5-flash-lite");
        assertThat(client.models
                        .generateContent("gemini-2.5-flash-lite", "Hallo", null)
                        .text())
                .startsWith("Hallo, hier ist Lisa!");
    }

    @Test
    void theNewUsersFormSaysTheModelIsNoLongerAvailable() {
        emu.retire("gemini-2.5-flash-lite", Retirement.NEW_USERS);

        assertThatThrownBy(() -> client.models.generateContent("gemini-2.5-flash-lite", "Hallo", null))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(404);
                    assertThat(e.status()).isEqualTo("NOT_FOUND");
                    assertThat(e.message())
                            .contains("This model models/gemini-2.5-flash-lite is no longer available to new users."
                                    + " Please update your code to use a newer model for the latest features"
                                    + " and improvements.");
                });
        assertThat(emu.retired()).containsEntry("gemini-2.5-flash-lite", Retirement.NEW_USERS);
    }

    @Test
    void retiredModelsFromTheConfigurationComeBackAfterReset() throws Exception {
        ModelRules rules = ModelRules.DEFAULTS.withRetired("models/gemini-2.5-pro", Retirement.NOT_FOUND);
        try (GeminiEmulator configured =
                GeminiEmulator.start(EmulatorConfig.defaults().withModelRules(rules))) {
            Client sdk = Sdk.client(configured);
            assertThatThrownBy(() -> sdk.models.get("gemini-2.5-pro", null))
                    .isInstanceOfSatisfying(
                            ClientException.class, e -> assertThat(e.code()).isEqualTo(404));
            configured.unretire("gemini-2.5-pro");
            assertThat(sdk.models.get("gemini-2.5-pro", null).displayName()).hasValue("Gemini 2.5 Pro");

            configured.reset();

            assertThat(configured.retired()).containsOnlyKeys("gemini-2.5-pro");
        }
    }
}
