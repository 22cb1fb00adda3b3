package com.callcenter.lisa.identity;

import com.callcenter.lisa.limits.OwnerLimits;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;

/** Reads the caller from a validated token: {@code sub}, the tenant claim and the roles claim. */
final class TokenCallers implements Converter<Jwt, AbstractAuthenticationToken> {

    private final AuthProperties properties;

    TokenCallers(AuthProperties properties) {
        this.properties = properties;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Object tenantClaim = jwt.getClaims().get(properties.tenantClaim());
        String tenant = tenantClaim instanceof String text && !text.isBlank() ? text : Caller.DEFAULT_TENANT;
        return new CallerAuthentication(new Caller(
                tenant,
                jwt.getSubject(),
                roles(jwt.getClaims().get(properties.rolesClaim())),
                Caller.Kind.TOKEN,
                null,
                OwnerLimits.NONE));
    }

    /** A list of names, or one name, or a space- or comma-separated string; unknown names are dropped. */
    private static Set<Role> roles(Object claim) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (claim instanceof Collection<?> values) {
            values.forEach(value -> Role.fromClaim(String.valueOf(value)).ifPresent(roles::add));
        } else if (claim instanceof String text) {
            for (String part : text.split("[ ,]+")) {
                Role.fromClaim(part).ifPresent(roles::add);
            }
        }
        return roles;
    }
}
