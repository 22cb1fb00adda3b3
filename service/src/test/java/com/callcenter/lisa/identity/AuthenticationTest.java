package com.callcenter.lisa.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.AuthenticatedServiceTest;
import com.callcenter.lisa.support.TestIssuer;
import com.callcenter.lisa.support.TestUpstream;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Real signed tokens from a JWKS served over HTTP, real API keys made by the CLI and the admin API: what is
 * accepted, and that every bad credential is 401 with nothing created or changed.
 */
@Tag("database")
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(
        properties = {"logging.level.org.springframework.security=DEBUG", "logging.level.com.callcenter.lisa=DEBUG"})
class AuthenticationTest extends AuthenticatedServiceTest {

    @Autowired
    Environment environment;

    private String admin() {
        return issuer.token("root", "ops", "admin");
    }

    @Test
    void validRsaAndEcTokensAreAcceptedAndTheSessionBelongsToTheirSubjectAndTenant() {
        Api.Response rsa = call(
                "POST",
                "/api/v1/sessions",
                "{\"metadata\":{\"owner\":\"mallory\"}}",
                issuer.token("agent-7", "acme", "agent"));
        assertThat(rsa.status()).isEqualTo(201);
        Api.Response ec = call(
                "POST",
                "/api/v1/sessions",
                null,
                issuer.es256(TestIssuer.claims("agent-8", null, "agent").build()));
        assertThat(ec.status()).isEqualTo(201);

        JsonNode sessions =
                call("GET", "/api/v1/sessions?limit=100", null, admin()).json().get("sessions");
        Map<String, String> ownerById = new LinkedHashMap<>();
        Map<String, String> tenantById = new LinkedHashMap<>();
        sessions.forEach(s -> {
            ownerById.put(s.get("id").asString(), s.get("owner").asString());
            tenantById.put(s.get("id").asString(), s.get("tenant").asString());
        });
        String rsaId = rsa.json().get("id").asString();
        String ecId = ec.json().get("id").asString();
        assertThat(ownerById.get(rsaId)).isEqualTo("agent-7"); // from the token, not from the body
        assertThat(tenantById.get(rsaId)).isEqualTo("acme");
        assertThat(ownerById.get(ecId)).isEqualTo("agent-8");
        assertThat(tenantById.get(ecId)).isEqualTo(Caller.DEFAULT_TENANT); // no tenant claim
    }

    @Test
    void everyBadCredentialIs401WithWwwAuthenticateAndChangesNothing() throws Exception {
        String owner = issuer.token("agent-1", "acme", "agent");
        String id = newSession(owner);
        RSAKey unpublished = new RSAKeyGenerator(2048).keyID("rsa-unpublished").generate();
        Instant now = Instant.now();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put(
                "expired",
                issuer.rs256(TestIssuer.claims("agent-1", "acme", "agent")
                        .issueTime(Date.from(now.minusSeconds(900)))
                        .notBeforeTime(Date.from(now.minusSeconds(900)))
                        .expirationTime(Date.from(now.minusSeconds(300)))
                        .build()));
        bad.put(
                "not yet valid",
                issuer.rs256(TestIssuer.claims("agent-1", "acme", "agent")
                        .notBeforeTime(Date.from(now.plusSeconds(300)))
                        .expirationTime(Date.from(now.plusSeconds(900)))
                        .build()));
        bad.put(
                "wrong issuer",
                issuer.rs256(TestIssuer.claims("agent-1", "acme", "agent")
                        .issuer("https://evil.test")
                        .build()));
        bad.put(
                "wrong audience",
                issuer.rs256(TestIssuer.claims("agent-1", "acme", "agent")
                        .audience("another-api")
                        .build()));
        bad.put(
                "alg none",
                TestIssuer.unsigned(
                        TestIssuer.claims("agent-1", "acme", "agent").build()));
        bad.put(
                "HS256 with the public key",
                issuer.hs256WithPublicKey(
                        TestIssuer.claims("agent-1", "acme", "agent").build()));
        bad.put(
                "unknown kid",
                TestIssuer.sign(
                        unpublished,
                        TestIssuer.claims("agent-1", "acme", "agent").build()));
        bad.put("tampered payload", issuer.tampered("agent-1", "acme", "agent"));
        bad.put("unknown API key", ApiKeys.PREFIX + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        bad.put("revoked API key", revokedKey());
        bad.put("garbage", "not-a-token");

        int before = sessionCount();
        for (Map.Entry<String, String> credential : bad.entrySet()) {
            List<Api.Response> answers = new ArrayList<>();
            answers.add(call("POST", "/api/v1/sessions", "{}", credential.getValue()));
            answers.add(chat(id, "Hallo", credential.getValue()));
            answers.add(call("DELETE", "/api/v1/sessions/" + id, null, credential.getValue()));
            answers.add(call("GET", "/api/v1/sessions/" + id, null, credential.getValue()));
            answers.add(call("GET", "/api/v1/sessions", null, credential.getValue()));
            answers.add(call(
                    "POST",
                    "/api/v1/admin/api-keys",
                    "{\"tenant\":\"x\",\"name\":\"y\",\"roles\":[\"admin\"]}",
                    credential.getValue()));
            for (Api.Response answer : answers) {
                assertThat(answer.status()).as(credential.getKey()).isEqualTo(401);
                assertThat(answer.header("WWW-Authenticate"))
                        .as(credential.getKey())
                        .isEqualTo("Bearer error=\"invalid_token\"");
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.json().get("type").asString()).isEqualTo("urn:lisa:problem:unauthorized");
                // the same words whatever was wrong: no hint for someone probing with forged credentials
                assertThat(answer.json().get("detail").asString())
                        .isEqualTo("The credential was not accepted: send a valid, unexpired access token or API key.");
            }
        }
        assertThat(upstream.requests()).isEmpty(); // no chat reached Gemini
        assertThat(sessionCount()).isEqualTo(before);
        JsonNode session = call("GET", "/api/v1/sessions/" + id, null, owner).json();
        assertThat(session.get("status").asString()).isEqualTo("active");
        assertThat(session.get("messages")).isEmpty();
        assertThat(call("GET", "/api/v1/admin/api-keys?tenant=x", null, admin()).json())
                .isEmpty();
    }

    @Test
    void noCredentialIs401WithoutAnErrorCodeButHealthAndApiDocsArePublic() {
        Api.Response none = call("POST", "/api/v1/sessions", "{}", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(none.json().get("type").asString()).isEqualTo("urn:lisa:problem:unauthorized");

        Api.Response health = call("GET", "/api/v1/health", null, null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("auth").asString()).isEqualTo("jwt,api-key");
        assertThat(health.body()).doesNotContain("acme").doesNotContain("tenant");
        assertThat(call("GET", "/v3/api-docs", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/v3/api-docs", null, null)
                        .json()
                        .at("/components/securitySchemes/bearer/scheme")
                        .asString())
                .isEqualTo("bearer");
    }

    @Test
    void aTokenWithoutAKnownRoleIs403AndOnlyAdminsManageKeys() {
        Api.Response customer = call("POST", "/api/v1/sessions", "{}", issuer.token("c-1", "acme", "customer"));
        assertThat(customer.status()).isEqualTo(403);
        assertThat(customer.json().get("type").asString()).isEqualTo("urn:lisa:problem:forbidden");
        assertThat(customer.header("WWW-Authenticate")).isEqualTo("Bearer error=\"insufficient_scope\"");
        assertThat(call("POST", "/api/v1/sessions", "{}", issuer.token("c-2", "acme"))
                        .status())
                .isEqualTo(403);
        for (String role : List.of("agent", "supervisor")) {
            Api.Response keys = call("GET", "/api/v1/admin/api-keys", null, issuer.token("u", "acme", role));
            assertThat(keys.status()).as(role).isEqualTo(403);
        }
    }

    /**
     * After a rotation the new key signs and a token newly signed by the removed key is refused. The token the app
     * was already using (the very same string) stays accepted until lisa.auth.verified-token-cache after it was
     * checked, never past its expiry (VerifiedTokens, VerifiedTokensTest): the window README states.
     */
    @Test
    void rotatedKeysAreFetchedAgainAndTheRemovedKeyNoLongerSigns() {
        RSAKey old = issuer.rsaKey();
        String inUse = issuer.token("a", "acme", "agent");
        assertThat(call("POST", "/api/v1/sessions", "{}", inUse).status()).isEqualTo(201);

        issuer.rotate();

        assertThat(call("POST", "/api/v1/sessions", "{}", issuer.token("a", "acme", "agent"))
                        .status())
                .isEqualTo(201);
        // Another subject, so that it is not the token in use byte for byte (RS256 signs the same claims of the
        // same second alike).
        String byRemovedKey =
                TestIssuer.sign(old, TestIssuer.claims("a-2", "acme", "agent").build());
        assertThat(call("POST", "/api/v1/sessions", "{}", byRemovedKey).status())
                .isEqualTo(401);
        assertThat(call("POST", "/api/v1/sessions", "{}", inUse).status())
                .as("the token checked a moment ago, within the verified-token cache's minute")
                .isEqualTo(201);
    }

    @Test
    void apiKeysFromTheCommandLineAndTheAdminApiWorkUntilRevokedAndAreNeverShownAgain() {
        String cliKey = createByCli("acme", "telephony-1", "agent");
        assertThat(cliKey).startsWith(ApiKeys.PREFIX);
        String id = newSession(cliKey);
        assertThat(chat(id, "Hallo", cliKey).status()).isEqualTo(200);

        Api.Response created = call(
                "POST",
                "/api/v1/admin/api-keys",
                "{\"tenant\":\"acme\",\"name\":\"supervisor-desk\",\"roles\":[\"supervisor\"]}",
                admin());
        assertThat(created.status()).isEqualTo(201);
        String apiKey = created.json().get("key").asString();
        assertThat(call("GET", "/api/v1/sessions/" + id, null, apiKey).status()).isEqualTo(200);

        Api.Response listed = call("GET", "/api/v1/admin/api-keys?tenant=acme", null, admin());
        assertThat(listed.body())
                .doesNotContain(apiKey)
                .doesNotContain(cliKey)
                .contains("telephony-1")
                .contains("supervisor-desk");
        JsonNode cliRow = null;
        for (JsonNode row : listed.json()) {
            if (row.get("name").asString().equals("telephony-1")) {
                cliRow = row;
            }
        }
        assertThat(cliRow).isNotNull();
        assertThat(cliRow.get("lastUsedAt")).isNotNull();
        assertThat(cliRow.get("roles").get(0).asString()).isEqualTo("agent");
        // last use is written at most once a minute, not on every request
        assertThat(call("GET", "/api/v1/sessions/" + id, null, cliKey).status()).isEqualTo(200);
        assertThat(lastUsed("telephony-1")).isEqualTo(cliRow.get("lastUsedAt").asString());

        String keyId = created.json().get("id").asString();
        assertThat(call("DELETE", "/api/v1/admin/api-keys/" + keyId, null, admin())
                        .status())
                .isEqualTo(204);
        assertThat(call("GET", "/api/v1/sessions/" + id, null, apiKey).status()).isEqualTo(401);
        assertThat(call("DELETE", "/api/v1/admin/api-keys/" + java.util.UUID.randomUUID(), null, admin())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void actuatorIsOnlyOnTheManagementPortAndAnswersCarrySecurityHeaders() {
        assertThat(call("GET", "/actuator/health", null, admin()).status()).isEqualTo(404);
        assertThat(call("GET", "/actuator/prometheus", null, admin()).status()).isEqualTo(404);
        assertThat(management.get("/actuator/health").status()).isEqualTo(200);
        assertThat(management.get("/actuator/prometheus").body()).contains("http_server_requests_seconds");

        String owner = issuer.token("agent-h", "acme", "agent");
        for (Api.Response answer : List.of(
                call("POST", "/api/v1/sessions", "{}", owner),
                call("GET", "/api/v1/sessions", null, owner),
                call("GET", "/api/v1/health", null, null),
                call("GET", "/api/v1/sessions", null, null),
                call("GET", "/api/v1/sessions/x", null, owner))) {
            assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(answer.header("Cache-Control")).contains("no-store");
            assertThat(answer.header("Server")).isNull();
            assertThat(answer.header("Access-Control-Allow-Origin")).isNull(); // CORS off by default
        }
    }

    @Test
    void noCredentialOfAnyKindEverAppearsInTheLog(CapturedOutput output) {
        String token = issuer.token("agent-log", "acme", "agent");
        String apiKey = call(
                        "POST",
                        "/api/v1/admin/api-keys",
                        "{\"tenant\":\"acme\",\"name\":\"log-check\",\"roles\":[\"agent\"]}",
                        admin())
                .json()
                .get("key")
                .asString();
        String cliKey = createByCli("acme", "log-check-cli", "agent");
        for (String credential : List.of(token, apiKey, cliKey)) {
            String id = newSession(credential);
            assertThat(chat(id, "Hallo", credential).status()).isEqualTo(200);
            call("GET", "/api/v1/sessions/" + id, null, credential);
        }
        call("GET", "/api/v1/sessions", null, token + "x"); // a rejected token
        call("GET", "/api/v1/sessions", null, apiKey + "x"); // a rejected key

        String log = output.getAll();
        assertThat(log).contains("log-check"); // keys are logged by name
        assertThat(log)
                .doesNotContain(TestUpstream.API_KEY)
                .doesNotContain(token)
                .doesNotContain(token.split("\\.")[2])
                .doesNotContain(apiKey)
                .doesNotContain(apiKey.substring(ApiKeys.PREFIX.length()))
                .doesNotContain(cliKey.substring(ApiKeys.PREFIX.length()));
    }

    private String createByCli(String tenant, String name, String roles) {
        ApiKeyCli.Result created = ApiKeyCli.of(environment)
                .run("api-key", "create", "--tenant", tenant, "--name", name, "--roles", roles);
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.err()).contains(name).doesNotContain(created.out().trim());
        return created.out().trim();
    }

    private String lastUsed(String name) {
        for (JsonNode row : call("GET", "/api/v1/admin/api-keys", null, admin()).json()) {
            if (row.get("name").asString().equals(name)) {
                return row.get("lastUsedAt").asString();
            }
        }
        throw new AssertionError("no key " + name);
    }

    private String revokedKey() {
        Api.Response created = call(
                "POST",
                "/api/v1/admin/api-keys",
                "{\"tenant\":\"acme\",\"name\":\"to-revoke\",\"roles\":[\"agent\"]}",
                admin());
        String key = created.json().get("key").asString();
        assertThat(call("GET", "/api/v1/sessions", null, key).status()).isEqualTo(200);
        call("DELETE", "/api/v1/admin/api-keys/" + created.json().get("id").asString(), null, admin());
        return key;
    }

    private int sessionCount() {
        int count = 0;
        String after = null;
        do {
            JsonNode page = call(
                            "GET",
                            "/api/v1/sessions?limit=100" + (after == null ? "" : "&after=" + after),
                            null,
                            admin())
                    .json();
            count += page.get("sessions").size();
            after = page.has("next") ? page.get("next").asString() : null;
        } while (after != null);
        return count;
    }
}
