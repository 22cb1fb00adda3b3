package com.callcenter.lisa.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.LisaApplication;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestIssuer;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The README's demo, over HTTP against the service started as {@code ./dev run} starts it (demo mode: the built-in
 * emulator, no key, auth none, wrap-ups on): Lisa quotes a price from the sample catalogue, books a callback on the
 * demo CRM through her tool, and the ended session gets its wrap-up.
 */
class DemoWalkThroughTest {

    @Test
    void lisaQuotesACataloguePriceBooksACallbackAndTheEndedCallGetsAWrapUp() {
        try (ConfigurableApplicationContext context = start()) {
            Api api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
            String id = api.newSession();

            Api.Response price = api.chat(id, "Hallo, was kostet bei Ihnen Glasfaser 300 im Monat?");
            assertThat(price.status()).as(price.body()).isEqualTo(200);
            // the line of the sample catalogue (personas/lisa/products.md) the question is about
            assertThat(price.json().get("reply").asString())
                    .startsWith("Laut unserem Katalog: Nordlicht Glasfaser 300:")
                    .contains("34,99 € pro Monat", "19,99 €");

            Api.Response callback = api.chat(id, "Gut, bitte rufen Sie mich morgen an, ich möchte einen Rückruf.");
            assertThat(callback.status()).as(callback.body()).isEqualTo(200);
            assertThat(callback.json().get("reply").asString()).contains("DEMO-CB-0001");
            JsonNode messages = api.get("/api/v1/sessions/" + id).json().get("messages");
            JsonNode call = messages.get(3).get("toolCalls").get(0);
            assertThat(call.get("name").asString()).isEqualTo("book_callback");
            assertThat(call.get("status").asString()).isEqualTo("ok");
            assertThat(call.get("args").get("when").asString()).matches("\\d{4}-\\d\\d-\\d\\dT10:00:00\\+0[12]:00");
            assertThat(call.get("result").get("reference").asString()).isEqualTo("DEMO-CB-0001");
            JsonNode booked = api.get("/demo/crm/callbacks").json();
            assertThat(booked).hasSize(1);
            assertThat(booked.get(0).get("sessionId").asString()).isEqualTo(id);
            assertThat(booked.get(0).get("idempotencyKey").asString()).isEqualTo(id + "/2/1");

            assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);
            Api.Response[] wrapUp = new Api.Response[1];
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        wrapUp[0] = api.get("/api/v1/sessions/" + id + "/wrap-up");
                        return wrapUp[0].status() == 200;
                    });
            JsonNode body = wrapUp[0].json();
            assertThat(body.get("state").asString()).isEqualTo("done");
            assertThat(body.get("wrapUp").get("outcome").asString()).isEqualTo("CALLBACK");
            assertThat(body.get("wrapUp").get("summary").asString()).contains("Glasfaser 300");
        }
    }

    /**
     * The demo with authentication on: Lisa's tool still books on the demo CRM (it calls it without a credential, as
     * it would call a CRM of its own), and only a caller with a credential reads the bookings.
     */
    @Test
    void withAuthenticationOnTheToolStillBooksAndOnlyCallersReadTheBookings() {
        try (TestIssuer issuer = new TestIssuer();
                ConfigurableApplicationContext context = start(
                        "--lisa.auth.mode=jwt",
                        "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuer.jwksUrl(),
                        "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestIssuer.ISSUER,
                        "--spring.security.oauth2.resourceserver.jwt.audiences=" + TestIssuer.AUDIENCE)) {
            Api api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
            String token = issuer.token("agent-1", "acme", "agent");
            Api.Response created = api.send(authorized(api, "/api/v1/sessions", "{}", token));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.json().get("id").asString();

            Api.Response callback = api.send(authorized(
                    api,
                    "/api/v1/sessions/" + id + "/chat",
                    "{\"message\":\"Bitte rufen Sie mich morgen an, ich möchte einen Rückruf.\"}",
                    token));
            assertThat(callback.status()).as(callback.body()).isEqualTo(200);
            assertThat(callback.json().get("reply").asString()).contains("DEMO-CB-0001");

            assertThat(api.get("/demo/crm/callbacks").status()).isEqualTo(401);
            Api.Response booked = api.send(HttpRequest.newBuilder(api.uri("/demo/crm/callbacks"))
                    .header("Authorization", "Bearer " + token)
                    .GET());
            assertThat(booked.status()).isEqualTo(200);
            assertThat(booked.json()).hasSize(1);
            assertThat(booked.json().get(0).get("sessionId").asString()).isEqualTo(id);
        }
    }

    private static HttpRequest.Builder authorized(Api api, String path, String json, String token) {
        return HttpRequest.newBuilder(api.uri(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** As ./dev run starts it, but on free ports and a fresh database (and whatever {@code more} changes). */
    private static ConfigurableApplicationContext start(String... more) {
        Map<String, String> args = new LinkedHashMap<>();
        for (String arg : List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--spring.datasource.url=jdbc:h2:file:" + TestDatabases.freshH2File(),
                "--lisa.gemini.api-key=",
                "--lisa.gemini.demo=true",
                "--lisa.auth.mode=",
                "--lisa.wrapup.enabled=true")) {
            args.put(arg.substring(0, arg.indexOf('=')), arg);
        }
        for (String arg : more) {
            args.put(arg.substring(0, arg.indexOf('=')), arg); // replaces the default of the same name
        }
        return new SpringApplicationBuilder(LisaApplication.class)
                .run(args.values().toArray(String[]::new));
    }
}
