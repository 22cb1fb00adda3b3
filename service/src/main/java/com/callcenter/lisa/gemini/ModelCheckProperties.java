package com.callcenter.lisa.gemini;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the service watches whether its models still exist. Looking a model up ({@code models.get}) is
 * free and spends no quota; a generation request would.
 *
 * @param recheckInterval how long after Gemini said a model is gone it is looked up again (and again
 *                        after each look-up that still does not find it)
 * @param poll            how often the service looks whether such a look-up is due; costs nothing when none is
 * @param startupWait     how long the start waits for the look-up of every configured model; a look-up still
 *                        running then finishes in the background
 */
@ConfigurationProperties("lisa.gemini.model-check")
public record ModelCheckProperties(
        @DefaultValue("10m") Duration recheckInterval,
        @DefaultValue("5s") Duration poll,
        @DefaultValue("10s") Duration startupWait) {

    public ModelCheckProperties {
        if (recheckInterval.isNegative() || recheckInterval.isZero()) {
            throw new IllegalArgumentException("lisa.gemini.model-check.recheck-interval must be positive");
        }
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("lisa.gemini.model-check.poll must be positive");
        }
        if (startupWait.isNegative()) {
            throw new IllegalArgumentException("lisa.gemini.model-check.startup-wait must not be negative");
        }
    }
}
