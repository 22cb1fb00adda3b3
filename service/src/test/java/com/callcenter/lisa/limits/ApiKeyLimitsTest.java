package com.callcenter.lisa.limits;

import static com.callcenter.lisa.limits.ClientLimitsTest.assertLimited;
import static com.callcenter.lisa.limits.ClientLimitsTest.requestsThisMinute;
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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * An API key's own limits (issue 12 point 5), set when it is created through the admin API or the command line
 * and changed by an admin: over each, 429 client-rate-limited with an honest Retry-After (the clock is moved),
 * nothing created, stored or sent to Gemini, the quota unchanged; a key created without limits stays
 * unlimited; a limit that is not a whole number of at least 1 is refused and creates nothing.
 */
@Tag("database") // keys and their limits are rows of api_key; active sessions are counted by a query
@Import(MovableTime.class)
@TestPropertySource(
        properties = {
            "lisa.limits.token.active-sessions=3",
            "lisa.limits.token.sessions-per-minute=5",
            "lisa.limits.token.messages-per-minute=4",
            "lisa.quota.budget.requests-per-minute=1000"
        }) // as ClientLimitsTest: one service for both; token limits that keys must not get
class ApiKeyLimitsTest extends AuthenticatedServiceTest {

    @Autowired
    MutableClock clock;

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Value("${spring.datasource.username:}")
    String databaseUser;

    @Value("${spring.datasource.password:}")
    String databasePassword;

    private static String admin() {
        return issuer.token("root", "ops", "admin");
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** Creates an agent key of tenant "pbx" through the admin API; {@code limits} is JSON or null for none. */
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

    private int messagesOf(String id, String key) {
        return call("GET", "/api/v1/sessions/" + id, null, key)
                .json()
                .get("messages")
                .size();
    }

    @Test
    void aKeysMessagesPerMinuteAre429UntilTheFirstLeavesTheWindowAndSpendNoQuotaWhileAnotherKeyIsUnlimited() {
        String name = uniqueName("pbx");
        Api.Response created = createKey(name, "{\"messagesPerMinute\":3}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("limits").get("messagesPerMinute").asInt())
                .isEqualTo(3);
        assertThat(listed(name).get("limits").get("messagesPerMinute").asInt()).isEqualTo(3);
        assertThat(listed(name).get("limits").has("activeSessions")).isFalse(); // no limit of that kind
        String key = created.json().get("key").asString();

        String id = newSession(key);
        assertThat(chat(id, "eins", key).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(15));
        assertThat(chat(id, "zwei", key).status()).isEqualTo(200);
        assertThat(chat(id, "drei", key).status()).isEqualTo(200);
        int calls = TestUpstream.modelCalls(upstream);
        int counted = requestsThisMinute(api);

        // The first message leaves the minute 45 s from now; refused as JSON and before a stream opens.
        assertLimited(chat(id, "vier", key), "messages-per-minute", 45);
        assertLimited(chat(id, "vier", key, "Accept", "text/event-stream"), "messages-per-minute", 45);
        assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(calls);
        assertThat(requestsThisMinute(api)).isEqualTo(counted);
        assertThat(messagesOf(id, key)).isEqualTo(6);

        // A key created without limits is not held to the token owners' (4 a minute, 3 active, 5 created).
        String unlimited = keyWith(null);
        String other = null;
        for (int i = 0; i < 6; i++) {
            other = newSession(unlimited);
        }
        for (int i = 0; i < 6; i++) {
            assertThat(chat(other, "Nachricht " + i, unlimited).status()).isEqualTo(200);
        }

        clock.advance(Duration.ofSeconds(45));
        assertThat(chat(id, "vier", key).status()).isEqualTo(200);
    }

    @Test
    void aKeysSessionsPerMinuteAre429UntilTheFirstLeavesTheWindow() {
        String key = keyWith("{\"sessionsPerMinute\":2}");
        for (int i = 0; i < 2; i++) {
            String id = newSession(key);
            // Ended at once: no active-sessions limit is what stops it.
            assertThat(call("DELETE", "/api/v1/sessions/" + id, null, key).status())
                    .isEqualTo(204);
            clock.advance(Duration.ofSeconds(10));
        }

        assertLimited(call("POST", "/api/v1/sessions", "{}", key), "sessions-per-minute", 40);
        assertThat(call("GET", "/api/v1/sessions", null, key).json().get("sessions"))
                .hasSize(2);

        clock.advance(Duration.ofSeconds(40));
        assertThat(call("POST", "/api/v1/sessions", "{}", key).status()).isEqualTo(201);
    }

    @Test
    void aKeysThirdActiveSessionIs429UntilOneEnds() {
        String key = keyWith("{\"activeSessions\":2,\"sessionsPerMinute\":null}");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ids.add(newSession(key));
        }

        assertLimited(call("POST", "/api/v1/sessions", "{}", key), "active-sessions", 60);
        assertThat(call("GET", "/api/v1/sessions", null, key).json().get("sessions"))
                .hasSize(2);

        assertThat(call("DELETE", "/api/v1/sessions/" + ids.getFirst(), null, key)
                        .status())
                .isEqualTo(204);
        assertThat(call("POST", "/api/v1/sessions", "{}", key).status()).isEqualTo(201);
    }

    @Test
    void aKeyCreatedOnTheCommandLineHasTheLimitsGivenThere() {
        String name = uniqueName("cli");
        ApiKeyCli.Result created = cli().run(
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
            ApiKeyCli.Result result = cli().run(args.toArray(String[]::new));
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
        String keyId = created.json().get("id").asString();
        String limitsPath = "/api/v1/admin/api-keys/" + keyId + "/limits";
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

    private ApiKeyCli cli() {
        return new ApiKeyCli(databaseUrl, databaseUser, databasePassword);
    }
}
