package com.callcenter.lisa.support;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.Quota;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.convert.DurationStyle;

/**
 * A short "minute" for load tests against a saturated quota: the emulator counts its per-minute
 * limits over {@code minute} instead of 60 s, and the service is told so ({@code
 * lisa.quota.gemini-minute}). Everything else keeps production's shape: the service's window is
 * Gemini's minute plus a margin for the trip to Gemini, and the longest wait is the minute, just under
 * the window, so that a request arriving right after a burst is refused with Retry-After as it would be
 * in production. Runs of a few such minutes then take seconds instead of minutes.
 *
 * <p>The margin: on Gemini's real minute production's 1 s. On a short one 2 s, because on a loaded
 * 2-core machine a request can take longer than a second between the service's decision and its
 * arrival at the emulator in the same JVM (one 429 in a run under load 16 with 1 s), far more than the
 * network to Google; the test must prove the scheduling, not the machine's idle time.
 *
 * @param minute the emulator's window, Gemini's 60 s scaled down
 */
public record ShortMinute(Duration minute) {

    private static final Duration GEMINI_MINUTE = Duration.ofSeconds(60);

    public ShortMinute {
        if (minute.compareTo(GEMINI_MINUTE) > 0 || minute.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("a test minute between 2 s and Gemini's 60 s, not " + minute);
        }
    }

    /**
     * The minute of the load tests: 6 s, long enough that a burst of requests on a busy 2-core machine
     * is small beside it; {@code -Dlisa.test.minute=60s} ({@code ./dev test-load}) runs them on
     * Gemini's real minute.
     */
    public static final ShortMinute LOAD_TESTS =
            new ShortMinute(DurationStyle.detectAndParse(System.getProperty("lisa.test.minute", "6s")));

    /** {@code n} of the service's windows (e.g. 1.5): how long load runs last, as the service paces by them. */
    public Duration windows(double n) {
        return Duration.ofMillis(Math.round(window().toMillis() * n));
    }

    /** Between the minute and the service's window: see the class comment. */
    public Duration margin() {
        return minute.equals(GEMINI_MINUTE) ? Duration.ofSeconds(1) : Duration.ofSeconds(2);
    }

    /** The service's window: the minute plus the margin. */
    public Duration window() {
        return minute.plus(margin());
    }

    /** The longest a request may wait: as in production, one minute, just under the window. */
    public Duration maxWait() {
        return minute;
    }

    /** An emulator that counts {@code requestsPerMinute} over this minute. */
    public EmulatorConfig upstream(int requestsPerMinute) {
        return EmulatorConfig.defaults()
                .withApiKey(TestUpstream.API_KEY)
                .withQuota(new Quota(requestsPerMinute, 0, 0).withWindow(minute));
    }

    /** The service settings for this minute and a budget of {@code requestsPerMinute}. */
    public List<String> serviceSettings(int requestsPerMinute) {
        return List.of(
                "--lisa.quota.gemini-minute=" + minute.toMillis() + "ms",
                "--lisa.quota.window=" + window().toMillis() + "ms",
                "--lisa.quota.max-wait=" + maxWait().toMillis() + "ms",
                "--lisa.quota.budget.requests-per-minute=" + requestsPerMinute);
    }
}
