package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code --stamp-chunks}: every streamed chunk's text starts with the emulator's {@code
 * System.nanoTime()} at the moment the chunk was written, for the benchmark of first-chunk latency
 * through a proxy. Unary replies and unstamped emulators are unchanged.
 */
class StampChunksTest {

    private static final Pattern STAMP = Pattern.compile("\\[emu-t=(-?\\d+)] ");

    @Test
    void theFlagTurnsStampsOnAndTheStartLineSaysSo() throws Exception {
        assertThat(EmulatorMain.parse().stampChunks()).isFalse();
        assertThat(EmulatorMain.parse("--stamp-chunks", "--port", "0").stampChunks())
                .isTrue();
        try (GeminiEmulator emu = GeminiEmulator.start(EmulatorConfig.defaults().withStampChunks(true))) {
            assertThat(EmulatorMain.startLine(emu)).endsWith("chunk-gap=0 ms stamp-chunks");
        }
    }

    @Test
    void sseChunksCarryTheMomentTheyWereWrittenOnThisMachinesMonotonicClock() throws Exception {
        Duration gap = Duration.ofMillis(100);
        try (GeminiEmulator emu = GeminiEmulator.start(
                EmulatorConfig.defaults().withStampChunks(true).withChunkGap(gap))) {
            long before = System.nanoTime();
            HttpResponse<String> response =
                    Http.post(emu, "/v1beta/models/m:streamGenerateContent?alt=sse", Http.ONE_MESSAGE);
            long after = System.nanoTime();

            List<Long> stamps = stamps(response.body());
            assertThat(stamps).hasSizeGreaterThanOrEqualTo(2);
            assertThat(stamps.getFirst()).isBetween(before, after);
            for (int i = 1; i < stamps.size(); i++) { // written after the gap, not when the reply was built
                assertThat(stamps.get(i) - stamps.get(i - 1)).isGreaterThanOrEqualTo(gap.toNanos());
            }
            assertThat(response.body().replaceAll(STAMP.pattern(), "")).contains("Hallo, hier ist Lisa! ");
        }
    }

    @Test
    void jsonArrayStreamsAreStampedAndUnaryRepliesAreNot() throws Exception {
        try (GeminiEmulator emu = GeminiEmulator.start(EmulatorConfig.defaults().withStampChunks(true))) {
            String array = Http.post(emu, "/v1beta/models/m:streamGenerateContent", Http.ONE_MESSAGE)
                    .body();
            assertThat(array).startsWith("[{").endsWith("\n]");
            assertThat(stamps(array)).hasSizeGreaterThanOrEqualTo(2);

            String unary = Http.post(emu, "/v1beta/models/m:generateContent", Http.ONE_MESSAGE)
                    .body();
            assertThat(unary).doesNotContain(EmulatorConfig.STAMP_PREFIX);
        }
    }

    @Test
    void withoutTheFlagNothingIsStamped() throws Exception {
        try (GeminiEmulator emu = GeminiEmulator.start(EmulatorConfig.defaults())) {
            assertThat(Http.post(emu, "/v1beta/models/m:streamGenerateContent?alt=sse", Http.ONE_MESSAGE)
                            .body())
                    .doesNotContain(EmulatorConfig.STAMP_PREFIX);
        }
    }

    private static List<Long> stamps(String body) {
        Matcher m = STAMP.matcher(body);
        List<Long> stamps = new ArrayList<>();
        while (m.find()) {
            stamps.add(Long.parseLong(m.group(1)));
        }
        return stamps;
    }
}
