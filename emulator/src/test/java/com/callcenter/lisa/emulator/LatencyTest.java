package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Time before the first byte of successful answers. */
class LatencyTest {

    @Test
    void fixedLatencyDelaysUnaryStreamAndCountTokens() throws Exception {
        try (GeminiEmulator emu =
                GeminiEmulator.start(EmulatorConfig.defaults().withLatency(Latency.fixed(Duration.ofMillis(300))))) {
            Client client = Sdk.client(emu);

            assertThat(millis(() -> client.models.generateContent("m", "Hallo", null)))
                    .isGreaterThanOrEqualTo(300);
            assertThat(millis(() -> client.models.countTokens("m", "Hallo", null)))
                    .isGreaterThanOrEqualTo(300);
            assertThat(firstByteMillis(emu)).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void randomLatencyStaysWithinItsBounds() throws Exception {
        Latency latency = Latency.between(Duration.ofMillis(100), Duration.ofMillis(250));
        try (GeminiEmulator emu = GeminiEmulator.start(EmulatorConfig.defaults().withLatency(latency))) {
            Client client = Sdk.client(emu);
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                times.add(millis(() -> client.models.generateContent("m", "Hallo", null)));
            }

            assertThat(times).allSatisfy(t -> assertThat(t).isBetween(100L, 1_000L));
        }
    }

    @Test
    void drawsCoverTheWholeRangeAndNothingOutsideIt() {
        Latency latency = Latency.between(Duration.ofMillis(250), Duration.ofMillis(100)); // order does not matter
        LongSummaryStatistics stats = Stream.generate(latency::next)
                .limit(2_000)
                .mapToLong(Duration::toMillis)
                .summaryStatistics();

        assertThat(latency.min()).isEqualTo(Duration.ofMillis(100));
        assertThat(stats.getMin()).isBetween(100L, 110L);
        assertThat(stats.getMax()).isBetween(240L, 250L);
        assertThat(Latency.fixed(Duration.ofMillis(7)).next()).isEqualTo(Duration.ofMillis(7));
        assertThatThrownBy(() -> new Latency(Duration.ofMillis(5), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Latency.fixed(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorsAndScriptedAnswersAreNotDelayed() throws Exception {
        try (GeminiEmulator emu =
                GeminiEmulator.start(EmulatorConfig.defaults().withLatency(Latency.fixed(Duration.ofSeconds(3))))) {
            Client wrongKey = Sdk.client(emu, "v1beta", "falsch", 30_000);
            Client client = Sdk.client(emu);
            emu.script(ScriptedAnswer.text("sofort"));

            long rejected = millis(() -> {
                try {
                    wrongKey.models.generateContent("m", "Hallo", null);
                } catch (ClientException expected) {
                    // 400 API_KEY_INVALID
                }
            });
            long scripted = millis(() -> assertThat(
                            client.models.generateContent("m", "Hallo", null).text())
                    .isEqualTo("sofort"));

            assertThat(rejected).isLessThan(1_500);
            assertThat(scripted).isLessThan(1_500);
        }
    }

    private static long firstByteMillis(GeminiEmulator emu) throws Exception {
        HttpRequest request = Http.postRequest(emu, "/v1beta/models/m:streamGenerateContent?alt=sse", Http.ONE_MESSAGE);
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response =
                Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = response.body()) {
            body.read();
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            body.readAllBytes();
            return elapsed;
        }
    }

    private static long millis(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
