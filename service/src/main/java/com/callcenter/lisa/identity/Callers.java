package com.callcenter.lisa.identity;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The caller of the request this thread serves. Spring Security keeps it per request thread, so the
 * session layer can check ownership without every method in between passing it on.
 */
public final class Callers {

    private Callers() {}

    /**
     * The authenticated caller, or empty when no credential was checked on this thread: authentication is
     * off ({@code LISA_AUTH_MODE=none}), or the service itself is working (a sweep, a background task). With
     * authentication on, every API request reaching a session is authenticated (the filter chain refuses
     * others), so empty never means "a stranger".
     */
    public static Optional<Caller> current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof CallerAuthentication accepted
                ? Optional.of(accepted.getPrincipal())
                : Optional.empty();
    }

    /** The caller, or {@link Caller#NONE} when authentication is off or the service itself acts. */
    public static Caller currentOrNone() {
        return current().orElse(Caller.NONE);
    }
}
