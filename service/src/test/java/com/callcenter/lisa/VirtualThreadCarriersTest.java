package com.callcenter.lisa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.support.BesideTheSuite;
import com.callcenter.lisa.support.ServiceJvm;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The service's virtual threads run on {@value VirtualThreadCarriers#PER_CORE} carriers per core unless set. */
@BesideTheSuite
class VirtualThreadCarriersTest {

    @Test
    void fourPerCoreUnlessTheOperatorSetsIt() {
        assertThat(VirtualThreadCarriers.chosen(null, 2)).isEqualTo("8");
        assertThat(VirtualThreadCarriers.chosen(null, 1)).isEqualTo("4");
        assertThat(VirtualThreadCarriers.chosen("3", 2)).isEqualTo("3");
    }

    /**
     * The real process (its {@code main}) sets the carriers before its first virtual thread: the JDK's scheduler
     * reports them (JDK 24 and later; on older JDKs the log shows the setting).
     */
    @Test
    void theServiceRunsOnTheCarriersItAskedFor() throws Exception {
        int expected = VirtualThreadCarriers.PER_CORE * Runtime.getRuntime().availableProcessors();
        try (GeminiEmulator upstream =
                        GeminiEmulator.start(EmulatorConfig.defaults().withApiKey(TestUpstream.API_KEY));
                ServiceJvm service = ServiceJvm.start(
                        ServiceJvm.freePort(), upstream.baseUrl(), "jdbc:h2:file:" + TestDatabases.freshH2File())) {
            assertThat(service.api().newSession()).isNotBlank();
            // Logged once the application is ready, which may be just after its first answer.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(service.log())
                            .contains("Virtual threads run on " + expected + " carrier threads"));
        }
    }
}
