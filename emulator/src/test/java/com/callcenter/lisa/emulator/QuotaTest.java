package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Quotas through the SDK with a movable clock, so every retryDelay can be checked exactly. The
 * windows themselves are covered in more detail by {@link QuotaTrackerTest}.
 */
class QuotaTest {

    static final String MODEL = "gemini-2.5-flash";
    static final Instant T0 = Instant.parse("2026-06-15T12:00:00Z");
    static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\":\"(\\d+)s\"");

    final MutableClock clock = new MutableClock(T0);

    GeminiEmulator start(Quota quota) throws Exception {
        return GeminiEmulator.start(EmulatorConfig.defaults().withQuota(quota).withClock(clock));
    }

    @Test
    void fourthRequestWithinAMinuteGets429WithTheTrueRetryDelay() throws Exception {
        try (GeminiEmulator emu = start(new Quota(3, 0, 0))) {
            Client client = Sdk.client(emu);
            ok(client);
            clock.advance(Duration.ofSeconds(10));
            ok(client);
            clock.advance(Duration.ofSeconds(10));
            ok(client);
            clock.advance(Duration.ofMillis(30_500)); // t0 + 50.5 s: the first request leaves at t0 + 60 s

            ClientException e = rejected(client);

            assertThat(e.code()).isEqualTo(429);
            assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(e.getMessage())
                    .contains("\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"")
                    .contains("\"quotaValue\":\"3\"")
                    .contains("\"quotaDimensions\":{\"location\":\"global\",\"model\":\"" + MODEL + "\"}")
                    .contains("* Quota exceeded for metric:"
                            + " generativelanguage.googleapis.com/generate_content_free_tier_requests, limit:"
                            + " 3, model: "
                            + MODEL)
                    .contains("Please retry in 9.5s.");
            Duration retryDelay = retryDelay(e);
            assertThat(retryDelay).isEqualTo(Duration.ofSeconds(10)); // 9.5 s rounded up
            assertThat(emu.counters()).containsEntry("quota_rpm", 1L).containsEntry("ok", 3L);

            clock.advance(Duration.ofMillis(9_499));
            assertThat(rejected(client).code()).isEqualTo(429); // 1 ms early is still too early
            clock.advance(Duration.ofMillis(1));
            ok(client); // exactly when the first request left the window
        }
    }

    @Test
    void rejectedRequestsDoNotUseUpQuota() throws Exception {
        try (GeminiEmulator emu = start(new Quota(2, 0, 0))) {
            Client client = Sdk.client(emu);
            ok(client); // t0
            clock.advance(Duration.ofSeconds(30));
            ok(client); // t0 + 30
            for (int i = 0; i < 5; i++) {
                assertThat(rejected(client).code()).isEqualTo(429);
            }
            clock.advance(Duration.ofSeconds(30)); // t0 + 60: only the t0 request has left

            ok(client); // would fail if the five rejected requests had counted
            assertThat(retryDelay(rejected(client))).isEqualTo(Duration.ofSeconds(30));
            assertThat(emu.counters()).containsEntry("ok", 3L).containsEntry("quota_rpm", 6L);
        }
    }

    @Test
    void countTokensIsFreeAndModelsHaveSeparateQuotas() throws Exception {
        try (GeminiEmulator emu = start(new Quota(1, 0, 0))) {
            Client client = Sdk.client(emu);
            for (int i = 0; i < 3; i++) {
                assertThat(client.models.countTokens(MODEL, "Hallo", null).totalTokens())
                        .hasValue(2);
            }
            ok(client);
            assertThat(client.models
                            .generateContent("gemini-2.5-flash-lite", "Hallo", null)
                            .text())
                    .contains("Lisa");

            ClientException e = rejected(client);

            assertThat(e.getMessage()).contains("\"model\":\"" + MODEL + "\"");
            assertThat(client.models.countTokens(MODEL, "Hallo", null).totalTokens())
                    .hasValue(2);
        }
    }

    @Test
    void inputTokensPerMinuteCountPromptTokens() throws Exception {
        try (GeminiEmulator emu = start(new Quota(0, 20, 0))) {
            Client client = Sdk.client(emu);
            String tenTokens = "x".repeat(40);
            assertThat(client.models.generateContent(MODEL, tenTokens, null).text())
                    .contains("Lisa");
            clock.advance(Duration.ofSeconds(5));
            assertThat(client.models.generateContent(MODEL, tenTokens, null).text())
                    .contains("Lisa");
            clock.advance(Duration.ofSeconds(5));

            ClientException e =
                    catchThrowableOfType(ClientException.class, () -> client.models.generateContent(MODEL, "x", null));

            assertThat(e.code()).isEqualTo(429);
            assertThat(e.getMessage())
                    .contains("\"quotaId\":\"GenerateContentInputTokensPerModelPerMinute-FreeTier\"")
                    .contains(
                            "\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_free_tier_input_token_count\"")
                    .contains("\"quotaValue\":\"20\"")
                    .contains("limit: 20, model: " + MODEL)
                    .contains("Please retry in 50s.");
            assertThat(retryDelay(e)).isEqualTo(Duration.ofSeconds(50));
            assertThat(emu.counters()).containsEntry("quota_tpm", 1L);
            clock.advance(Duration.ofSeconds(50));
            assertThat(client.models.generateContent(MODEL, "x", null).text()).contains("Lisa");
        }
    }

    @Test
    void requestsPerDayResetAtMidnightInLosAngeles() throws Exception {
        clock.set(Instant.parse("2026-06-15T06:30:00Z")); // 23:30 PDT on 14 June
        try (GeminiEmulator emu = start(new Quota(0, 0, 2))) {
            Client client = Sdk.client(emu);
            ok(client);
            ok(client);

            ClientException e = rejected(client);

            assertThat(e.getMessage())
                    .contains("\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"")
                    .contains("\"quotaValue\":\"2\"")
                    .contains("Please retry in 1800s.");
            assertThat(retryDelay(e)).isEqualTo(Duration.ofMinutes(30));
            assertThat(emu.counters()).containsEntry("quota_rpd", 1L);

            clock.advance(Duration.ofMinutes(30).minusMillis(1));
            assertThat(rejected(client).getMessage())
                    .contains("Please retry in 0.001s.")
                    .contains("\"retryDelay\":\"1s\"");
            clock.advance(Duration.ofMillis(1)); // 00:00 PDT: a new day
            ok(client);
            ok(client);
            assertThat(rejected(client).getMessage()).contains("\"retryDelay\":\"86400s\"");
        }
    }

    @Test
    void severalExceededQuotasAreAllReportedAndTheLongestWaitWins() throws Exception {
        try (GeminiEmulator emu = start(new Quota(1, 0, 1))) {
            Client client = Sdk.client(emu);
            ok(client);

            ClientException e = rejected(client);

            assertThat(e.getMessage())
                    .contains("GenerateRequestsPerMinutePerProjectPerModel-FreeTier")
                    .contains("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
            Duration untilPacificMidnight = Duration.between(T0, Instant.parse("2026-06-16T07:00:00Z"));
            assertThat(retryDelay(e)).isEqualTo(untilPacificMidnight);
            assertThat(emu.counters()).containsEntry("quota_rpd", 1L).containsEntry("quota_rpm", 0L);
        }
    }

    @Test
    void resetForgetsQuotaUsage() throws Exception {
        try (GeminiEmulator emu = start(new Quota(1, 0, 0))) {
            Client client = Sdk.client(emu);
            ok(client);
            assertThat(rejected(client).code()).isEqualTo(429);

            emu.reset();

            ok(client);
        }
    }

    static void ok(Client client) {
        assertThat(client.models.generateContent(MODEL, "Hallo", null).text()).startsWith("Hallo, hier ist Lisa!");
    }

    static ClientException rejected(Client client) {
        ClientException e =
                catchThrowableOfType(ClientException.class, () -> client.models.generateContent(MODEL, "Hallo", null));
        assertThat(e).as("expected a 429").isNotNull();
        return e;
    }

    /** What a client has to do: parse RetryInfo.retryDelay out of the SDK's message. */
    static Duration retryDelay(ClientException e) {
        Matcher m = RETRY_DELAY.matcher(e.getMessage());
        assertThat(m.find()).as("retryDelay in " + e.getMessage()).isTrue();
        return Duration.ofSeconds(Long.parseLong(m.group(1)));
    }
}
