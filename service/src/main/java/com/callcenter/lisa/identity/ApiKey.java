package com.callcenter.lisa.identity;

import com.callcenter.lisa.limits.OwnerLimits;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An API key as stored: everything but the key, of which only a hash is kept.
 *
 * @param limits the key's own limits, set when it is created ({@link OwnerLimits#NONE}: none, the default)
 */
public record ApiKey(
        UUID id,
        String tenant,
        String name,
        Set<Role> roles,
        OwnerLimits limits,
        Instant createdAt,
        Instant lastUsedAt,
        Instant revokedAt) {

    public ApiKey {
        roles = Set.copyOf(roles);
        Objects.requireNonNull(limits, "limits");
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    /** The caller the key stands for, with its limits: read with the key, so no request reads them again. */
    Caller caller() {
        return new Caller(tenant, Caller.API_KEY_OWNER_PREFIX + name, roles, Caller.Kind.API_KEY, name, limits);
    }

    /** A key just created, with the key itself: shown once, never stored. */
    public record Created(ApiKey key, String secret) {}
}
