package com.callcenter.lisa.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OAuth2 token issuer for tests: RSA and EC keys made here, their public halves served as a JWKS on
 * 127.0.0.1 (as Keycloak or Google would serve them), and tokens signed with them. {@link #rotate()} replaces
 * the RSA key, as a provider's key rotation does.
 */
public final class TestIssuer implements AutoCloseable {

    public static final String ISSUER = "https://issuer.test/realms/callcenter";
    public static final String AUDIENCE = "lisa-api";

    private final HttpServer server;
    private final AtomicReference<RSAKey> rsa = new AtomicReference<>();
    private final ECKey ec;

    public TestIssuer() {
        try {
            rsa.set(new RSAKeyGenerator(2048).keyID("rsa-1").generate());
            ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks", exchange -> {
            byte[] body = new JWKSet(List.<JWK>of(rsa.get(), ec))
                    .toPublicJWKSet()
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    /** Replaces the RSA key by a new one (a new kid); the old one is no longer published. */
    public RSAKey rotate() {
        try {
            RSAKey old = rsa.getAndSet(
                    new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate());
            return old;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public RSAKey rsaKey() {
        return rsa.get();
    }

    /** Claims of a valid token for {@code sub} in {@code tenant} with these roles, valid for 5 minutes. */
    public static JWTClaimsSet.Builder claims(String sub, String tenant, String... roles) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(sub)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("roles", List.of(roles));
        if (tenant != null) {
            claims.claim("tenant", tenant);
        }
        return claims;
    }

    /** A valid RS256 token. */
    public String token(String sub, String tenant, String... roles) {
        return rs256(claims(sub, tenant, roles).build());
    }

    public String rs256(JWTClaimsSet claims) {
        return sign(rsa.get(), claims);
    }

    public String es256(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(ec.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new ECDSASigner(ec));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RS256 with any RSA key, e.g. one the JWKS does not publish. */
    public static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token: {@code alg: none}. */
    public static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** Algorithm confusion: HS256 with the published RSA public key's bytes as the HMAC secret. */
    public String hs256WithPublicKey(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .keyID(rsa.get().getKeyID())
                            .build(),
                    claims);
            jwt.sign(new MACSigner(rsa.get().toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A validly signed token whose payload is then replaced (here: another subject and the admin role). */
    public String tampered(String sub, String tenant, String... roles) {
        String[] parts = token(sub, tenant, roles).split("\\.");
        String forged = claims("someone-else", tenant, "admin").build().toString();
        parts[1] = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(forged.getBytes(StandardCharsets.UTF_8));
        return String.join(".", parts);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
