package com.callcenter.lisa.identity;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Accepts a bearer credential that is a known, unrevoked API key. A credential that is not shaped like a key
 * is left to the token provider when tokens are accepted too.
 */
final class ApiKeyAuthenticationProvider implements AuthenticationProvider {

    private final ApiKeys keys;
    private final boolean tokensToo;

    ApiKeyAuthenticationProvider(ApiKeys keys, boolean tokensToo) {
        this.keys = keys;
        this.tokensToo = tokensToo;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String credential = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (!credential.startsWith(ApiKeys.PREFIX)) {
            if (tokensToo) {
                return null;
            }
            throw new InvalidBearerTokenException("Invalid token");
        }
        return keys.authenticate(credential)
                .map(CallerAuthentication::new)
                .orElseThrow(() -> new InvalidBearerTokenException("Invalid token"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
