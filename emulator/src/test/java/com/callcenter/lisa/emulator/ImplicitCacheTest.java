package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.Client;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * cachedContentTokenCount: a prompt prefix (systemInstruction, then the contents' parts) that an
 * earlier request of the same model sent within the window, at least the minimum long.
 */
class ImplicitCacheTest {

    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

    @RegisterExtension
    static final EmulatorExtension EMULATOR =
            new EmulatorExtension(EmulatorConfig.defaults().withClock(CLOCK));

    static GeminiEmulator emu;
    static Client client;

    static final String MODEL = "gemini-3.5-flash-lite";

    /** 20,000 characters = 5,000 tokens: above Gemini 3's 4,096-token minimum. */
    static final String LONG_INSTRUCTIONS =
            "Du bist Lisa vom Callcenter. ".repeat(690).substring(0, 20_000);

    private static GenerateContentConfig system(String text) {
        return GenerateContentConfig.builder()
                .systemInstruction(Content.fromParts(Part.fromText(text)))
                .build();
    }

    @Test
    void aTenTurnConversationWithAStableInstructionIsMostlyCachedFromTurnTwoOn() {
        List<Content> history = new ArrayList<>();
        List<GenerateContentResponseUsageMetadata> usages = new ArrayList<>();
        for (int turn = 1; turn <= 10; turn++) {
            history.add(Content.builder()
                    .role("user")
                    .parts(Part.fromText("Frage Nummer " + turn + "?"))
                    .build());
            GenerateContentResponse response = client.models.generateContent(MODEL, history, system(LONG_INSTRUCTIONS));
            history.add(response.candidates().orElseThrow().get(0).content().orElseThrow());
            usages.add(response.usageMetadata().orElseThrow());
            CLOCK.advance(Duration.ofSeconds(20));
        }

        assertThat(usages.get(0).cachedContentTokenCount()).isEmpty();
        for (int turn = 2; turn <= 10; turn++) {
            GenerateContentResponseUsageMetadata now = usages.get(turn - 1);
            int cached = now.cachedContentTokenCount().orElseThrow();
            // everything the previous request sent is a prefix of this one
            assertThat(cached).isEqualTo(usages.get(turn - 2).promptTokenCount().orElseThrow());
            assertThat((double) cached / now.promptTokenCount().orElseThrow()).isGreaterThan(0.9);
        }
    }

    @Test
    void belowTheMinimumNothingIsCachedUnlessTheMinimumIsLowered() {
        List<Content> one = List.of(
                Content.builder().role("user").parts(Part.fromText("Hallo")).build());
        GenerateContentConfig shortInstructions = system("Du bist Lisa vom Callcenter.".repeat(10));

        client.models.generateContent(MODEL, one, shortInstructions);
        assertThat(usage(MODEL, one, shortInstructions).cachedContentTokenCount())
                .isEmpty();

        emu.cacheMinTokens(10);

        assertThat(usage(MODEL, one, shortInstructions).cachedContentTokenCount())
                .hasValue(
                        usage(MODEL, one, shortInstructions).promptTokenCount().orElseThrow());
    }

    @Test
    void theCacheIsPerModelAndForgetsAfterTheWindow() {
        List<Content> one = List.of(
                Content.builder().role("user").parts(Part.fromText("Hallo")).build());
        GenerateContentConfig config = system(LONG_INSTRUCTIONS);
        client.models.generateContent(MODEL, one, config);

        assertThat(usage("gemini-3.8-flash", one, config).cachedContentTokenCount())
                .isEmpty();
        CLOCK.advance(Duration.ofMinutes(4));
        assertThat(usage(MODEL, one, config).cachedContentTokenCount()).isPresent();
        CLOCK.advance(Duration.ofMinutes(5)); // the last use was 5 minutes ago: expired
        assertThat(usage(MODEL, one, config).cachedContentTokenCount()).isEmpty();
    }

    @Test
    void aChangedInstructionBreaksThePrefix() {
        List<Content> one = List.of(
                Content.builder().role("user").parts(Part.fromText("Hallo")).build());
        client.models.generateContent(MODEL, one, system(LONG_INSTRUCTIONS));

        GenerateContentResponseUsageMetadata changed =
                usage(MODEL, one, system("Es ist 12:00 Uhr. " + LONG_INSTRUCTIONS));

        assertThat(changed.cachedContentTokenCount()).isEmpty();
    }

    private static GenerateContentResponseUsageMetadata usage(
            String model, List<Content> contents, GenerateContentConfig config) {
        return client.models
                .generateContent(model, contents, config)
                .usageMetadata()
                .orElseThrow();
    }
}
