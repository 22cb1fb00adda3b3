package com.callcenter.lisa.wrapup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestPostgres;
import com.callcenter.lisa.support.TestUpstream;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wrap-ups and their webhook deliveries live in the database: pending ones are finished by the next start,
 * and the CRM (a real local HTTP server) gets each wrap-up exactly once, by its Idempotency-Key, across an
 * outage of the webhook (500s, then 200) and a restart of the service.
 */
@Tag("database")
@ExtendWith(OutputCaptureExtension.class)
class WrapUpRestartTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the CRM received: every POST, and the keys it took (answered 200 for). */
    private record Received(String key, String authorization, String body, int answered) {}

    private HttpServer crm;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, String> taken = new ConcurrentHashMap<>();
    private final AtomicBoolean outage = new AtomicBoolean(true);

    @BeforeEach
    void startCrm() throws IOException {
        TestUpstream.emulator().reset();
        crm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        crm.createContext("/crm/wrap-ups", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            int status = outage.get() ? 500 : 200;
            if (status == 200) {
                taken.putIfAbsent(key, body); // the receiver's side of exactly-once: a repeated key changes nothing
            }
            received.add(new Received(key, exchange.getRequestHeaders().getFirst("Authorization"), body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        crm.start();
    }

    @AfterEach
    void stopCrm() {
        crm.stop(0);
    }

    @Test
    void pendingWrapUpsAreMadeAfterARestartAndDeliveredOnceAcrossAnOutage(CapturedOutput output) {
        String database = database();
        String webhook =
                "http://crm-user:s3cr3t-t0ken@127.0.0.1:" + crm.getAddress().getPort() + "/crm/wrap-ups";
        String first;
        String second;
        // An instance that ends two calls but stops before it makes their wrap-ups.
        try (ServiceProcess service =
                ServiceProcess.start(TestUpstream.emulator().baseUrl(), database, "--lisa.wrapup.enabled=false")) {
            Api api = service.api();
            first = api.newSession();
            second = api.newSession();
            assertThat(api.chat(first, "Ich kaufe das Paket").status()).isEqualTo(200);
            assertThat(api.chat(second, "Rufen Sie mich an, callback bitte").status())
                    .isEqualTo(200);
            assertThat(api.delete("/api/v1/sessions/" + first).status()).isEqualTo(204);
            assertThat(api.delete("/api/v1/sessions/" + second).status()).isEqualTo(204);
            assertThat(api.get("/api/v1/sessions/" + first + "/wrap-up").status())
                    .isEqualTo(202);
        }

        // The next start makes them; the CRM is down: each delivery fails and is tried again, backing off.
        try (ServiceProcess service = start(database, webhook)) {
            Api api = service.api();
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            api.get("/api/v1/sessions/" + first + "/wrap-up").status() == 200
                                    && api.get("/api/v1/sessions/" + second + "/wrap-up")
                                                    .status()
                                            == 200);
            assertThat(api.get("/api/v1/sessions/" + second + "/wrap-up")
                            .json()
                            .get("wrapUp")
                            .get("outcome")
                            .asString())
                    .isEqualTo("CALLBACK");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> keysTried().containsAll(Set.of(first, second)) && received.size() >= 4);
            Api management = management(service);
            await().atMost(Duration.ofSeconds(5))
                    .until(() ->
                            management.get("/actuator/prometheus").body().contains("lisa_wrapup_webhook_pending 2.0"));
        }
        assertThat(taken).isEmpty();
        int duringOutage = received.size();

        // The CRM is back; so is the service, which delivers what is left in its outbox.
        outage.set(false);
        try (ServiceProcess service = start(database, webhook)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> taken.size() == 2);
            Api management = management(service);
            await().atMost(Duration.ofSeconds(5))
                    .until(() ->
                            management.get("/actuator/prometheus").body().contains("lisa_wrapup_webhook_pending 0.0"));
            JsonNode wrapUp =
                    service.api().get("/api/v1/sessions/" + first + "/wrap-up").json();
            assertThat(JSON.readTree(taken.get(first)))
                    .isEqualTo(withoutTimes(wrapUp, JSON.readTree(taken.get(first))));
        }

        assertThat(taken.keySet()).containsExactlyInAnyOrder(first, second);
        List<Received> accepted =
                received.stream().filter(r -> r.answered() == 200).toList();
        assertThat(accepted).extracting(Received::key).containsExactlyInAnyOrder(first, second); // once each
        assertThat(duringOutage).isGreaterThanOrEqualTo(4);
        assertThat(received)
                .allSatisfy(r -> assertThat(r.authorization())
                        .isEqualTo("Basic "
                                + Base64.getEncoder()
                                        .encodeToString("crm-user:s3cr3t-t0ken".getBytes(StandardCharsets.UTF_8))));
        JsonNode payload = JSON.readTree(taken.get(first));
        assertThat(payload.get("sessionId").asString()).isEqualTo(first);
        assertThat(payload.get("state").asString()).isEqualTo("done");
        assertThat(WrapUpTest.schema().validate(payload.get("wrapUp"))).isEmpty();
        // The webhook's credentials are never logged; its host and path are.
        assertThat(output.getAll()).doesNotContain("s3cr3t-t0ken").contains("/crm/wrap-ups");
    }

    @Test
    void aWrapUpModelOutsideThePoolStopsTheStart() {
        assertThatThrownBy(() -> ServiceProcess.start(
                                TestUpstream.emulator().baseUrl(),
                                database(),
                                "--lisa.wrapup.model=gemini-unknown-model")
                        .close())
                .hasStackTraceContaining("lisa.wrapup.model=gemini-unknown-model is not a model of the pool");
    }

    /** The GET view and the webhook payload carry the same wrap-up; only their timestamps differ. */
    private static JsonNode withoutTimes(JsonNode view, JsonNode payload) {
        tools.jackson.databind.node.ObjectNode same = (tools.jackson.databind.node.ObjectNode) view.deepCopy();
        same.remove("createdAt");
        same.remove("updatedAt");
        same.set("finishedAt", payload.get("finishedAt"));
        return same;
    }

    private Set<String> keysTried() {
        return received.stream().map(Received::key).collect(Collectors.toSet());
    }

    private static ServiceProcess start(String database, String webhook) {
        return ServiceProcess.start(
                TestUpstream.emulator().baseUrl(),
                database,
                "--lisa.wrapup.enabled=true",
                "--lisa.wrapup.poll-interval=200ms",
                "--lisa.wrapup.webhook.url=" + webhook,
                "--lisa.wrapup.webhook.base-delay=100ms",
                "--lisa.wrapup.webhook.max-delay=400ms");
    }

    private static Api management(ServiceProcess service) {
        return new Api(Integer.parseInt(service.bean(Environment.class).getProperty("local.management.port")));
    }

    private static String database() {
        return TestDatabases.postgres() ? TestPostgres.freshDatabase() : "jdbc:h2:file:" + TestDatabases.freshH2File();
    }
}
