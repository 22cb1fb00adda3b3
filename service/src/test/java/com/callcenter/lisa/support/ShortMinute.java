package com.callcenter.lisa.support;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.Quota;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.convert.DurationStyle;

/**
 * A short "minute" for load tests against a saturated quota: the emulator counts its per-minute
 * limits over {@code minute} instead of 60 s, and the service is told so ({@code
 * lisa.quota.gemini-minute}). Everything else keeps production's proportions: the service's window is
 * Gemini's minute plus the same absolute margin as in production (1 s, for the trip to Gemini, which
 * a loaded 2-core machine needs as much as a network does), and the longest wait is the minute, just
 * under the window, so that a request arriving right after a burst is refused with Retry-After as it
 * would be in production. Runs of a few such minutes then take seconds instead of minutes.
 *
 * @param minute the emulator's window, Gemini's 60 s scaled down
 */
public record ShortMinute(Duration minute) {

    public ShortMinute {
        if (minute.compareTo(Duration.ofSeconds(60)) > 0 || minute.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("a test minute between 2 s and Gemini's 60 s, not " + minute);
        }
    }

    /** Production's margin between Gemini's minute and the service's window ({@code lisa.quota.window} 61 s). */
    public static final Duration MARGIN = Duration.ofSeconds(1);

    /**
     * The minute of the load tests: 6 s, long enough that a burst of requests on a busy 2-core machine
     * is small beside it; {@code -Dlisa.test.minute=60s} ({@code ./dev test-load}) runs them on
     * Gemini's real minute.
     */
    public static final ShortMinute LOAD_TESTS =
            new ShortMinute(DurationStyle.detectAndParse(System.getProperty("lisa.test.minute", "6s")));

    /** {@code n} minutes of this kind (e.g. 1.5). */
    public Duration minutes(double n) {
        return Duration.ofMillis(Math.round(minute.toMillis() * n));
    }

    /** The service's window: the minute plus production's margin. */
    public Duration window() {
        return minute.plus(MARGIN);
    }

    /** The longest a request may wait: as in production, one minute, just under the window. */
    public Duration maxWait() {
        return minute;
    }

    /** An emulator that counts {@code requestsPerMinute} over this minute. */
    public EmulatorConfig upstream(int requestsPerMinute) {
        return EmulatorConfig.defaults().withApiKey(TestUpstream.API_KEY)
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
