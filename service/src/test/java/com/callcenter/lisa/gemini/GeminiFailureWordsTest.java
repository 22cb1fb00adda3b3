package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParseException;
import com.google.genai.errors.GenAiIOException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A failure to reach Gemini is told to the client (problem detail) and the health view in words:
 * never the exception's class or its message, which the log keeps.
 */
class GeminiFailureWordsTest {

    private final GeminiErrors errors = new GeminiErrors(Clock.systemUTC(), "secret-key");

    static Stream<Arguments> transportFailures() {
        return Stream.of(
                Arguments.of(
                        new GenAiIOException(
                                "Failed to execute HTTP request.", new ConnectException("Connection refused")),
                        "refused"),
                Arguments.of(
                        new GenAiIOException(
                                "Failed to execute HTTP request.",
                                new UnknownHostException("generativelanguage.googleapis.com")),
                        "host name"),
                Arguments.of(
                        new GenAiIOException(
                                "Failed to execute HTTP request.",
                                new SSLHandshakeException("PKIX path building failed")),
                        "secure connection"),
                Arguments.of(
                        new GenAiIOException("Failed to read.", new EOFException("\\n not found: limit=0")),
                        "closed before"),
                Arguments.of(
                        new GenAiIOException(
                                "Failed to parse.",
                                new JsonParseException(null, "Unrecognized token 'data': was expecting JSON")),
                        "not the JSON"),
                Arguments.of(new IllegalStateException("com.google.genai.Foo$Bar broke: secret-key"), "log"));
    }

    @ParameterizedTest
    @MethodSource("transportFailures")
    void saysWhatHappenedWithoutClassNamesOrTheirMessages(RuntimeException thrown, String words) {
        GeminiFailure failure = errors.classify(thrown);

        assertThat(failure.kind()).isEqualTo(GeminiFailure.Kind.UNAVAILABLE);
        assertThat(failure.getMessage())
                .contains("Gemini")
                .contains(words)
                .doesNotContain("Exception")
                .doesNotContain("java.")
                .doesNotContain("com.")
                .doesNotContain("Connection refused")
                .doesNotContain("Unrecognized token")
                .doesNotContain("secret-key");
        assertThat(failure.getCause()).as("kept for the log").isSameAs(thrown);
    }

    @ParameterizedTest
    @MethodSource("timeouts")
    void timeoutsSayOnlyThatGeminiWasTooSlow(RuntimeException thrown) {
        GeminiFailure failure = errors.classify(thrown);

        assertThat(failure.kind()).isEqualTo(GeminiFailure.Kind.TIMEOUT);
        assertThat(failure.getMessage())
                .contains("Gemini did not answer")
                .doesNotContain("Exception")
                .doesNotContain("Read timed out");
    }

    static Stream<RuntimeException> timeouts() {
        return Stream.of(
                new GenAiIOException("Failed to execute HTTP request.", new SocketTimeoutException("Read timed out")));
    }
}
