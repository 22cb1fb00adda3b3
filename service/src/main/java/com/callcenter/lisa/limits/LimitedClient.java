package com.callcenter.lisa.limits;

import java.util.Objects;

/**
 * Whom a limit applies to: an owner within its tenant, with that owner's limits. Built where the
 * caller is known (by {@code identity.Caller#limitedClient}: a token's owner gets {@link OwnerLimiter#tokenLimits()},
 * an API key the limits stored with it, no authentication {@link #UNLIMITED}); this package does not know callers.
 *
 * @param tenant the call center
 * @param owner  who owns the sessions (a token's subject, {@code api-key:<name>}); null only with
 *               {@link OwnerLimits#NONE}
 */
public record LimitedClient(String tenant, String owner, OwnerLimits limits) {

    /** Without authentication there is nobody to limit. */
    public static final LimitedClient UNLIMITED = new LimitedClient("default", null, OwnerLimits.NONE);

    public LimitedClient {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(limits, "limits");
        if (owner == null && !limits.equals(OwnerLimits.NONE)) {
            throw new IllegalArgumentException("Limits need an owner to count against");
        }
    }
}
