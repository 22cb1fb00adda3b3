package com.callcenter.lisa.identity;

import com.callcenter.lisa.limits.LimitedClient;
import com.callcenter.lisa.limits.OwnerLimits;
import java.util.Objects;
import java.util.Set;

/**
 * Who sent the request, as the credential says (never as the request body says).
 *
 * @param tenant  the call center the caller belongs to; {@value #DEFAULT_TENANT} when the token has no tenant claim
 *                or authentication is off
 * @param owner   who owns the sessions this caller creates: a token's {@code sub}, {@code api-key:<name>} for an
 *                API key, {@code null} when authentication is off
 * @param roles   the caller's known roles (unknown role names are dropped)
 * @param kind    how the caller was identified
 * @param keyName the API key's name (what logs may show instead of the key), else {@code null}
 * @param keyLimits an API key's own limits, stored with the key and read with it on each request;
 *                {@link OwnerLimits#NONE} for a key without limits and for every other caller (a token's owner
 *                has the configured {@code lisa.limits.token}, see {@link #limitedClient})
 */
public record Caller(String tenant, String owner, Set<Role> roles, Kind kind, String keyName, OwnerLimits keyLimits) {

    public static final String DEFAULT_TENANT = "default";

    /** The prefix of the owner of sessions created with an API key. */
    public static final String API_KEY_OWNER_PREFIX = "api-key:";

    /** Every request when {@code LISA_AUTH_MODE=none}: may do everything, owns nothing. */
    public static final Caller NONE =
            new Caller(DEFAULT_TENANT, null, Set.of(Role.ADMIN), Kind.NONE, null, OwnerLimits.NONE);

    public enum Kind {
        TOKEN,
        API_KEY,
        NONE
    }

    public Caller {
        Objects.requireNonNull(tenant, "tenant");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(keyLimits, "keyLimits");
        if (kind != Kind.API_KEY && !keyLimits.equals(OwnerLimits.NONE)) {
            throw new IllegalArgumentException("Only an API key carries its own limits");
        }
    }

    public boolean isAdmin() {
        return kind == Kind.NONE || roles.contains(Role.ADMIN);
    }

    public boolean isSupervisorOf(String sessionTenant) {
        return roles.contains(Role.SUPERVISOR) && tenant.equals(sessionTenant);
    }

    /**
     * Whether this caller may see (read, chat in, end) a session of that tenant and owner: an admin every
     * session, a supervisor those of its tenant, an agent those it created.
     */
    public boolean maySee(String sessionTenant, String sessionOwner) {
        if (isAdmin() || isSupervisorOf(sessionTenant)) {
            return true;
        }
        return roles.contains(Role.AGENT)
                && tenant.equals(sessionTenant)
                && owner != null
                && owner.equals(sessionOwner);
    }

    /**
     * Whose limits this caller's requests count against: a token's owner has {@code tokenLimits} (the configured
     * {@code lisa.limits.token}); an API key its own, set when it was created (none by default) and read with the
     * key; without authentication, or a token without an owner, nobody is limited.
     */
    public LimitedClient limitedClient(OwnerLimits tokenLimits) {
        return switch (kind) {
            case TOKEN -> owner == null ? LimitedClient.UNLIMITED : new LimitedClient(tenant, owner, tokenLimits);
            case API_KEY -> new LimitedClient(tenant, owner, keyLimits);
            case NONE -> LimitedClient.UNLIMITED;
        };
    }
}
