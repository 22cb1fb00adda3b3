package com.callcenter.lisa.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Lifetime of conversations.
 *
 * @param idleTimeout   an active session without a turn for this long becomes {@code expired}
 * @param retention     ended and expired sessions are deleted, with their history, this long after they closed
 * @param sweepInterval how often idle sessions are expired, old ones purged, and the wrap-ups made due of sessions
 *                      closed or handed off while their first turn was still being answered ({@link SessionSweeper})
 */
@ConfigurationProperties("lisa.session")
public record SessionProperties(
        @DefaultValue("30m") Duration idleTimeout,
        @DefaultValue("30d") Duration retention,
        @DefaultValue("1m") Duration sweepInterval) {}
