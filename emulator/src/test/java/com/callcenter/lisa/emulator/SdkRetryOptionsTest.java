package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.genai.Client;
import com.google.genai.errors.ServerException;
import com.google.genai.types.HttpRetryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How the SDK's retry options behave against retryable errors, which the service has to get right
 * to own its retry policy: attempts(1) sends one request, but SDK 2.0.0 then still sleeps one
 * backoff before returning; adding an empty list of retryable codes removes that sleep.
 */
@ExtendWith(EmulatorExtension.class)
class SdkRetryOptionsTest {

    static GeminiEmulator emu; // started, reset and closed by EmulatorExtension

    @Test
    void attemptsOneSendsExactlyOneRequestPerCall() {
        Client client = Sdk.client(
                emu,
                "v1beta",
                "emulator-key",
                30_000,
                HttpRetryOptions.builder().attempts(1).build());
        emu.script(
                ScriptedAnswer.fixture(Fixtures.path("errors/503-overloaded.json")),
                ScriptedAnswer.text("zweiter Versuch"));

        ServerException e =
                catchThrowableOfType(ServerException.class, () -> client.models.generateContent("m", "Hallo", null));

        assertThat(e.code()).isEqualTo(503);
        assertThat(emu.requests()).hasSize(1); // the SDK did not retry into the second scripted answer
    }

    @Test
    void emptyRetryableCodeListReturnsRetryableErrorsAtOnce() {
        Client client = Sdk.client(emu); // attempts(1) + httpStatusCodes(List.of())
        emu.script(ScriptedAnswer.fixture(Fixtures.path("errors/503-overloaded.json"))
                .times(10));

        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            assertThat(catchThrowableOfType(
                                    ServerException.class, () -> client.models.generateContent("m", "Hallo", null))
                            .code())
                    .isEqualTo(503);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        // with attempts(1) alone ten calls sleep ten random backoffs of 0-2 s (about 10 s in total)
        assertThat(elapsedMs).isLessThan(1_500);
        assertThat(emu.requests()).hasSize(10);
    }
}
