package com.callcenter.lisa.quota;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every recorded per-minute 429 as Gemini's answer, with Gemini's retryDelay longer than the request
 * may still wait: the client is told at once to come back after that delay, the model's sending is
 * paused for it, and nothing is stored. Each case gets a fresh service: a 429 changes its quota state.
 */
@TestPropertySource(properties = "lisa.quota.max-wait=5s")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class ThrottlingFixturesTest extends ServiceTest {

    static Stream<Arguments> throttles() {
        return Stream.of(
                Arguments.of("errors/429-rpm-free-tier.json", 7),
                Arguments.of("errors/429-input-tpm-free-tier.json", 22),
                Arguments.of("errors/429-bare-paid-tier.json", 60),
                Arguments.of("vercel-ai/google-429-retry-info.json", 35),
                Arguments.of("firebase-vertexai-sdk-test-data/vertexai/unary-failure-quota-exceeded.json", 60));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("throttles")
    void clientIsToldGeminisDelayAndSendingPauses(String file, int retryAfter) {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.fixture(fixture(file)));

        Api.Response response = api.chat(id, "Hallo");

        assertProblem(response, 503, "quota-exhausted");
        assertThat(response.header("Retry-After")).isEqualTo(String.valueOf(retryAfter));
        assertThat(response.json().get("upstreamStatus").asInt()).isEqualTo(429);
        assertThat(upstream.requests()).hasSize(1);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
        JsonNode model = api.get("/api/v1/health").json().get("quota").get(0);
        assertThat(model.get("pausedUntil").asString()).isNotBlank();

        // While paused, a new request is refused before it reaches Gemini, with the remaining pause.
        Api.Response next = api.chat(id, "Hallo?");
        assertProblem(next, 503, "quota-exhausted");
        assertThat(next.json().get("reason").asString()).isEqualTo("wait_too_long");
        assertThat(Long.parseLong(next.header("Retry-After"))).isBetween(retryAfter - 6L, (long) retryAfter);
        assertThat(upstream.requests()).hasSize(1);
    }
}
