package com.callcenter.lisa.identity;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How callers are identified ({@code lisa.auth.*}).
 *
 * @param mode              {@code jwt}, {@code api-key}, {@code jwt,api-key} or {@code none}; unset refuses to
 *                          start unless in demo mode, where it means {@code none}
 * @param tenantClaim       the token claim naming the caller's tenant (absent: tenant {@code default})
 * @param rolesClaim        the token claim listing the caller's roles
 * @param publicApiDocs     whether Swagger UI and /v3/api-docs answer without a credential
 * @param corsOrigins       origins allowed to call from a browser (a Flutter web build); empty: CORS off
 * @param noneWarning       how often the warning that authentication is off is repeated
 * @param keyUseRecorded    an API key's "last used" is written at most this often, not on every request
 * @param verifiedTokenCache how long a token that passed every check is taken again without checking its signature
 *                          (never past its expiry); {@code 0s}: every request's token is checked in full
 */
@ConfigurationProperties("lisa.auth")
public record AuthProperties(
        String mode,
        @DefaultValue("tenant") String tenantClaim,
        @DefaultValue("roles") String rolesClaim,
        @DefaultValue("true") boolean publicApiDocs,
        @DefaultValue List<String> corsOrigins,
        @DefaultValue("1h") Duration noneWarning,
        @DefaultValue("1m") Duration keyUseRecorded,
        @DefaultValue("1m") Duration verifiedTokenCache) {

    public AuthProperties {
        if (verifiedTokenCache.isNegative()) {
            throw new IllegalArgumentException(
                    "lisa.auth.verified-token-cache must be 0s (off) or more, not " + verifiedTokenCache);
        }
        corsOrigins = corsOrigins == null
                ? List.of()
                : corsOrigins.stream()
                        .map(String::trim)
                        .filter(origin -> !origin.isEmpty())
                        .toList();
    }
}
