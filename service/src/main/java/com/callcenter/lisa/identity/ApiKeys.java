package com.callcenter.lisa.identity;

import com.callcenter.lisa.limits.OwnerLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * API keys for server-side clients: created (the key shown once), listed, revoked, and checked on each request.
 *
 * <p>A key is {@value #PREFIX} followed by 256 random bits (base64url). Only its SHA-256 is stored. A slow
 * password hash (bcrypt, argon2) protects low-entropy passwords against guessing; a 256-bit random key
 * cannot be guessed, so a fast hash is as safe and lets every request find its key with one indexed
 * lookup instead of a deliberately slow comparison against each stored key.
 */
@Service
public class ApiKeys {

    /** Marks a bearer credential as an API key (a JWT never starts like this: it starts with "ey"). */
    public static final String PREFIX = "lisa_";

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private final ApiKeyStore store;
    private final Clock clock;
    private final AuthProperties properties;
    private final SecureRandom random = new SecureRandom();

    ApiKeys(ApiKeyStore store, Clock clock, AuthProperties properties) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Creates a key.
     *
     * @param limits the key's own limits ({@link OwnerLimits#NONE}: none, the default for a key)
     * @throws IllegalArgumentException if the tenant or name is blank or too long, or no known role is given
     */
    public ApiKey.Created create(String tenant, String name, Set<Role> roles, OwnerLimits limits) {
        require(tenant, "tenant");
        require(name, "name");
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("at least one role (agent, supervisor, admin) is required");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ApiKey key = new ApiKey(
                UUID.randomUUID(),
                tenant.trim(),
                name.trim(),
                roles,
                limits,
                clock.instant().truncatedTo(ChronoUnit.MICROS),
                null,
                null);
        store.insert(key, hash(secret));
        log.info(
                "API key {} created for tenant {} with roles {} and limits {}",
                key.name(),
                key.tenant(),
                key.roles(),
                key.limits());
        return new ApiKey.Created(key, secret);
    }

    public List<ApiKey> list(String tenant) {
        return store.list(tenant);
    }

    /**
     * Replaces a key's limits. Requests with the key read them with the key, so they apply from the next
     * request on, on every instance. What the key did in the last minute counts against a new per-minute limit
     * only if a limit of that kind counted it: a key without one is not counted.
     *
     * @return the key with its new limits, empty if there is no such key
     */
    public Optional<ApiKey> changeLimits(UUID id, OwnerLimits limits) {
        Optional<ApiKey> changed = store.changeLimits(id, limits);
        changed.ifPresent(key -> log.info("API key {} now has limits {}", key.name(), key.limits()));
        return changed;
    }

    /** Revokes a key; revoking a revoked key changes nothing. @return whether the key exists */
    public boolean revoke(UUID id) {
        boolean exists = store.revoke(id, clock.instant());
        if (exists) {
            log.info("API key {} revoked", id);
        }
        return exists;
    }

    /** The caller a presented key stands for, if it is a known, unrevoked key. */
    Optional<Caller> authenticate(String secret) {
        Optional<ApiKey> key = store.findByHash(hash(secret)).filter(found -> !found.revoked());
        key.ifPresent(found -> {
            Instant now = clock.instant();
            if (found.lastUsedAt() == null || found.lastUsedAt().isBefore(now.minus(properties.keyUseRecorded()))) {
                store.recordUse(found.id(), now, now.minus(properties.keyUseRecorded()));
            }
        });
        return key.map(ApiKey::caller);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank() || value.trim().length() > 128) {
            throw new IllegalArgumentException(what + " must be 1-128 characters");
        }
    }
}
