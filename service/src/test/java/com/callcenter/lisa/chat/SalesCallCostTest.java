package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceTest;
import com.callcenter.lisa.support.TempFolders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What a sales call costs in Gemini requests and tokens: 10 turns with the built-in sample Lisa's prompt and
 * catalogue, two of them calling a tool (book_callback on a local CRM), then DELETE and the wrap-up. Prints a table
 * (per turn and in total, with the cost by the service's price table) and checks that the service's figures add up:
 * one request per turn plus one per tool round plus one for the wrap-up, and the token metrics of the conversation
 * equal the sums of the replies' usage (a tool turn's usage is the sum over its requests).
 *
 * <p>Against the project's emulator, whose usage numbers are computed from the text (about four characters a token,
 * cached = the prompt prefix it saw in an earlier request, thinking from the thinking settings): the counts of
 * requests are what Gemini would get; the token figures are estimates of the right size, not Google's counts.
 * Run alone: {@code ./dev mvn -q -pl service -am -Dtest=SalesCallCostTest -Dsurefire.failIfNoSpecifiedTests=false
 * test}; the table is in the test's output.
 */
@TestPropertySource(properties = {"lisa.wrapup.enabled=true", "lisa.wrapup.poll-interval=200ms"})
class SalesCallCostTest extends ServiceTest {

    private static final ToolCallingTest.Crm crm = new ToolCallingTest.Crm();
    private static final Path PERSONAS = sampleLisaWithACallbackTool();

    /** The customer's side of the call; turns 4 and 8 ask for the callback tool (the emulator calls what is named). */
    private static final List<String> CUSTOMER = List.of(
            "Guten Tag, ich habe Ihre Werbung für Glasfaser gesehen.",
            "Was kostet bei Ihnen Glasfaser 300 im Monat?",
            "Und wie lange ist die Mindestlaufzeit?",
            "Ich muss das mit meiner Frau besprechen. Können Sie mich morgen um 10 Uhr zurückrufen? "
                    + "book_callback args:{\"when\": \"2027-01-05T10:00:00+01:00\"}",
            "Gibt es auch einen Tarif mit 1000 Mbit/s?",
            "Was kostet der Router zur Miete?",
            "Haben Sie auch Strom im Angebot? Ich zahle gerade ziemlich viel.",
            "Dann rufen Sie mich bitte übermorgen auch wegen Strom an. "
                    + "book_callback args:{\"when\": \"2027-01-06T17:00:00+01:00\"}",
            "Muss ich bei einem Wechsel selbst kündigen?",
            "Gut, danke, dann bis morgen.");

    @DynamicPropertySource
    static void personaAndCrm(DynamicPropertyRegistry registry) {
        registry.add("lisa.personas.directory", PERSONAS::toString);
        registry.add("SALES_COST_CRM", crm::url);
    }

    @AfterAll
    static void stopCrm() {
        crm.server.stop(0);
    }

    @Test
    void tenTurnsWithTwoToolCallsAndTheWrapUp() {
        Map<String, Double> before = tokenMetrics();
        int requestsBefore = upstream.requests().size();
        String id = api.newSession();
        List<long[]> rows = new ArrayList<>(); // requests, prompt, cached, reply, thought, cost in micro-USD
        for (String message : CUSTOMER) {
            int sent = upstream.requests().size();
            Api.Response reply = api.chat(id, message);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode usage = reply.json().get("usage");
            rows.add(new long[] {
                upstream.requests().size() - sent,
                usage.get("promptTokens").asLong(),
                usage.get("cachedTokens").asLong(),
                usage.get("replyTokens").asLong(),
                usage.get("thoughtTokens").asLong(),
                Math.round(usage.get("costUsd").asDouble() * 1e6)
            });
        }
        long[] conversation = sum(rows);
        assertThat(crm.calls).hasSize(2);
        assertThat(conversation[0]).as("10 turns + 2 tool rounds").isEqualTo(12);

        // The service's token metrics count exactly what the replies said.
        Map<String, Double> mid = tokenMetrics();
        String[] kinds = {"prompt", "cached", "reply", "thought", "cost"};
        for (int i = 0; i < 4; i++) {
            assertThat(delta(before, mid, kinds[i])).as(kinds[i]).isEqualTo(conversation[i + 1]);
        }
        assertThat(delta(before, mid, "cost")).isCloseTo(conversation[5], org.assertj.core.data.Offset.offset(2L));

        int beforeWrapUp = upstream.requests().size();
        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/api/v1/sessions/" + id + "/wrap-up").status() == 200);
        Map<String, Double> after = tokenMetrics();
        long[] wrapUp = new long[6];
        wrapUp[0] = upstream.requests().size() - beforeWrapUp;
        long[] total = new long[6];
        total[0] = upstream.requests().size() - requestsBefore;
        for (int i = 1; i < 6; i++) {
            wrapUp[i] = delta(mid, after, kinds[i - 1]);
            total[i] = conversation[i] + wrapUp[i];
        }
        assertThat(wrapUp[0]).as("the wrap-up is one request").isEqualTo(1);
        assertThat(total[0]).isEqualTo(13);
        assertThat(wrapUp[1]).as("the wrap-up's prompt tokens").isPositive();

        StringBuilder table =
                new StringBuilder("\nA sales call against the emulator (token counts computed from the text):\n");
        table.append("| turn | Gemini requests | prompt tokens | of them cached | output tokens | thinking tokens "
                + "| cost, micro-USD |\n");
        table.append("|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < rows.size(); i++) {
            row(table, String.valueOf(i + 1), rows.get(i));
        }
        row(table, "10 turns", conversation);
        row(table, "wrap-up", wrapUp);
        row(table, "**call**", total);
        System.out.println(table);
    }

    private static void row(StringBuilder table, String name, long[] values) {
        table.append("| ").append(name);
        for (long value : values) {
            table.append(" | ").append(String.format("%,d", value));
        }
        table.append(" |\n");
    }

    private static long[] sum(List<long[]> rows) {
        long[] total = new long[6];
        rows.forEach(row -> {
            for (int i = 0; i < 6; i++) {
                total[i] += row[i];
            }
        });
        return total;
    }

    private static long delta(Map<String, Double> before, Map<String, Double> after, String kind) {
        return Math.round(after.getOrDefault(kind, 0.0) - before.getOrDefault(kind, 0.0));
    }

    /** lisa_gemini_tokens_total by kind, and lisa_gemini_cost_usd_total in micro-USD as "cost", summed over models. */
    private Map<String, Double> tokenMetrics() {
        Map<String, Double> kinds = new TreeMap<>();
        management.get("/actuator/prometheus").body().lines().forEach(line -> {
            double value = line.startsWith("lisa_") ? Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) : 0;
            if (line.startsWith("lisa_gemini_tokens_total{")) {
                kinds.merge(line.replaceAll(".*kind=\"([a-z]+)\".*", "$1"), value, Double::sum);
            } else if (line.startsWith("lisa_gemini_cost_usd_total{")) {
                kinds.merge("cost", value * 1e6, Double::sum);
            }
        });
        return kinds;
    }

    /** The built-in sample's prompt and catalogue, as a folder persona "lisa" with a callback tool on the local CRM. */
    private static Path sampleLisaWithACallbackTool() {
        try {
            Path folder = TempFolders.untilExit("sales-cost-personas").resolve("lisa");
            Files.createDirectories(folder);
            for (String file : List.of("prompt.md", "products.md", "faq.md")) {
                try (InputStream in =
                        SalesCallCostTest.class.getClassLoader().getResourceAsStream("personas/lisa/" + file)) {
                    Files.write(folder.resolve(file), in.readAllBytes());
                }
            }
            String persona;
            try (InputStream in =
                    SalesCallCostTest.class.getClassLoader().getResourceAsStream("personas/lisa/persona.yml")) {
                persona = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            Files.writeString(folder.resolve("persona.yml"), persona + """
                    tools:
                      - name: book_callback
                        description: Books a callback by the sales team for the customer at the given time.
                        parameters: { type: object, required: [when], properties: { when: {type: string, format: date-time} } }
                        http: { method: POST, url: "${SALES_COST_CRM}/callbacks", timeout: 5s }
                    """);
            return folder.getParent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
