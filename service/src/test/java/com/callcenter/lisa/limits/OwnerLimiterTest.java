package com.callcenter.lisa.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.identity.Caller;
import com.callcenter.lisa.identity.Role;
import com.callcenter.lisa.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Per-owner limits with a moved clock (issue 12 point 5): each refused with an honest Retry-After, and
 * owners, tenants and kinds of limit counted apart.
 */
class OwnerLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
    private final OwnerLimiter limiter = new OwnerLimiter(
            new LimitsProperties(new LimitsProperties.Token(50, 30, 60), Duration.ofSeconds(60)), clock);

    private LimitedClient agent(String tenant, String owner) {
        return new LimitedClient(tenant, owner, limiter.tokenLimits());
    }

    private static ClientRateLimitedException refusal(Runnable check) {
        try {
            check.run();
        } catch (ClientRateLimitedException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void theSixtyFirstMessageOfAMinuteIsRefusedUntilTheFirstLeavesTheWindow() {
        LimitedClient agent = agent("A", "agent-1");
        limiter.admitMessage(agent); // the first at 10:00:00
        clock.advance(Duration.ofSeconds(15));
        for (int i = 1; i < 60; i++) {
            limiter.admitMessage(agent);
            clock.advance(Duration.ofMillis(100));
        }
        // 10:00:20.9: 60 in the last minute. The first leaves the window at 10:01:00, 39.1 s from now.
        ClientRateLimitedException e = refusal(() -> limiter.admitMessage(agent));
        assertThat(e.limit()).isEqualTo(ClientRateLimitedException.Limit.MESSAGES_PER_MINUTE);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(39_100));
        assertThat(e.getMessage()).contains("60", "40 s", "Nothing was sent to Gemini");

        // A refused message is not counted: coming back when told gets in, one before it does not.
        clock.advance(e.retryAfter().minusMillis(1));
        assertThat(refusal(() -> limiter.admitMessage(agent)).retryAfter()).isEqualTo(Duration.ofMillis(1));
        clock.advance(Duration.ofMillis(1));
        limiter.admitMessage(agent);
        // Now the second (10:00:15) holds the limit.
        assertThat(refusal(() -> limiter.admitMessage(agent)).retryAfter()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void ownersTenantsAndKindsOfLimitAreCountedApart() {
        LimitedClient busy = agent("A", "agent-1");
        for (int i = 0; i < 60; i++) {
            limiter.admitMessage(busy);
        }
        assertThatThrownBy(() -> limiter.admitMessage(busy)).isInstanceOf(ClientRateLimitedException.class);

        limiter.admitMessage(agent("A", "agent-2")); // another owner of the tenant
        limiter.admitMessage(agent("B", "agent-1")); // the same name in another tenant
        limiter.admitSession(busy, () -> 0); // sessions count apart from messages
    }

    @Test
    void theThirtyFirstSessionOfAMinuteIsRefusedWithWhenTheFirstLeaves() {
        LimitedClient agent = agent("A", "agent-1");
        for (int i = 0; i < 30; i++) {
            limiter.admitSession(agent, () -> 0);
            clock.advance(Duration.ofSeconds(1));
        }
        ClientRateLimitedException e = refusal(() -> limiter.admitSession(agent, () -> 0));
        assertThat(e.limit()).isEqualTo(ClientRateLimitedException.Limit.SESSIONS_PER_MINUTE);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30)); // first at 0 s, now 30 s
        assertThat(e.getMessage()).contains("No session was created");
    }

    @Test
    void theFiftyFirstActiveSessionIsRefusedWithTheSweepIntervalAndNotCounted() {
        LimitedClient agent = agent("A", "agent-1");
        ClientRateLimitedException e = refusal(() -> limiter.admitSession(agent, () -> 50));
        assertThat(e.limit()).isEqualTo(ClientRateLimitedException.Limit.ACTIVE_SESSIONS);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(e.getMessage()).contains("50 active sessions");

        // The refusal took nothing of the 30 per minute.
        for (int i = 0; i < 30; i++) {
            limiter.admitSession(agent, () -> 49);
        }
        assertThat(refusal(() -> limiter.admitSession(agent, () -> 49)).limit())
                .isEqualTo(ClientRateLimitedException.Limit.SESSIONS_PER_MINUTE);
    }

    @Test
    void anApiKeyHasTheLimitsItWasCreatedWithAndNoneByDefault() {
        // The caller carries the key's limits, read with the key: the limiter asks nothing else.
        LimitedClient limitedKey = new Caller(
                        "A",
                        "api-key:telephony",
                        Set.of(Role.AGENT),
                        Caller.Kind.API_KEY,
                        "telephony",
                        new OwnerLimits(null, null, 5))
                .limitedClient(limiter.tokenLimits());
        assertThat(limitedKey).isEqualTo(new LimitedClient("A", "api-key:telephony", new OwnerLimits(null, null, 5)));
        for (int i = 0; i < 5; i++) {
            limiter.admitMessage(limitedKey);
        }
        assertThat(refusal(() -> limiter.admitMessage(limitedKey)).retryAfter()).isEqualTo(Duration.ofSeconds(60));

        AtomicInteger asked = new AtomicInteger();
        LimitedClient freeKey = new Caller(
                        "A", "api-key:pbx", Set.of(Role.AGENT), Caller.Kind.API_KEY, "pbx", OwnerLimits.NONE)
                .limitedClient(limiter.tokenLimits());
        assertThat(freeKey.limits()).isEqualTo(OwnerLimits.NONE);
        for (int i = 0; i < 1000; i++) {
            limiter.admitMessage(freeKey);
            limiter.admitSession(freeKey, asked::incrementAndGet);
        }
        // Without an active-sessions limit the store is not even asked.
        assertThat(asked).hasValue(0);
    }

    @Test
    void withoutAuthenticationThereAreNoLimits() {
        for (int i = 0; i < 1000; i++) {
            limiter.admitMessage(LimitedClient.UNLIMITED);
            limiter.admitSession(LimitedClient.UNLIMITED, () -> 10_000);
        }
    }

    @Test
    void zeroInTheSettingsMeansNoLimitAndNegativeLimitsAreRefused() {
        assertThat(new LimitsProperties.Token(0, 30, 0).limits()).isEqualTo(new OwnerLimits(null, 30, null));
        assertThatThrownBy(() -> new LimitsProperties.Token(-1, 30, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OwnerLimits(0, null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
