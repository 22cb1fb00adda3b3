package com.callcenter.lisa.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.LisaApplication;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.TestDatabases;
import java.time.Duration;
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

    /** As ./dev run starts it, but on free ports and a fresh database. */
    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(LisaApplication.class)
                .run(
                        "--server.port=0",
                        "--management.server.port=0",
                        "--spring.datasource.url=jdbc:h2:file:" + TestDatabases.freshH2File(),
                        "--lisa.gemini.api-key=",
                        "--lisa.gemini.demo=true",
                        "--lisa.auth.mode=",
                        "--lisa.wrapup.enabled=true");
    }
}
