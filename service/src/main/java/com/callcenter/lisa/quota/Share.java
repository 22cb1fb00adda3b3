package com.callcenter.lisa.quota;

/**
 * Whose request it is, for sharing the quota fairly when demand exceeds it: slots go round robin over
 * tenants (weighted, {@code lisa.tenants.<t>.weight}), then over owners of a tenant, then first come,
 * first served within an owner. The quota knows no more of identity than these two names.
 *
 * @param tenant the call center; never null ({@value #DEFAULT_TENANT} when nobody said)
 * @param owner  who created the session (a token's subject, an API key's owner), or null when
 *               authentication is off: all such sessions of a tenant are then one owner, served
 *               first come, first served, which is round robin over sessions (one waiting request each)
 */
public record Share(String tenant, String owner) {

    public static final String DEFAULT_TENANT = "default";

    /** A request of no particular client: the default tenant, no owner. */
    public static final Share NONE = new Share(DEFAULT_TENANT, null);

    public Share {
        tenant = tenant == null || tenant.isBlank() ? DEFAULT_TENANT : tenant;
    }
}
