package com.callcenter.lisa.support;

import java.net.http.HttpRequest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service with authentication on ({@code jwt,api-key}), trusting the tokens of a {@link TestIssuer}
 * through its JWKS over HTTP, as it would trust Keycloak's or Google's.
 */
public abstract class AuthenticatedServiceTest extends ServiceTest {

    protected static final TestIssuer issuer = new TestIssuer();

    @DynamicPropertySource
    static void authentication(DynamicPropertyRegistry registry) {
        registry.add("lisa.auth.mode", () -> "jwt,api-key");
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", issuer::jwksUrl);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> TestIssuer.ISSUER);
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> TestIssuer.AUDIENCE);
    }

    /** A request with {@code Authorization: Bearer credential} (none when {@code null}). */
    protected Api.Response call(String method, String path, String body, String credential, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return api.send(request);
    }

    /** Creates a session as this caller; returns its id. */
    protected String newSession(String credential) {
        Api.Response created = call("POST", "/api/v1/sessions", "{}", credential);
        if (created.status() != 201) {
            throw new IllegalStateException("Could not create a session: " + created);
        }
        return created.json().get("id").asString();
    }

    protected Api.Response chat(String id, String message, String credential, String... headers) {
        return call(
                "POST",
                "/api/v1/sessions/" + id + "/chat",
                Api.json(java.util.Map.of("message", message)),
                credential,
                headers);
    }
}
