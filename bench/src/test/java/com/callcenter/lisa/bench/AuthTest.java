package com.callcenter.lisa.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bench's credentials: its tokens are what a resource server configured with its JWKS, issuer and
 * audience accepts (checked here the way Spring Security checks them, with Nimbus against the JWKS fetched
 * over HTTP), one owner per client; and {@code --auth} is read strictly.
 */
class AuthTest {

    @Test
    void aClientsTokenIsAcceptedByAResourceServerTrustingTheBenchsJwks() throws Exception {
        try (TokenIssuer issuer = new TokenIssuer()) {
            String header = Auth.tokens(issuer).authorization(7);
            assertTrue(header.startsWith("Bearer "), header);

            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    JWSAlgorithm.RS256,
                    JWKSourceBuilder.create(URI.create(issuer.jwksUrl()).toURL())
                            .build()));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    TokenIssuer.AUDIENCE,
                    new JWTClaimsSet.Builder().issuer(TokenIssuer.ISSUER).build(),
                    Set.of("sub", "exp", "nbf", "iat")));
            JWTClaimsSet claims = processor.process(header.substring("Bearer ".length()), null);

            assertEquals("bench-client-7", claims.getSubject());
            assertEquals(TokenIssuer.TENANT, claims.getStringClaim("tenant"));
            assertEquals(List.of("agent"), claims.getStringListClaim("roles"));
            // valid for any run: a token expiring mid-run would show as errors
            assertTrue(
                    claims.getExpirationTime().toInstant().isAfter(Instant.now().plus(Duration.ofHours(23))));
        }
    }

    @Test
    void theJwksPublishesOnlyThePublicKey() throws Exception {
        try (TokenIssuer issuer = new TokenIssuer()) {
            JWKSet published = JWKSet.load(URI.create(issuer.jwksUrl()).toURL());
            assertEquals(1, published.getKeys().size());
            assertFalse(published.getKeys().getFirst().isPrivate());
        }
    }

    @Test
    void eachClientHasItsOwnTokenForTheWholeRun() throws Exception {
        try (TokenIssuer issuer = new TokenIssuer()) {
            Auth.Credentials tokens = Auth.tokens(issuer);
            String first = tokens.authorization(1);
            assertEquals(first, tokens.authorization(1));
            assertNotEquals(first, tokens.authorization(2));
        }
        assertNull(Auth.Credentials.NONE.authorization(1));
    }

    @Test
    void authOptionIsReadStrictly() {
        assertEquals(Auth.Mode.JWT, Auth.Mode.option(java.util.Map.of()));
        assertEquals(Auth.Mode.API_KEY, Auth.Mode.option(java.util.Map.of("auth", "api-key")));
        assertEquals(List.of(Auth.Mode.NONE, Auth.Mode.JWT), Auth.Mode.list("none, jwt"));
        assertThrows(IllegalArgumentException.class, () -> Auth.Mode.list("none,jwt,none"));
        assertThrows(IllegalArgumentException.class, () -> Auth.Mode.of("oauth"));
    }

    @Test
    void theOverheadBenchMeasuresOneServicePerModeBetweenTheEmulatorAndPortkey() {
        List<OverheadBench.Lane> lanes = OverheadBench.Lane.of(List.of(Auth.Mode.NONE, Auth.Mode.JWT), List.of());
        assertEquals(
                List.of(Chat.Target.DIRECT, Chat.Target.SERVICE, Chat.Target.SERVICE, Chat.Target.PORTKEY),
                lanes.stream().map(OverheadBench.Lane::target).toList());
        assertEquals(
                List.of("emulator", "service none", "service jwt", "Portkey"),
                lanes.stream().map(OverheadBench.Lane::process).toList());
        // one service: its process keeps the name of the results before --auth
        assertEquals(
                "service",
                OverheadBench.Lane.of(List.of(Auth.Mode.JWT), List.of()).get(1).process());
    }

    @Test
    void eachVariantIsAServiceOfItsOwnWithItsSettingsAndJvmOptions() {
        List<OverheadBench.Lane> lanes = OverheadBench.Lane.of(
                List.of(Auth.Mode.JWT),
                OverheadBench.Variant.parse(
                        "pool4: --spring.datasource.hikari.maximum-pool-size=4 -Xmx1g -Da=b; pool20:--x=20"));
        assertEquals(
                List.of("emulator", "service jwt pool4", "service jwt pool20", "Portkey"),
                lanes.stream().map(OverheadBench.Lane::process).toList());
        assertEquals(
                List.of("--spring.datasource.hikari.maximum-pool-size=4"),
                lanes.get(1).settings());
        assertEquals(List.of("-Xmx1g", "-Da=b"), lanes.get(1).jvmOptions());
        assertEquals(List.of("--x=20"), lanes.get(2).settings());
        assertEquals("(b) Lisa service, auth jwt pool20", lanes.get(2).label());
        assertThrows(IllegalArgumentException.class, () -> OverheadBench.Variant.parse("no-name"));
    }
}
