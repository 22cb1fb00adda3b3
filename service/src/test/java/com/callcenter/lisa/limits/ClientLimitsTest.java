package com.callcenter.lisa.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.identity.ApiKeyCli;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.AuthenticatedServiceTest;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Per-owner limits over real HTTP with real signed tokens and real API keys (issue 12 point 5): each answered
 * 429 client-rate-limited with an honest Retry-After (the clock is moved, no minute waited), nothing created or
 * sent to Gemini, the quota ledger unchanged. Token owners have the configured limits; an API key has its own,
 * set when it is created through the admin API or the command line (none by default) and changed by an admin;
 * a limit that is not a whole number of at least 1 is refused and creates nothing.
 */
@Tag("database") // keys and their limits are rows of api_key; active sessions are counted by a query
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
    Environment environment;

    /** A token of a new agent of tenant {@code tenant}: each test counts against its own owners. */
    private static String agent(String tenant) {
        return issuer.token("agent-" + UUID.randomUUID(), tenant, "agent");
    }

    private static String admin() {
        return issuer.token("root", "ops", "admin");
    }

    private int requestsThisMinute() {
        return api.get("/api/v1/health")
                .json()
                .get("quota")
                .get(0)
                .get("left")
                .get("requestsThisMinute")
                .asInt();
    }

    private static void assertLimited(Api.Response response, String limit, long retryAfterSeconds) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:lisa:problem:client-rate-limited");
        assertThat(response.json().get("limit").asString()).isEqualTo(limit);
        assertThat(response.header("Retry-After")).isEqualTo(Long.toString(retryAfterSeconds));
        assertThat(response.json().get("retryAfterSeconds").asLong()).isEqualTo(retryAfterSeconds);
    }

    /**
     * Sends {@code limit} messages in a minute (the first 10 s before the others); the next, as JSON and
     * streamed, is 429 until the first leaves the window 50 s later, with nothing sent to Gemini, counted
     * against the quota or stored. The clock is left there.
     *
     * @return the session the messages went to
     */
    private String messagesUpToTheLimit(String credential, int limit) {
        String id = newSession(credential);
        assertThat(chat(id, "eins", credential).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(10));
        for (int i = 1; i < limit; i++) {
            assertThat(chat(id, "noch " + i, credential).status()).isEqualTo(200);
        }
        int calls = TestUpstream.modelCalls(upstream);
        int counted = requestsThisMinute();

        assertLimited(chat(id, "zu viel", credential), "messages-per-minute", 50);
        // Streamed too: refused before the stream opens.
        assertLimited(chat(id, "zu viel", credential, "Accept", "text/event-stream"), "messages-per-minute", 50);

        assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(calls);
        assertThat(requestsThisMinute()).isEqualTo(counted);
        assertThat(call("GET", "/api/v1/sessions/" + id, null, credential)
                        .json()
                        .get("messages"))
                .hasSize(2 * limit);
        return id;
    }

    /** {@code limit} sessions created (and ended at once) in a minute; the next is 429 until the first leaves. */
    private void sessionsUpToTheLimit(String credential, int limit) {
        for (int i = 0; i < limit; i++) {
            String id = newSession(credential);
            // Ended at once: no active-sessions limit is what stops it.
            assertThat(call("DELETE", "/api/v1/sessions/" + id, null, credential)
                            .status())
                    .isEqualTo(204);
            if (i == 0) {
                clock.advance(Duration.ofSeconds(20));
            }
        }

        assertLimited(call("POST", "/api/v1/sessions", "{}", credential), "sessions-per-minute", 40);
        assertThat(call("GET", "/api/v1/sessions", null, credential).json().get("sessions"))
                .hasSize(limit);

        clock.advance(Duration.ofSeconds(40));
        assertThat(call("POST", "/api/v1/sessions", "{}", credential).status()).isEqualTo(201);
    }

    /** {@code limit} active sessions; the next is 429 until one ends. */
    private void activeSessionsUpToTheLimit(String credential, int limit) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            ids.add(newSession(credential));
        }

        // When one ends is not known: the configured guess, the session sweep's interval.
        assertLimited(call("POST", "/api/v1/sessions", "{}", credential), "active-sessions", 60);
        assertThat(call("GET", "/api/v1/sessions", null, credential).json().get("sessions"))
                .hasSize(limit);

        assertThat(call("DELETE", "/api/v1/sessions/" + ids.getFirst(), null, credential)
                        .status())
                .isEqualTo(204);
        assertThat(call("POST", "/api/v1/sessions", "{}", credential).status()).isEqualTo(201);
    }

    @Test
    void theFifthMessageOfAMinuteIs429UntilTheFirstLeavesTheWindowAndSpendsNoQuota() {
        String agent = agent("A");
        String id = messagesUpToTheLimit(agent, 4);

        // Another agent of the tenant has its own allowance; the limited one gets in when it was told.
        String colleague = agent("A");
        assertThat(chat(newSession(colleague), "hallo", colleague).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(50));
        assertThat(chat(id, "fünf", agent).status()).isEqualTo(200);
    }

    @Test
    void theSixthSessionOfAMinuteIs429UntilTheFirstLeavesTheWindow() {
        sessionsUpToTheLimit(agent("A"), 5);
    }

    @Test
    void theFourthActiveSessionIs429UntilOneEnds() {
        activeSessionsUpToTheLimit(agent("B"), 3);
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

    // --- API keys: their own limits, none by default ---

    private static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** Creates an agent key of tenant "pbx" through the admin API; {@code limits} is JSON, or null for none. */
    private Api.Response createKey(String name, String limits) {
        return call(
                "POST",
                "/api/v1/admin/api-keys",
                "{\"tenant\":\"pbx\",\"name\":\"" + name + "\",\"roles\":[\"agent\"]"
                        + (limits == null ? "" : ",\"limits\":" + limits) + "}",
                admin());
    }

    private String keyWith(String limits) {
        Api.Response created = createKey(uniqueName("pbx"), limits);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("key").asString();
    }

    /** The key's row in the admin listing, or null if there is no key of that name. */
    private JsonNode listed(String name) {
        for (JsonNode row :
                call("GET", "/api/v1/admin/api-keys?tenant=pbx", null, admin()).json()) {
            if (row.get("name").asString().equals(name)) {
                return row;
            }
        }
        return null;
    }

    @Test
    void anApiKeyHasNoLimitsByDefault() {
        String name = uniqueName("pbx");
        Api.Response created = createKey(name, null);
        assertThat(created.json().get("limits").isEmpty()).isTrue();
        assertThat(listed(name).get("limits").isEmpty()).isTrue();
        String key = created.json().get("key").asString();
        String id = null;
        for (int i = 0; i < 7; i++) { // beyond a token's 3 active and 5 per minute
            id = newSession(key);
        }
        for (int i = 0; i < 6; i++) { // beyond a token's 4 messages per minute
            assertThat(chat(id, "Nachricht " + i, key).status()).isEqualTo(200);
        }
    }

    @Test
    void anApiKeysOwnMessagesPerMinuteAre429UntilTheFirstLeavesTheWindowAndSpendNoQuota() {
        String name = uniqueName("pbx");
        Api.Response created = createKey(name, "{\"messagesPerMinute\":3}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("limits").get("messagesPerMinute").asInt())
                .isEqualTo(3);
        JsonNode limits = listed(name).get("limits");
        assertThat(limits.get("messagesPerMinute").asInt()).isEqualTo(3);
        assertThat(limits.has("activeSessions")).isFalse(); // no limit of that kind
        String key = created.json().get("key").asString();

        String id = messagesUpToTheLimit(key, 3);
        clock.advance(Duration.ofSeconds(50));
        assertThat(chat(id, "vier", key).status()).isEqualTo(200);
    }

    @Test
    void anApiKeysOwnSessionsPerMinuteAre429UntilTheFirstLeavesTheWindow() {
        sessionsUpToTheLimit(keyWith("{\"sessionsPerMinute\":2}"), 2);
    }

    @Test
    void anApiKeysOwnActiveSessionsAre429UntilOneEnds() {
        activeSessionsUpToTheLimit(keyWith("{\"activeSessions\":2,\"sessionsPerMinute\":null}"), 2);
    }

    @Test
    void anApiKeyCreatedOnTheCommandLineHasTheLimitsGivenThere() {
        String name = uniqueName("cli");
        ApiKeyCli.Result created = ApiKeyCli.of(environment)
                .run(
                        "api-key",
                        "create",
                        "--tenant",
                        "pbx",
                        "--name",
                        name,
                        "--roles",
                        "agent",
                        "--max-active-sessions",
                        "1",
                        "--messages-per-minute",
                        "1");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.err()).contains("active sessions 1, messages per minute 1");
        String key = created.out().trim();
        JsonNode limits = listed(name).get("limits");
        assertThat(limits.get("activeSessions").asInt()).isEqualTo(1);
        assertThat(limits.get("messagesPerMinute").asInt()).isEqualTo(1);
        assertThat(limits.has("sessionsPerMinute")).isFalse();

        String id = newSession(key);
        assertLimited(call("POST", "/api/v1/sessions", "{}", key), "active-sessions", 60);
        assertThat(chat(id, "Hallo", key).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(20));
        int calls = TestUpstream.modelCalls(upstream);
        assertLimited(chat(id, "Noch eine", key), "messages-per-minute", 40);
        assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(calls);
    }

    @Test
    void theCommandLineRefusesALimitThatIsNotAWholeNumberOfAtLeastOneAndCreatesNothing() {
        for (List<String> bad : List.of(
                List.of("--messages-per-minute", "0"),
                List.of("--max-active-sessions", "-3"),
                List.of("--sessions-per-minute", "viele"),
                List.of("--sessions-per-minute", "1.5"),
                List.of("--messages-per-minute", "2147483648"),
                List.of("--max-active-sessions"))) {
            String name = uniqueName("cli-bad");
            List<String> args = new ArrayList<>(
                    List.of("api-key", "create", "--tenant", "pbx", "--name", name, "--roles", "agent"));
            args.addAll(bad);
            ApiKeyCli.Result result = ApiKeyCli.of(environment).run(args.toArray(String[]::new));
            assertThat(result.exit()).as(bad.toString()).isNotZero();
            assertThat(result.out()).as(bad.toString()).isEmpty(); // no key printed
            assertThat(result.err())
                    .as(bad.toString())
                    .contains(bad.getFirst() + " needs a whole number of at least 1");
            assertThat(listed(name)).as(bad.toString()).isNull();
        }
    }

    @Test
    void theAdminApiRefusesALimitThatIsNotAWholeNumberOfAtLeastOneAndCreatesNothing() {
        Map<String, String> bad = Map.of(
                "zero", "{\"messagesPerMinute\":0}",
                "negative", "{\"activeSessions\":-1}",
                "fraction", "{\"sessionsPerMinute\":1.5}",
                "whole fraction", "{\"sessionsPerMinute\":2.0}",
                "string", "{\"messagesPerMinute\":\"3\"}",
                "too large", "{\"messagesPerMinute\":2147483648}",
                "boolean", "{\"activeSessions\":true}",
                "typo", "{\"activeSesions\":3}",
                "not an object", "5",
                "a list", "[3]");
        for (Map.Entry<String, String> limits : bad.entrySet()) {
            String name = uniqueName("bad");
            Api.Response refused = createKey(name, limits.getValue());
            assertThat(refused.status()).as(limits.getKey()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("type").asString())
                    .as(limits.getKey())
                    .isEqualTo("urn:lisa:problem:invalid-request");
            assertThat(refused.json().get("detail").asString())
                    .as(limits.getKey())
                    .contains("limits");
            assertThat(listed(name)).as(limits.getKey()).isNull();
        }
    }

    @Test
    void anAdminChangesAKeysLimitsAndTheyApplyFromItsNextRequest() {
        String name = uniqueName("pbx");
        Api.Response created = createKey(name, null);
        String key = created.json().get("key").asString();
        String limitsPath = "/api/v1/admin/api-keys/" + created.json().get("id").asString() + "/limits";
        String id = newSession(key);

        Api.Response changed = call("PUT", limitsPath, "{\"messagesPerMinute\":2}", admin());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("limits").get("messagesPerMinute").asInt())
                .isEqualTo(2);
        assertThat(changed.body()).doesNotContain(key);
        assertThat(chat(id, "eins", key).status()).isEqualTo(200);
        assertThat(chat(id, "zwei", key).status()).isEqualTo(200);
        assertLimited(chat(id, "drei", key), "messages-per-minute", 60);

        // A bad change is refused and changes nothing; only an admin may change limits; unknown keys are 404.
        assertThat(call("PUT", limitsPath, "{\"messagesPerMinute\":0}", admin()).status())
                .isEqualTo(400);
        assertThat(call("PUT", limitsPath, "null", admin()).status()).isEqualTo(400);
        assertThat(call("PUT", limitsPath, "{}", key).status()).isEqualTo(403);
        assertThat(listed(name).get("limits").get("messagesPerMinute").asInt()).isEqualTo(2);
        assertLimited(chat(id, "drei", key), "messages-per-minute", 60);
        Api.Response unknown = call("PUT", "/api/v1/admin/api-keys/" + UUID.randomUUID() + "/limits", "{}", admin());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("type").asString()).isEqualTo("urn:lisa:problem:not-found");

        // {} removes them: unlimited again at once.
        assertThat(call("PUT", limitsPath, "{}", admin()).json().get("limits").isEmpty())
                .isTrue();
        assertThat(chat(id, "drei", key).status()).isEqualTo(200);
    }

    @Test
    void theApiDescriptionShowsTheLimitsOfAKey() {
        JsonNode docs = api.get("/v3/api-docs").json();
        JsonNode limits = docs.get("components").get("schemas").get("Limits");
        assertThat(limits.get("properties").propertyNames())
                .containsExactlyInAnyOrder("activeSessions", "sessionsPerMinute", "messagesPerMinute");
        assertThat(limits.get("properties")
                        .get("messagesPerMinute")
                        .get("minimum")
                        .asInt())
                .isEqualTo(1);
        assertThat(docs.get("paths").get("/api/v1/admin/api-keys/{id}/limits").has("put"))
                .isTrue();
        assertThat(docs.get("paths")
                        .get("/api/v1/admin/api-keys")
                        .get("post")
                        .get("responses")
                        .get("400")
                        .get("description")
                        .asString())
                .contains("limit");
    }
}
