package com.callcenter.lisa.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * How the service watches its conversation store (see {@link StoreState}).
 *
 * @param probeInterval how often the store is checked in the background; also the longest a chat can
 *                      hang on a store that just died before every request is refused at once
 * @param probeTimeout  a check that takes longer counts as the store being down: a store that does not
 *                      answer within this serves nobody
 * @param retryAfter    the {@code Retry-After} of requests refused while the store is down
 */
@ConfigurationProperties("lisa.store")
public record StoreProperties(
        @DefaultValue("1s") Duration probeInterval,
        @DefaultValue("1s") Duration probeTimeout,
        @DefaultValue("5s") Duration retryAfter) {

    public StoreProperties {
        Assert.isTrue(probeInterval.toMillis() >= 100, "lisa.store.probe-interval must be at least 100ms");
        Assert.isTrue(
                probeTimeout.toMillis() >= 100 && probeTimeout.toSeconds() <= 30,
                "lisa.store.probe-timeout must be between 100ms and 30s");
        Assert.isTrue(retryAfter.toSeconds() >= 1, "lisa.store.retry-after must be at least 1s");
    }
}
