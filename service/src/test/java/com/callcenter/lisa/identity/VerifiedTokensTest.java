package com.callcenter.lisa.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.callcenter.lisa.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Tokens that passed every check are taken again without checking them, the same string only, and never past their
 * expiry or the configured time; a token that failed is checked again each time.
 */
class VerifiedTokensTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    /** The tokens the real decoder was asked to check, in order. */
    private final List<String> checked = new ArrayList<>();

    /** Accepts "good-<seconds until exp>" tokens, refuses everything else, and records each check. */
    private final JwtDecoder decoder = token -> {
        checked.add(token);
        if (!token.startsWith("good-")) {
            throw new BadJwtException("bad signature");
        }
        long seconds = Long.parseLong(token.substring("good-".length()));
        return new Jwt(token, T0, T0.plusSeconds(seconds), Map.of("alg", "RS256"), Map.of("sub", "agent-1"));
    };

    private JwtDecoder remembering(Duration keepFor) {
        return new VerifiedTokens(properties(keepFor), clock).remembering(decoder);
    }

    @Test
    void theSameTokenIsCheckedOnceWithinTheTimeAndAgainAfter() {
        JwtDecoder tokens = remembering(Duration.ofMinutes(1));
        Jwt first = tokens.decode("good-3600");
        clock.advance(Duration.ofSeconds(59));
        assertThat(tokens.decode("good-3600")).isSameAs(first);
        assertThat(checked).containsExactly("good-3600");

        clock.advance(Duration.ofSeconds(1));
        tokens.decode("good-3600");
        assertThat(checked).containsExactly("good-3600", "good-3600");
    }

    @Test
    void aTokenIsNeverTakenPastItsExpiry() {
        JwtDecoder tokens = remembering(Duration.ofMinutes(1));
        tokens.decode("good-10");
        clock.advance(Duration.ofSeconds(9));
        tokens.decode("good-10");
        assertThat(checked).hasSize(1);
        clock.advance(Duration.ofSeconds(1)); // at its expiry: checked again (where the real decoder refuses it)
        tokens.decode("good-10");
        assertThat(checked).hasSize(2);
    }

    @Test
    void aRefusedTokenIsCheckedEveryTimeAndAnotherStringIsAnotherToken() {
        JwtDecoder tokens = remembering(Duration.ofMinutes(1));
        assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
        tokens.decode("good-3600");
        tokens.decode("good-03600"); // another string, even if it would mean the same: checked on its own
        assertThat(checked).containsExactly("forged", "forged", "good-3600", "good-03600");
    }

    @Test
    void offChecksEveryRequest() {
        JwtDecoder tokens = remembering(Duration.ZERO);
        assertThat(tokens).isSameAs(decoder);
    }

    @Test
    void atMostSoManyAreKeptAndTheSweepMakesRoom() {
        VerifiedTokens cache = new VerifiedTokens(properties(Duration.ofMinutes(1)), clock);
        JwtDecoder tokens = cache.remembering(decoder);
        for (int i = 0; i < VerifiedTokens.MOST_TOKENS + 5; i++) {
            tokens.decode("good-" + (3600 + i));
        }
        assertThat(cache.size()).isEqualTo(VerifiedTokens.MOST_TOKENS);
        String beyond = "good-" + (3600 + VerifiedTokens.MOST_TOKENS);
        tokens.decode(beyond); // not kept: checked again
        assertThat(checked.stream().filter(beyond::equals)).hasSize(2);

        cache.sweep();
        assertThat(cache.size()).isEqualTo(VerifiedTokens.MOST_TOKENS); // none is due yet
        clock.advance(Duration.ofMinutes(1));
        cache.sweep();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aNegativeTimeIsRefusedAtStartUp() {
        assertThatThrownBy(() -> properties(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lisa.auth.verified-token-cache");
    }

    private static AuthProperties properties(Duration keepFor) {
        return new AuthProperties(
                "jwt", "tenant", "roles", true, List.of(), Duration.ofHours(1), Duration.ofMinutes(1), keepFor);
    }
}
