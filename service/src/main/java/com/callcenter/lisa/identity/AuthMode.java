package com.callcenter.lisa.identity;

import java.util.Locale;
import java.util.Set;

/**
 * The parsed {@code LISA_AUTH_MODE}: which credentials are accepted, or none at all.
 *
 * @param jwt    OAuth2/OIDC access tokens are accepted
 * @param apiKey API keys are accepted
 */
public record AuthMode(boolean jwt, boolean apiKey) {

    public static final AuthMode NONE = new AuthMode(false, false);

    public boolean none() {
        return !jwt && !apiKey;
    }

    /** As health and logs show it: {@code jwt}, {@code api-key}, {@code jwt,api-key} or {@code none}. */
    public String wireName() {
        if (none()) {
            return "none";
        }
        return jwt && apiKey ? "jwt,api-key" : jwt ? "jwt" : "api-key";
    }

    /**
     * @param value the setting; blank means unset
     * @param demo  demo mode, where unset means {@code none}
     * @throws MissingAuthModeException if unset outside demo mode
     * @throws IllegalArgumentException if it names an unknown mode or mixes {@code none} with others
     */
    public static AuthMode parse(String value, boolean demo) {
        if (value == null || value.isBlank()) {
            if (demo) {
                return NONE;
            }
            throw new MissingAuthModeException();
        }
        Set<String> parts = new java.util.HashSet<>();
        for (String part : value.split(",")) {
            parts.add(part.trim().toLowerCase(Locale.ROOT));
        }
        if (parts.equals(Set.of("none"))) {
            return NONE;
        }
        Set<String> known = Set.of("jwt", "api-key");
        if (!known.containsAll(parts)) {
            throw new IllegalArgumentException(
                    "LISA_AUTH_MODE=" + value + " is not one of jwt, api-key, " + "jwt,api-key or none");
        }
        return new AuthMode(parts.contains("jwt"), parts.contains("api-key"));
    }
}
