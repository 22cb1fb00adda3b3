package com.callcenter.lisa.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.identity.ApiKeys;
import com.callcenter.lisa.identity.Role;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.AuthenticatedServiceTest;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Per-owner limits over real HTTP with real signed tokens (issue 12 point 5): each answered 429
 * client-rate-limited with an honest Retry-After (the clock is moved, no minute waited), nothing created
 * or sent to Gemini, the quota ledger unchanged; API keys (no limits by default) are not limited (their own
 * limits: {@link ApiKeyLimitsTest}).
 */
@Tag("database") // the active sessions are counted by a query of the session table
@Import(MovableTime.class)
@TestPropertySource(
        properties = {
            "lisa.limits.token.active-sessions=3",
            "lisa.limits.token.sessions-per-minute=5",
            "lisa.limits.token.messages-per-minute=4",
            "lisa.quota.budget.requests-per-minute=1000"
        }) // a budget, so that health shows what is left of it
class ClientLimitsTest extends AuthenticatedServiceTest {

    @Autowired
    MutableClock clock;

    @Autowired
    ApiKeys apiKeys;

    /** A token of a new agent of tenant {@code tenant}: each test counts against its own owners. */
    private static String agent(String tenant) {
        return issuer.token("agent-" + UUID.randomUUID(), tenant, "agent");
    }

    private int requestsThisMinute() {
        return requestsThisMinute(api);
    }

    /** What the quota counted this minute, as health shows it. */
    static int requestsThisMinute(Api api) {
        return api.get("/api/v1/health")
                .json()
                .get("quota")
                .get(0)
                .get("left")
                .get("requestsThisMinute")
                .asInt();
    }

    static void assertLimited(Api.Response response, String limit, long retryAfterSeconds) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:lisa:problem:client-rate-limited");
        assertThat(response.json().get("limit").asString()).isEqualTo(limit);
        assertThat(response.header("Retry-After")).isEqualTo(Long.toString(retryAfterSeconds));
        assertThat(response.json().get("retryAfterSeconds").asLong()).isEqualTo(retryAfterSeconds);
    }

    @Test
    void theFifthMessageOfAMinuteIs429UntilTheFirstLeavesTheWindowAndSpendsNoQuota() {
        String agent = agent("A");
        String id = newSession(agent);
        assertThat(chat(id, "eins", agent).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(10));
        for (String message : List.of("zwei", "drei", "vier")) {
            assertThat(chat(id, message, agent).status()).isEqualTo(200);
        }
        int calls = TestUpstream.modelCalls(upstream);
        int counted = requestsThisMinute();

        // The first message leaves the minute 50 s from now.
        assertLimited(chat(id, "fünf", agent), "messages-per-minute", 50);
        // Streamed too: refused before the stream opens.
        assertLimited(
                call(
                        "POST",
                        "/api/v1/sessions/" + id + "/chat",
                        Api.json(Map.of("message", "fünf")),
                        agent,
                        "Accept",
                        "text/event-stream"),
                "messages-per-minute",
                50);

        // Nothing reached Gemini, nothing was counted against the quota, nothing was stored.
        assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(calls);
        assertThat(requestsThisMinute()).isEqualTo(counted);
        assertThat(call("GET", "/api/v1/sessions/" + id, null, agent).json().get("messages"))
                .hasSize(8);

        // Another agent of the tenant has its own allowance; the limited one gets in when it was told.
        String colleague = agent("A");
        assertThat(chat(newSession(colleague), "hallo", colleague).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(50));
        assertThat(chat(id, "fünf", agent).status()).isEqualTo(200);
    }

    @Test
    void theSixthSessionOfAMinuteIs429UntilTheFirstLeavesTheWindow() {
        String agent = agent("A");
        for (int i = 0; i < 5; i++) {
            String id = newSession(agent);
            // Ended at once: the active-sessions limit (3) is not what stops it.
            assertThat(call("DELETE", "/api/v1/sessions/" + id, null, agent).status())
                    .isEqualTo(204);
            if (i == 0) {
                clock.advance(Duration.ofSeconds(20));
            }
        }

        Api.Response refused = call("POST", "/api/v1/sessions", "{}", agent);
        assertLimited(refused, "sessions-per-minute", 40);
        assertThat(call("GET", "/api/v1/sessions", null, agent).json().get("sessions"))
                .hasSize(5);

        clock.advance(Duration.ofSeconds(40));
        assertThat(call("POST", "/api/v1/sessions", "{}", agent).status()).isEqualTo(201);
    }

    @Test
    void theFourthActiveSessionIs429UntilOneEnds() {
        String agent = agent("B");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(newSession(agent));
        }

        // When one ends is not known: the configured guess, the session sweep's interval.
        assertLimited(call("POST", "/api/v1/sessions", "{}", agent), "active-sessions", 60);
        assertThat(call("GET", "/api/v1/sessions", null, agent).json().get("sessions"))
                .hasSize(3);

        assertThat(call("DELETE", "/api/v1/sessions/" + ids.getFirst(), null, agent)
                        .status())
                .isEqualTo(204);
        assertThat(call("POST", "/api/v1/sessions", "{}", agent).status()).isEqualTo(201);
    }

    @Test
    void anApiKeyHasNoLimitsByDefault() {
        String key = apiKeys.create("A", "pbx-" + UUID.randomUUID(), Set.of(Role.AGENT), OwnerLimits.NONE)
                .secret();
        String id = null;
        for (int i = 0; i < 7; i++) { // beyond a token's 3 active and 5 per minute
            id = newSession(key);
        }
        for (int i = 0; i < 6; i++) { // beyond a token's 4 messages per minute
            assertThat(chat(id, "Nachricht " + i, key).status()).isEqualTo(200);
        }
    }

    @Test
    void limitsAreCountedPerOwnerNotPerTenant() {
        String first = agent("C");
        String id = newSession(first);
        for (int i = 0; i < 4; i++) {
            assertThat(chat(id, "m" + i, first).status()).isEqualTo(200);
        }
        assertThat(chat(id, "m4", first).status()).isEqualTo(429);

        // The same subject in another tenant is another owner.
        String sameNameElsewhere = issuer.token("shared-name-" + UUID.randomUUID(), "D", "agent");
        String other = newSession(sameNameElsewhere);
        assertThat(chat(other, "hallo", sameNameElsewhere).status()).isEqualTo(200);
    }
}
