package com.callcenter.lisa.identity;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** An API key as stored: everything but the key, of which only a hash is kept. */
public record ApiKey(
        UUID id,
        String tenant,
        String name,
        Set<Role> roles,
        Instant createdAt,
        Instant lastUsedAt,
        Instant revokedAt) {

    public ApiKey {
        roles = Set.copyOf(roles);
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    Caller caller() {
        return new Caller(tenant, Caller.API_KEY_OWNER_PREFIX + name, roles, Caller.Kind.API_KEY, name);
    }

    /** A key just created, with the key itself: shown once, never stored. */
    public record Created(ApiKey key, String secret) {}
}
