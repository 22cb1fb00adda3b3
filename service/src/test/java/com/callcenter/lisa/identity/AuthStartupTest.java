package com.callcenter.lisa.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.LisaApplication;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** No authentication only when asked for (or in demo mode), and then said loudly. */
// Alone, at the end (support/BesideTheSuite): it counts and looks for the "Authentication is OFF" warning, which every
// service started beside it prints too.
@Isolated
@ExtendWith(OutputCaptureExtension.class)
class AuthStartupTest {

    @Test
    void refusesToStartWithoutAnAuthModeAndSaysWhatToSet(CapturedOutput output) {
        assertThatThrownBy(() -> start("--lisa.auth.mode=", "--lisa.gemini.api-key=test-key")
                        .close())
                .hasRootCauseInstanceOf(MissingAuthModeException.class);
        assertThat(output.getAll())
                .contains("No authentication mode: LISA_AUTH_MODE is not set.")
                .contains("Set LISA_AUTH_MODE to jwt");
    }

    @Test
    void demoModeDefaultsToNoneAndHealthAndTheLogSaySo(CapturedOutput output) {
        try (ConfigurableApplicationContext context =
                start("--lisa.auth.mode=", "--lisa.gemini.api-key=", "--lisa.gemini.demo=true")) {
            Api api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
            assertThat(api.newSession()).isNotBlank();
            assertThat(api.get("/api/v1/health").json().get("auth").asString()).isEqualTo("none");
            assertThat(output.getAll()).contains("Authentication is OFF (LISA_AUTH_MODE=none)");
        }
    }

    @Test
    void noneRepeatsItsWarning(CapturedOutput output) {
        try (ConfigurableApplicationContext ignored =
                start("--lisa.auth.mode=none", "--lisa.auth.none-warning=200ms", "--lisa.gemini.api-key=test-key")) {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> output.getAll().split("Authentication is OFF", -1).length > 3);
        }
    }

    @Test
    void corsAnswersOnlyListedOriginsAndTheApiDescriptionCanRequireACredential() {
        try (ConfigurableApplicationContext context = start(
                "--lisa.auth.mode=api-key",
                "--lisa.gemini.api-key=test-key",
                "--lisa.auth.cors-origins=https://app.example",
                "--lisa.auth.public-api-docs=false")) {
            Api api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
            Api.Response allowed = preflight(api, "https://app.example");
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
            assertThat(allowed.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");
            Api.Response other = preflight(api, "https://evil.example");
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.header("Access-Control-Allow-Origin")).isNull();

            assertThat(api.get("/v3/api-docs").status()).isEqualTo(401);
            assertThat(api.get("/api/v1/health").status()).isEqualTo(200);
            // a token where only API keys are accepted is refused like any unknown credential
            Api.Response token = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/sessions"))
                    .header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
                    .GET());
            assertThat(token.status()).isEqualTo(401);
        }
    }

    private static Api.Response preflight(Api api, String origin) {
        return api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/sessions"))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));
    }

    @Test
    void anIssuerThatDoesNotAnswerIs503NotAnError() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (com.callcenter.lisa.support.TestIssuer issuer = new com.callcenter.lisa.support.TestIssuer();
                ConfigurableApplicationContext context = start(
                        "--lisa.auth.mode=jwt",
                        "--lisa.gemini.api-key=test-key",
                        "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:" + closedPort
                                + "/jwks")) {
            Api api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
            Api.Response answer = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/sessions"))
                    .header("Authorization", "Bearer " + issuer.token("a", "t", "agent"))
                    .GET());
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.header("Retry-After")).isEqualTo("5");
            assertThat(answer.json().get("type").asString()).isEqualTo("urn:lisa:problem:service-unavailable");
        }
    }

    @Test
    void anUnknownModeStopsTheStart() {
        assertThatThrownBy(() -> start("--lisa.auth.mode=password", "--lisa.gemini.api-key=test-key")
                        .close())
                .hasStackTraceContaining("is not one of jwt, api-key, jwt,api-key or none");
    }

    private static ConfigurableApplicationContext start(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--server.port=0";
        all[1] = "--spring.datasource.url=jdbc:h2:file:" + TestDatabases.freshH2File();
        System.arraycopy(args, 0, all, 2, args.length);
        return new SpringApplicationBuilder(LisaApplication.class).run(all);
    }
}
