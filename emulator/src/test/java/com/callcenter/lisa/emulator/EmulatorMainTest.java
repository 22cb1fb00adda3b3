package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The standalone command line. */
class EmulatorMainTest {

    @Test
    void defaultsListenOnLoopbackPort8089WithTheEmulatorKey() {
        EmulatorConfig config = EmulatorMain.parse();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8089);
        assertThat(config.apiKey()).isEqualTo("emulator-key");
        assertThat(config.models()).isEmpty();
        assertThat(config.quota()).isEqualTo(Quota.NONE);
        assertThat(config.latency()).isEqualTo(Latency.NONE);
        assertThat(config.chunkGap()).isZero();
    }

    @Test
    void everyOptionIsRead() {
        EmulatorConfig config = EmulatorMain.parse(
                "--port",
                "9000",
                "--rpm",
                "10",
                "--tpm",
                "250000",
                "--rpd",
                "20",
                "--quota-window-ms",
                "6000",
                "--latency-ms",
                "50-200",
                "--chunk-gap-ms",
                "30",
                "--models",
                "gemini-2.5-flash, models/gemini-flash-latest",
                "--host",
                "0.0.0.0",
                "--api-key=geheim");

        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.quota()).isEqualTo(new Quota(10, 250_000, 20).withWindow(Duration.ofSeconds(6)));
        assertThat(config.latency()).isEqualTo(Latency.between(Duration.ofMillis(50), Duration.ofMillis(200)));
        assertThat(config.chunkGap()).isEqualTo(Duration.ofMillis(30));
        assertThat(config.models()).isEqualTo(Set.of("gemini-2.5-flash", "gemini-flash-latest"));
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.apiKey()).isEqualTo("geheim");
        assertThat(EmulatorMain.parse("--latency-ms", "75").latency()).isEqualTo(Latency.fixed(Duration.ofMillis(75)));
    }

    @Test
    void badArgumentsAreRefusedWithAReason() {
        assertThatThrownBy(() -> EmulatorMain.parse("--rpm")).hasMessageContaining("missing value for --rpm");
        assertThatThrownBy(() -> EmulatorMain.parse("--rpm", "viele"))
                .hasMessageContaining("--rpm wants a whole number");
        assertThatThrownBy(() -> EmulatorMain.parse("--rpm", "-1")).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> EmulatorMain.parse("--latency-ms", "1-2-3")).hasMessageContaining("A or A-B");
        assertThatThrownBy(() -> EmulatorMain.parse("--port", "70000")).hasMessageContaining("port out of range");
        assertThatThrownBy(() -> EmulatorMain.parse("--quota-window-ms", "0"))
                .hasMessageContaining("--quota-window-ms must be positive");
        assertThatThrownBy(() -> EmulatorMain.parse("--verbose", "1")).hasMessageContaining("unknown option --verbose");
    }

    @Test
    void startLineNamesUrlAndSettingsButNotACustomKey() throws Exception {
        EmulatorConfig config =
                EmulatorMain.parse("--port", "0", "--rpm", "5", "--latency-ms", "10-20", "--api-key", "geheim");
        try (GeminiEmulator emu = GeminiEmulator.start(config)) {
            String line = EmulatorMain.startLine(emu);

            assertThat(line)
                    .startsWith("Gemini emulator listening on " + emu.baseUrl() + " ")
                    .contains("rpm=5 tpm=off rpd=off latency=10-20 ms")
                    .contains("api-key=<as given>")
                    .doesNotContain("geheim");
        }
        try (GeminiEmulator emu =
                GeminiEmulator.start(EmulatorMain.parse("--port", "0", "--quota-window-ms", "5000"))) {
            assertThat(EmulatorMain.startLine(emu)).contains("rpd=off quota-window=5000 ms latency=");
        }
    }

    /** The real entry point in its own JVM: prints one line, serves, stops on SIGTERM. */
    @Test
    void standaloneProcessServesUntilStopped() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(
                        java,
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmulatorMain.class.getName(),
                        "--port",
                        "0",
                        "--api-key",
                        "standalone-key",
                        "--models",
                        "gemini-2.5-flash")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher url = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+) ")
                    .matcher(String.valueOf(line));
            assertThat(url.find()).as(line).isTrue();

            HttpResponse<String> ok = generate(url.group(1), "gemini-2.5-flash");
            HttpResponse<String> unknownModel = generate(url.group(1), "gemini-1.0-pro");

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("Hallo, hier ist Lisa!");
            assertThat(unknownModel.statusCode()).isEqualTo(404);
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroy(); // SIGTERM: the shutdown hook closes the server
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(List.of(143, 0)).contains(process.exitValue());
    }

    /** generateContent on the standalone process, with the key it was started with. */
    private static HttpResponse<String> generate(String baseUrl, String model) {
        return Http.send(Http.postRequest(
                baseUrl, "/v1beta/models/" + model + ":generateContent", "standalone-key", Http.ONE_MESSAGE));
    }
}
