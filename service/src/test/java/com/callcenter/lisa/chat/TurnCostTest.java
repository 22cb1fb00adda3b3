package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.EventStream;
import com.callcenter.lisa.support.ServiceTest;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What a turn costs: Gemini's usageMetadata (prompt, cached, reply, thought tokens) and the price table
 * give the same figures in the reply (JSON and the stream's done event), its idempotent repeat, the
 * stored turn, the session view's totals and the metrics.
 *
 * <p>gemini-3.5-flash-lite's table price: USD 0.30 input, 0.03 cached input, 2.50 output per 1M tokens.
 */
@Tag("database")
@TestPropertySource(
        properties = {"lisa.gemini.model=gemini-3.5-flash-lite", "lisa.gemini.generation.thinking-level=LOW"})
class TurnCostTest extends ServiceTest {

    /** 5,000 prompt tokens of which 4,000 cached, 200 reply and 64 thought tokens. */
    private static final String REPLY = """
            {"candidates": [{"content": {"role": "model", "parts": [{"text": "Der Tarif kostet 20 Euro."}]},
              "finishReason": "STOP", "index": 0}],
             "usageMetadata": {"promptTokenCount": 5000, "cachedContentTokenCount": 4000, "candidatesTokenCount": 200,
              "thoughtsTokenCount": 64, "totalTokenCount": 5264},
             "modelVersion": "gemini-3.5-flash-lite", "responseId": "cost-1"}""";

    /** (1,000 × 0.30 + 4,000 × 0.03 + (200 + 64) × 2.50) / 10⁶ USD. */
    private static final BigDecimal REPLY_COST = new BigDecimal("0.001080");

    /** The same reply streamed: cumulative usage on each chunk, the last one's counts. */
    private static final String STREAMED = "data: {\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": "
            + "[{\"text\": \"Gern, \"}]}, \"index\": 0}], \"usageMetadata\": {\"promptTokenCount\": 3000, "
            + "\"totalTokenCount\": 3000}, \"modelVersion\": \"gemini-3.5-flash-lite\"}\r\n\r\n"
            + "data: {\"candidates\": [{\"content\": {\"role\": \"model\", \"parts\": [{\"text\": \"gerne.\"}]}, "
            + "\"finishReason\": \"STOP\", \"index\": 0}], \"usageMetadata\": {\"promptTokenCount\": 3000, "
            + "\"cachedContentTokenCount\": 2000, \"candidatesTokenCount\": 10, \"thoughtsTokenCount\": 90, "
            + "\"totalTokenCount\": 3100}, \"modelVersion\": \"gemini-3.5-flash-lite\"}\r\n\r\n";

    /** (1,000 × 0.30 + 2,000 × 0.03 + 100 × 2.50) / 10⁶ USD. */
    private static final BigDecimal STREAMED_COST = new BigDecimal("0.000610");

    @Autowired
    JdbcClient jdbc;

    @Test
    void theReplyTheRepeatTheStoredTurnAndTheSessionSayWhatTheTurnCost() {
        String id = api.newSession();
        String key = UUID.randomUUID().toString();
        double costBefore = metric("lisa_gemini_cost_usd_total", "gemini-3.5-flash-lite", null);
        double cachedBefore = metric("lisa_gemini_tokens_total", "gemini-3.5-flash-lite", "cached");
        double thoughtBefore = metric("lisa_gemini_tokens_total", "gemini-3.5-flash-lite", "thought");
        upstream.script(ScriptedAnswer.status(200, REPLY));

        JsonNode first = chat(id, "Was kostet der Tarif?", key).json();
        JsonNode repeat = chat(id, "Was kostet der Tarif?", key).json();

        JsonNode usage = first.get("usage");
        assertThat(usage.get("promptTokens").asInt()).isEqualTo(5000);
        assertThat(usage.get("cachedTokens").asInt()).isEqualTo(4000);
        assertThat(usage.get("replyTokens").asInt()).isEqualTo(200);
        assertThat(usage.get("thoughtTokens").asInt()).isEqualTo(64);
        assertThat(usage.get("totalTokens").asInt()).isEqualTo(5264);
        assertThat(usage.get("costUsd").decimalValue()).isEqualByComparingTo(REPLY_COST);
        assertThat(repeat).isEqualTo(first);
        assertThat(upstream.requests()).hasSize(1);

        var stored = jdbc.sql("select prompt_tokens, cached_tokens, reply_tokens, thought_tokens, cost_usd from turn "
                        + "where session_id = ? and turn_number = 1")
                .param(UUID.fromString(id))
                .query((rs, row) ->
                        new Object[] {rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getBigDecimal(5)})
                .single();
        assertThat(stored).containsExactly(5000, 4000, 200, 64, new BigDecimal("0.001080000000"));

        upstream.script(ScriptedAnswer.sse(STREAMED));
        JsonNode done =
                EventStream.chat(port, id, "Und mit Vertrag?").only("done").json();
        assertThat(done.get("usage").get("cachedTokens").asInt()).isEqualTo(2000);
        assertThat(done.get("usage").get("thoughtTokens").asInt()).isEqualTo(90);
        assertThat(done.get("usage").get("costUsd").decimalValue()).isEqualByComparingTo(STREAMED_COST);

        JsonNode totals = api.get("/api/v1/sessions/" + id).json().get("usage");
        assertThat(totals.get("promptTokens").asLong()).isEqualTo(8000);
        assertThat(totals.get("cachedTokens").asLong()).isEqualTo(6000);
        assertThat(totals.get("replyTokens").asLong()).isEqualTo(210);
        assertThat(totals.get("thoughtTokens").asLong()).isEqualTo(154);
        assertThat(totals.get("costUsd").decimalValue()).isEqualByComparingTo(REPLY_COST.add(STREAMED_COST));
        assertThat(totals.get("turnsWithoutCost").asInt()).isZero();

        assertThat(metric("lisa_gemini_cost_usd_total", "gemini-3.5-flash-lite", null) - costBefore)
                .isCloseTo(REPLY_COST.add(STREAMED_COST).doubleValue(), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(metric("lisa_gemini_tokens_total", "gemini-3.5-flash-lite", "cached") - cachedBefore)
                .isEqualTo(6000);
        assertThat(metric("lisa_gemini_tokens_total", "gemini-3.5-flash-lite", "thought") - thoughtBefore)
                .isEqualTo(154);
    }

    @Test
    void theEmulatorsOwnCountsOfCacheAndThinkingArePricedTurnByTurn() {
        upstream.cacheMinTokens(1);
        String id = api.newSession();
        BigDecimal sum = BigDecimal.ZERO;
        for (int turn = 1; turn <= 3; turn++) {
            JsonNode usage = api.chat(id, "Frage " + turn).json().get("usage");
            int prompt = usage.get("promptTokens").asInt();
            int cached = usage.get("cachedTokens").asInt();
            int reply = usage.get("replyTokens").asInt();
            int thought = usage.get("thoughtTokens").asInt();
            assertThat(thought).as("LOW thinking in the emulator").isEqualTo(64);
            if (turn > 1) {
                assertThat(cached)
                        .as("the previous turn's prompt is cached")
                        .isPositive()
                        .isLessThan(prompt);
            }
            BigDecimal expected = new BigDecimal("0.30")
                    .multiply(BigDecimal.valueOf(prompt - cached))
                    .add(new BigDecimal("0.03").multiply(BigDecimal.valueOf(cached)))
                    .add(new BigDecimal("2.50").multiply(BigDecimal.valueOf(reply + thought)))
                    .divide(BigDecimal.valueOf(1_000_000));
            assertThat(usage.get("costUsd").decimalValue()).isEqualByComparingTo(expected);
            sum = sum.add(expected);
        }
        assertThat(api.get("/api/v1/sessions/" + id)
                        .json()
                        .get("usage")
                        .get("costUsd")
                        .decimalValue())
                .isEqualByComparingTo(sum);
    }

    private Api.Response chat(String sessionId, String message, String key) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + sessionId + "/chat"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("message", message)))));
    }

    /** A counter's value from /actuator/prometheus; 0 if it does not exist yet. */
    private double metric(String name, String model, String kind) {
        String body = management.get("/actuator/prometheus").body(); // Actuator is on the management port only
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{")
                    && line.contains("model=\"" + model + "\"")
                    && (kind == null || line.contains("kind=\"" + kind + "\""))) {
                Matcher value = Pattern.compile("} (\\S+)$").matcher(line);
                if (value.find()) {
                    return Double.parseDouble(value.group(1));
                }
            }
        }
        return 0;
    }
}
