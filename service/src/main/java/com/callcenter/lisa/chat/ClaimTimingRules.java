package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.GeminiProperties;
import com.callcenter.lisa.quota.QuotaProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The rules between how long a turn may take and how long its claims and the shutdown wait for it,
 * checked when the service starts: a setting that breaks one stops the start with a message that says
 * which setting to change to what, instead of duplicate Gemini calls or cut turns in production.
 *
 * <ul>
 *   <li>{@code lisa.chat.idempotency.renew-interval} ≤ a third of {@code lease}: two renewals in a row may
 *       fail (a database blip, a long pause) before a running request's key frees for a repeat;</li>
 *   <li>{@code lisa.chat.idempotency.poll-interval} ≤ {@code renew-interval}: a repeat waiting for a dead
 *       instance's request notices the freed key soon after the lease ran out;</li>
 *   <li>with {@code server.shutdown=graceful}, {@code spring.lifecycle.timeout-per-shutdown-phase} ≥ the
 *       longest turn ({@code lisa.quota.max-wait} + {@code lisa.gemini.timeout} × {@code
 *       lisa.quota.retry.max-attempts} + {@code lisa.quota.retry.max-delay} × (attempts − 1)): a stopping
 *       instance lets the turns it accepted finish and be stored instead of cutting them.</li>
 * </ul>
 */
@Component
public class ClaimTimingRules {

    private static final Logger log = LoggerFactory.getLogger(ClaimTimingRules.class);
    private static final String SHUTDOWN_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

    private final Duration longestTurn;

    ClaimTimingRules(ChatProperties chat, QuotaProperties quota, GeminiProperties gemini, Environment environment) {
        int attempts = Math.max(1, quota.retry().maxAttempts());
        this.longestTurn = quota.maxWait()
                .plus(gemini.timeout().multipliedBy(attempts))
                .plus(quota.retry().maxDelay().multipliedBy(attempts - 1L));
        Binder binder = Binder.get(environment);
        String shutdown = binder.bind("server.shutdown", String.class).orElse("graceful");
        Duration shutdownTimeout = binder.bind(SHUTDOWN_TIMEOUT, Duration.class).orElse(Duration.ofSeconds(30));
        List<String> broken = check(chat.idempotency(), quota, gemini, attempts, shutdown, shutdownTimeout);
        if (!broken.isEmpty()) {
            throw new ClaimTimingException(broken);
        }
        if (!"graceful".equalsIgnoreCase(shutdown)) {
            log.warn(
                    "server.shutdown={}: turns in flight are cut when the service stops (their clients get no "
                            + "answer and retry); server.shutdown=graceful lets them finish",
                    shutdown);
        }
    }

    /** The longest one turn may take, from its arrival to its stored reply. */
    public Duration longestTurn() {
        return longestTurn;
    }

    private List<String> check(
            ChatProperties.Idempotency idempotency,
            QuotaProperties quota,
            GeminiProperties gemini,
            int attempts,
            String shutdown,
            Duration shutdownTimeout) {
        List<String> broken = new ArrayList<>();
        Duration lease = idempotency.lease();
        Duration renew = idempotency.renewInterval();
        Duration poll = idempotency.pollInterval();
        if (!lease.isPositive() || !renew.isPositive() || !poll.isPositive()) {
            broken.add("lisa.chat.idempotency.lease (" + text(lease) + "), renew-interval (" + text(renew)
                    + ") and poll-interval (" + text(poll) + ") must all be longer than zero: set them to e.g. 15s, "
                    + "5s and 100ms (the defaults).");
            return broken;
        }
        if (renew.multipliedBy(3).compareTo(lease) > 0) {
            broken.add("lisa.chat.idempotency.renew-interval (" + text(renew) + ") must be at most a third of "
                    + "lisa.chat.idempotency.lease (" + text(lease) + "), so that a running request keeps its key "
                    + "through two missed renewals: set renew-interval to " + text(lease.dividedBy(3))
                    + " or less, or lease to " + text(renew.multipliedBy(3)) + " or more.");
        }
        if (poll.compareTo(renew) > 0) {
            broken.add("lisa.chat.idempotency.poll-interval (" + text(poll) + ") must be at most "
                    + "lisa.chat.idempotency.renew-interval (" + text(renew) + "), so that a repeat waiting for a "
                    + "dead instance's request notices the freed key soon after its lease ran out: set poll-interval "
                    + "to " + text(renew) + " or less.");
        }
        if ("graceful".equalsIgnoreCase(shutdown) && shutdownTimeout.compareTo(longestTurn) < 0) {
            broken.add(SHUTDOWN_TIMEOUT + " (" + text(shutdownTimeout) + ") is shorter than the longest a turn may "
                    + "take: lisa.quota.max-wait " + text(quota.maxWait()) + " + lisa.gemini.timeout "
                    + text(gemini.timeout()) + " x lisa.quota.retry.max-attempts " + attempts
                    + " + lisa.quota.retry.max-delay " + text(quota.retry().maxDelay()) + " x " + (attempts - 1)
                    + " = " + text(longestTurn) + "; a graceful shutdown would cut the turns still running. Set "
                    + SHUTDOWN_TIMEOUT + " to " + text(longestTurn) + " or more, or lower lisa.quota.max-wait, "
                    + "lisa.gemini.timeout or lisa.quota.retry.max-attempts.");
        }
        return broken;
    }

    /** "166s", "500ms": the way the settings are written. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** A start with settings that break a rule; {@link ClaimTimingFailureAnalyzer} reports it. */
    static class ClaimTimingException extends IllegalStateException {

        private final List<String> broken;

        ClaimTimingException(List<String> broken) {
            super(String.join(" ", broken));
            this.broken = List.copyOf(broken);
        }

        List<String> broken() {
            return broken;
        }
    }
}
