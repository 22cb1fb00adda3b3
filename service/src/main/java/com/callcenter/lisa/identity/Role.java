package com.callcenter.lisa.identity;

import java.util.Locale;
import java.util.Optional;

/** What a caller may do; the names are the values of the roles claim and of an API key's roles. */
public enum Role {
    /** The app in the field (or a telephony server): its own sessions only. */
    AGENT,
    /** Every session of its tenant; may end them. */
    SUPERVISOR,
    /** Everything: all tenants, API keys. */
    ADMIN;

    /** The name in tokens, keys and the API, e.g. {@code agent}. */
    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority, e.g. {@code ROLE_AGENT}. */
    String authority() {
        return "ROLE_" + name();
    }

    /** The role a claim value names; unknown values (another application's roles) are ignored. */
    public static Optional<Role> fromClaim(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.claimValue().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
