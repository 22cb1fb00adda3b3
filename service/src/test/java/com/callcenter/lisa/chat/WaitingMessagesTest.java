package com.callcenter.lisa.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.quota.QueuePlace;
import com.callcenter.lisa.quota.Share;
import com.callcenter.lisa.quota.TestQuota;
import com.callcenter.lisa.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Ending a session finds every message of it that waits, however the messages come and go around it. */
class WaitingMessagesTest {

    @Test
    void aMessageAddedWhileAnotherOfTheSessionLeavesIsNeverLost() throws Exception {
        WaitingMessages waiting = new WaitingMessages();
        UUID session = UUID.randomUUID();
        MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
        try (TestQuota quota = TestQuota.of(0, Duration.ofSeconds(60), 10, clock, new SimpleMeterRegistry())) {
            QueuePlace leaving = quota.scheduler()
                    .admit(0, 0, 1, clock.instant(), Share.NONE)
                    .place();
            QueuePlace arriving = quota.scheduler()
                    .admit(0, 0, 1, clock.instant(), Share.NONE)
                    .place();
            int rounds = 200_000; // the old map lost a message in about one run of 100,000 rounds out of two
            AtomicInteger lost = new AtomicInteger();
            CyclicBarrier together = new CyclicBarrier(2);
            // One message leaves (its entry may empty and go) just as the next one of the session arrives.
            Thread leaver = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < rounds; i++) {
                    waiting.add(session, leaving);
                    await(together);
                    waiting.remove(session, leaving);
                    await(together);
                }
            });
            for (int i = 0; i < rounds; i++) {
                await(together);
                waiting.add(session, arriving);
                if (!waiting.of(session).contains(arriving)) {
                    lost.incrementAndGet();
                }
                waiting.remove(session, arriving);
                await(together);
            }
            leaver.join();
            assertThat(lost).hasValue(0);
            assertThat(waiting.of(session)).isEmpty();
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
