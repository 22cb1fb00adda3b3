package com.callcenter.lisa.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.quota.QuotaProperties;
import com.callcenter.lisa.quota.QuotaRejectedException;
import com.callcenter.lisa.quota.Share;
import com.callcenter.lisa.quota.TestQuota;
import com.callcenter.lisa.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The attempt loop without HTTP: the circuit breaker never stays stuck on a lost probe, and the ledger
 * counts what a call cost even when Gemini did not say.
 */
class GeminiGatewayTest {

    private static final Duration COOL_DOWN = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    private final AtomicInteger calls = new AtomicInteger();
    private TestQuota quota;

    private GeminiGateway gateway(int rpm, Duration halfOpenTimeout) {
        QuotaProperties properties = new QuotaProperties(
                new QuotaProperties.Budget(rpm, 0, 0),
                List.of(),
                Duration.ofSeconds(60),
                10,
                Duration.ofSeconds(60),
                java.math.BigDecimal.ZERO,
                "memory",
                1,
                new QuotaProperties.Retry(1, Duration.ofMillis(10), Duration.ofMillis(10)),
                new QuotaProperties.Breaker(1, COOL_DOWN, halfOpenTimeout));
        quota = TestQuota.of(rpm, properties.maxWait(), properties.maxQueue(), clock, new SimpleMeterRegistry());
        // Every model is found: the availability of models is ModelAvailabilityTest's subject.
        ModelAvailability availability = new ModelAvailability(
                model -> {},
                new ModelCheckProperties(Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10)),
                quota.scheduler().models(),
                "key",
                null,
                clock);
        return new GeminiGateway(quota.scheduler(), properties, clock, new SimpleMeterRegistry(), availability);
    }

    @AfterEach
    void stop() {
        quota.close();
    }

    private GeminiReply answer(String model, int promptTokens) {
        calls.incrementAndGet();
        return new GeminiReply("ok", "STOP", model, new TokenUsage(promptTokens, 1, promptTokens + 1));
    }

    private GeminiReply overloaded(String model) {
        calls.incrementAndGet();
        throw new GeminiFailure(
                GeminiFailure.Kind.UNAVAILABLE, 503, "Gemini answered 503", Duration.ofSeconds(5), null);
    }

    private Dispatched<GeminiReply> turn(GeminiGateway gateway, java.util.function.Function<String, GeminiReply> call)
            throws InterruptedException {
        return gateway.dispatch(gateway.admit(Share.NONE, 0, 5), 5, call);
    }

    /** One transient failure (the threshold is 1) opens the circuit; its cool-down passes on the moved clock. */
    private void openAndCoolDown(GeminiGateway gateway) {
        assertThatThrownBy(() -> turn(gateway, this::overloaded)).isInstanceOf(GeminiFailure.class);
        assertThat(gateway.state().getFirst().circuit()).isEqualTo("OPEN");
        assertThatThrownBy(() -> gateway.admit(Share.NONE, 0, 5))
                .isInstanceOfSatisfying(
                        QuotaRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(QuotaRejectedException.Reason.CIRCUIT_OPEN));
        clock.advance(COOL_DOWN.plusSeconds(1));
        assertThat(gateway.state().getFirst().circuit()).isEqualTo("HALF_OPEN");
    }

    @Test
    void aLedgerErrorWhileRecordingTheProbeDoesNotBlockTheModel() throws Exception {
        GeminiGateway gateway = gateway(0, Duration.ofMinutes(1));
        openAndCoolDown(gateway);
        quota.failNextCorrect();

        Dispatched<GeminiReply> probe = turn(gateway, model -> answer(model, 7));

        assertThat(probe.result().text()).isEqualTo("ok");
        assertThat(gateway.state().getFirst().circuit()).isEqualTo("CLOSED");
        assertThat(turn(gateway, model -> answer(model, 7)).attempts()).isEqualTo(1);
    }

    @Test
    void aProbeThatEndsWithoutGeminisAnswerGivesItsPermissionBack() throws Exception {
        GeminiGateway gateway = gateway(0, Duration.ofMinutes(1));
        openAndCoolDown(gateway);

        // The granted probe never gets Gemini's answer: its thread was interrupted, its observer broke.
        assertThatThrownBy(() -> turn(gateway, model -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("the turn was stopped before Gemini answered");
                }))
                .isInstanceOf(IllegalStateException.class);

        // The next message is the probe at once, instead of waiting for ever behind the lost one.
        long start = System.nanoTime();
        Dispatched<GeminiReply> next = turn(gateway, model -> answer(model, 7));
        assertThat(next.result().text()).isEqualTo("ok");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(gateway.state().getFirst().circuit()).isEqualTo("CLOSED");
    }

    @Test
    void aGrantedRequestInterruptedBeforeItsCallLeavesNoProbeBehind() throws Exception {
        GeminiGateway gateway = gateway(0, Duration.ofMinutes(1));
        openAndCoolDown(gateway);

        // Interrupted while it waits for its session's earlier turn, say: it asks for quota already interrupted.
        Thread interrupted = Thread.ofVirtual().unstarted(() -> {
            Thread.currentThread().interrupt();
            try {
                turn(gateway, model -> {
                    if (Thread.currentThread().isInterrupted()) {
                        // What the SDK does on an interrupted thread: the call fails on our side.
                        throw new IllegalStateException("interrupted before the request was sent");
                    }
                    return answer(model, 7);
                });
            } catch (InterruptedException | IllegalStateException expected) {
                // either way it never reached Gemini
            }
        });
        interrupted.start();
        interrupted.join(5_000);

        assertThat(turn(gateway, model -> answer(model, 7)).result().text()).isEqualTo("ok");
        assertThat(gateway.state().getFirst().circuit()).isEqualTo("CLOSED");
    }

    @Test
    void aProbeLostForGoodTimesOutAndANewProbeFollows() throws Exception {
        GeminiGateway gateway = gateway(0, Duration.ofMillis(300));
        openAndCoolDown(gateway);
        ModelCircuit circuit = gateway.circuit(0);
        // A permission taken and never answered nor given back: the case the half-open timeout is for.
        assertThat(circuit.tryPermit()).isTrue();
        assertThat(circuit.tryPermit()).isFalse();

        await().atMost(Duration.ofSeconds(5))
                .until(() -> "OPEN".equals(gateway.state().getFirst().circuit()));
        clock.advance(COOL_DOWN.plusSeconds(1));

        assertThat(turn(gateway, model -> answer(model, 7)).result().text()).isEqualTo("ok");
        assertThat(gateway.state().getFirst().circuit()).isEqualTo("CLOSED");
    }

    @Test
    void aReplyWithoutUsageMetadataIsCountedAtItsEstimate() throws Exception {
        GeminiGateway gateway = gateway(0, Duration.ofMinutes(1));

        gateway.dispatch(gateway.admit(Share.NONE, 0, 1234), 1234, model -> answer(model, 0)); // Gemini said nothing
        assertThat(quota.inputTokensLastMinute()).isEqualTo(1234);

        gateway.dispatch(gateway.admit(Share.NONE, 0, 1234), 1234, model -> answer(model, 1000)); // Gemini counted 1000
        assertThat(quota.inputTokensLastMinute()).isEqualTo(1234 + 1000);
    }
}
