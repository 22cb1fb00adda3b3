package com.callcenter.lisa.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;

/**
 * Remembers, for a short while, the tokens that passed every check, so that a client sending the same access token
 * on each request does not cost an RSA signature check each time (about 15 % of the service's CPU per chat turn
 * in the overhead benchmark, where each client sends its token some 70 times a second). The same idea as Envoy's JWT filter's cache of verified tokens.
 *
 * <p>A token is taken from here only if it is the very same string (the whole token is the key, not a hash of it),
 * and only until the earlier of its own expiry and {@code lisa.auth.verified-token-cache} after it was checked: a
 * token that expires is checked again (and refused), and a signing key withdrawn from the issuer's key set stops
 * counting within that time (the decoder's own cache of the key set delays that too). A token that fails a check is never
 * kept. At most {@link #MOST_TOKENS} are kept; beyond that, tokens are checked every time until the periodic sweep
 * makes room.
 */
@Component
class VerifiedTokens {

    /** Bounds the memory: about 3 KB per token (its text and its claims), so some 30 MB at most. */
    static final int MOST_TOKENS = 10_000;

    private record Verified(Jwt jwt, Instant until) {}

    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private final Duration keepFor;
    private final Clock clock;

    VerifiedTokens(AuthProperties properties, Clock clock) {
        this.keepFor = properties.verifiedTokenCache();
        this.clock = clock;
    }

    /** The decoder, with the tokens it accepted remembered; itself if the cache is off ({@code 0s}). */
    JwtDecoder remembering(JwtDecoder decoder) {
        if (keepFor.isZero()) {
            return decoder;
        }
        return token -> {
            Instant now = clock.instant();
            Verified known = verified.get(token);
            if (known != null && now.isBefore(known.until())) {
                return known.jwt();
            }
            Jwt jwt = decoder.decode(token); // throws for a token that fails any check: not kept
            Instant until = now.plus(keepFor);
            if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(until)) {
                until = jwt.getExpiresAt();
            }
            if (now.isBefore(until) && (known != null || verified.size() < MOST_TOKENS)) {
                verified.put(token, new Verified(jwt, until));
            }
            return jwt;
        };
    }

    /** Drops the tokens whose time is up, so that they do not hold the room of new ones. */
    @Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
    void sweep() {
        Instant now = clock.instant();
        verified.values().removeIf(known -> !now.isBefore(known.until()));
    }

    /** Tokens kept now (for tests). */
    int size() {
        return verified.size();
    }
}
