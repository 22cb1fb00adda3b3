package com.callcenter.lisa.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Per-owner limits ({@code lisa.limits}).
 *
 * @param token                 the limits of every owner identified by a token (one app install, one
 *                              agent). Not API keys: each has its own, stored with the key (set when
 *                              it is created, none by default); without authentication there are none
 * @param activeSessionsRetryAfter the Retry-After of a refusal for too many active sessions: when one of
 *                              the owner's sessions will end is unknown (the owner may end one at once,
 *                              or one expires after its idle timeout at the next sweep), so the session
 *                              sweep's default interval
 */
@ConfigurationProperties("lisa.limits")
public record LimitsProperties(
        @DefaultValue Token token, @DefaultValue("60s") Duration activeSessionsRetryAfter) {

    /** The defaults for token owners; 0 = no limit of that kind. */
    public record Token(
            @DefaultValue("50") int activeSessions,
            @DefaultValue("30") int sessionsPerMinute,
            @DefaultValue("60") int messagesPerMinute) {

        public Token {
            if (activeSessions < 0 || sessionsPerMinute < 0 || messagesPerMinute < 0) {
                throw new IllegalArgumentException("lisa.limits.token.* must be 0 (no limit) or more");
            }
        }

        public OwnerLimits limits() {
            return new OwnerLimits(orNull(activeSessions), orNull(sessionsPerMinute), orNull(messagesPerMinute));
        }

        private static Integer orNull(int limit) {
            return limit == 0 ? null : limit;
        }
    }
}
