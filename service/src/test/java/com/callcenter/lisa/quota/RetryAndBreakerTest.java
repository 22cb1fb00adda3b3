package com.callcenter.lisa.quota;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** What is transient is retried within the wait; what is not fails at once; repeated failure opens the circuit. */
@TestPropertySource(
        properties = {
            "lisa.quota.retry.max-attempts=3",
            "lisa.quota.retry.base-delay=50ms",
            "lisa.quota.retry.max-delay=200ms",
            "lisa.quota.breaker.failure-threshold=4",
            "lisa.quota.breaker.cool-down=2s",
            "lisa.quota.max-wait=20s"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD) // each starts with a closed circuit
class RetryAndBreakerTest extends ServiceTest {

    @Test
    void transientFailuresAreRetriedAndTheTurnSucceeds() {
        String id = api.newSession();
        upstream.script(
                ScriptedAnswer.fixture(fixture("errors/503-overloaded.json")),
                ScriptedAnswer.fixture(fixture("errors/500-internal.json")));

        Api.Response response = api.chat(id, "Hallo");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("attempts").asInt()).isEqualTo(3);
        assertThat(upstream.requests()).hasSize(3);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).hasSize(2);
    }

    @Test
    void retriesStopAfterMaxAttempts() {
        String id = api.newSession();
        upstream.script(ScriptedAnswer.fixture(fixture("errors/504-deadline-exceeded.json"))
                .times(3));

        Api.Response response = api.chat(id, "Hallo");

        assertProblem(response, 504, "upstream-timeout");
        assertThat(upstream.requests()).hasSize(3);
        assertThat(api.get("/api/v1/sessions/" + id).json().get("messages")).isEmpty();
    }

    @Test
    void permanentRejectionsAreNeverRetried() {
        String id = api.newSession();
        for (String file : new String[] {
            "errors/400-input-too-long.json",
            "errors/403-api-key-leaked.json",
            "firebase-vertexai-sdk-test-data/googleai/unary-failure-unknown-model.json"
        }) {
            upstream.reset();
            upstream.script(ScriptedAnswer.fixture(fixture(file)));
            // a 404 for the model marks it unavailable (ModelGoneTest): no retry either
            boolean modelGone = file.contains("unknown-model");
            assertProblem(
                    api.chat(id, "Hallo"),
                    modelGone ? 503 : 502,
                    modelGone ? "model-unavailable" : "upstream-rejected");
            assertThat(upstream.requests()).as(file).hasSize(1);
        }
    }

    @Test
    void perMinute429PausesForRetryDelayThenRetries() {
        String id = api.newSession();
        // Gemini says: retry in 7 s.
        upstream.script(ScriptedAnswer.fixture(fixture("errors/429-rpm-free-tier.json")));

        long start = System.nanoTime();
        Api.Response response = api.chat(id, "Hallo");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode reply = response.json();
        assertThat(reply.get("attempts").asInt()).isEqualTo(2);
        assertThat(reply.get("queueWaitMs").asLong()).isGreaterThanOrEqualTo(6_900); // Gemini said 7 s
        assertThat(elapsedMs).isGreaterThanOrEqualTo(7_000);
        assertThat(upstream.requests()).hasSize(2);
        JsonNode model = api.get("/api/v1/health").json().get("quota").get(0);
        assertThat(model.get("effectiveRequestsPerMinute").asInt()).isGreaterThan(0);
    }

    @Test
    void repeatedFailuresOpenTheCircuitAndARealRequestClosesIt() throws Exception {
        String id = api.newSession();
        upstream.script(
                ScriptedAnswer.fixture(fixture("errors/503-overloaded.json")).times(4));

        assertProblem(api.chat(id, "eins"), 503, "upstream-unavailable"); // 3 attempts
        assertProblem(api.chat(id, "zwei"), 503, "upstream-unavailable"); // the 4th failure opens it
        int sent = upstream.requests().size();
        assertThat(sent).isEqualTo(4);

        Api.Response refused = api.chat(id, "drei");
        assertProblem(refused, 503, "upstream-unavailable");
        assertThat(refused.json().get("reason").asString()).isEqualTo("circuit_open");
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 2);
        assertThat(upstream.requests()).hasSize(sent);
        JsonNode open = api.get("/api/v1/health").json();
        assertThat(open.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(open.get("quota").get(0).get("circuit").asString()).isEqualTo("OPEN");

        Thread.sleep(Integer.parseInt(refused.header("Retry-After")) * 1000L + 100);

        Api.Response probe = api.chat(id, "vier");
        assertThat(probe.status()).as(probe.body()).isEqualTo(200);
        assertThat(api.get("/api/v1/health")
                        .json()
                        .get("quota")
                        .get(0)
                        .get("circuit")
                        .asString())
                .isEqualTo("CLOSED");
        assertThat(api.chat(id, "fünf").status()).isEqualTo(200);
    }
}
