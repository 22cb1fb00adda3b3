package com.callcenter.lisa.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rolling windows and the Pacific day, without HTTP in between. */
class QuotaTrackerTest {

    static final Instant T0 = Instant.parse("2026-01-20T12:00:00Z");
    final MutableClock clock = new MutableClock(T0);

    @Test
    void requestCountsUntilExactlySixtySecondsLater() {
        QuotaTracker tracker = new QuotaTracker(new Quota(1, 0, 0), clock);
        assertThat(tracker.tryAcquire("m", 1)).isNull();

        clock.advance(Duration.ofSeconds(59).plusNanos(999_999_999));
        QuotaTracker.Rejection rejection = tracker.tryAcquire("m", 1);
        assertThat(rejection.retryAfter()).isEqualTo(Duration.ofNanos(1));
        assertThat(ErrorBodies.wholeSecondsUp(rejection.retryAfter())).isEqualTo(1);

        clock.advance(Duration.ofNanos(1));
        assertThat(tracker.tryAcquire("m", 1)).isNull();
    }

    @Test
    void aShorterWindowIsTheMinuteOfEveryPerMinuteLimit() {
        Duration window = Duration.ofSeconds(5);
        QuotaTracker tracker = new QuotaTracker(new Quota(2, 30, 0).withWindow(window), clock);
        assertThat(tracker.tryAcquire("m", 10)).isNull(); // t0
        clock.advance(Duration.ofSeconds(1));
        assertThat(tracker.tryAcquire("m", 10)).isNull(); // t0+1

        QuotaTracker.Rejection full = tracker.tryAcquire("m", 20);
        assertThat(full.violations())
                .extracting(QuotaTracker.Violation::kind)
                .containsExactlyInAnyOrder(QuotaKind.RPM, QuotaKind.TPM);
        assertThat(full.retryAfter()).isEqualTo(Duration.ofSeconds(4)); // the t0 request leaves at t0+5

        clock.advance(Duration.ofSeconds(4).minusNanos(1));
        assertThat(tracker.tryAcquire("m", 1)).isNotNull();
        clock.advance(Duration.ofNanos(1));
        assertThat(tracker.tryAcquire("m", 20)).isNull();
        assertThat(tracker.tryAcquire("m", 0).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(tracker.tryAcquire("m", 31).retryAfter()).isEqualTo(window); // never fits
    }

    @Test
    void tokenWaitIsUntilEnoughOldTokensHaveLeft() {
        QuotaTracker tracker = new QuotaTracker(new Quota(0, 30, 0), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(tracker.tryAcquire("m", 10)).isNull(); // t0, t0+10, t0+20
            clock.advance(Duration.ofSeconds(10));
        }
        // now t0+30, window holds 30 tokens
        assertThat(tracker.tryAcquire("m", 10).retryAfter()).isEqualTo(Duration.ofSeconds(30)); // t0 entry leaves
        assertThat(tracker.tryAcquire("m", 15).retryAfter()).isEqualTo(Duration.ofSeconds(40)); // two must leave
        assertThat(tracker.tryAcquire("m", 25).retryAfter()).isEqualTo(Duration.ofSeconds(50)); // all three
        assertThat(tracker.tryAcquire("m", 31).retryAfter()).isEqualTo(Duration.ofSeconds(60)); // never fits
        assertThat(tracker.tryAcquire("m", 0)).isNull(); // a zero-token request still fits
    }

    @Test
    void oversizedRequestInAnEmptyWindowIsToldToWaitAFullWindow() {
        QuotaTracker tracker = new QuotaTracker(new Quota(0, 5, 0), clock);

        QuotaTracker.Rejection rejection = tracker.tryAcquire("m", 6);

        assertThat(rejection.primary().kind()).isEqualTo(QuotaKind.TPM);
        assertThat(rejection.retryAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void dayEndsAtPacificMidnightInWinterToo() {
        clock.set(Instant.parse("2026-01-21T07:59:30Z")); // 23:59:30 PST (UTC-8)
        QuotaTracker tracker = new QuotaTracker(new Quota(0, 0, 1), clock);
        assertThat(tracker.tryAcquire("m", 1)).isNull();

        assertThat(tracker.tryAcquire("m", 1).retryAfter()).isEqualTo(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(30));
        assertThat(tracker.tryAcquire("m", 1)).isNull();
    }

    @Test
    void dstChangeDayIsTwentyThreeHoursLong() {
        clock.set(Instant.parse("2026-03-08T08:00:00Z")); // 00:00 PST, the day clocks go forward
        QuotaTracker tracker = new QuotaTracker(new Quota(0, 0, 1), clock);
        assertThat(tracker.tryAcquire("m", 1)).isNull();

        assertThat(tracker.tryAcquire("m", 1).retryAfter()).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void unlimitedQuotaRecordsNothing() {
        QuotaTracker tracker = new QuotaTracker(Quota.NONE, clock);
        for (int i = 0; i < 1000; i++) {
            assertThat(tracker.tryAcquire("m", 1_000_000)).isNull();
        }
    }
}
