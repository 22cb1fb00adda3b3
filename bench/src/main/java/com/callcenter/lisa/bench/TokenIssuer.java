package com.callcenter.lisa.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The OIDC provider of a benchmark run ({@code --auth jwt}): an RSA key made at start, its public half
 * served as a JWKS on 127.0.0.1 from the bench's own JVM (as Keycloak or Google serve theirs), and RS256
 * access tokens signed with it, one per simulated client. The service fetches the JWKS once and checks
 * every request's signature, issuer, audience and validity, which is the cost the bench measures.
 */
final class TokenIssuer implements AutoCloseable {

    static final String ISSUER = "https://issuer.bench.lisa/realms/callcenter";
    static final String AUDIENCE = "lisa-api";
    static final String TENANT = "bench";
    /** Longer than any run: a token that expired mid-run would show as errors, not as overhead. */
    static final Duration VALIDITY = Duration.ofHours(24);

    private final RSAKey key;
    private final HttpServer server;

    TokenIssuer() throws IOException {
        try {
            key = new RSAKeyGenerator(2048).keyID("bench-rsa-1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not make the RSA key", e);
        }
        byte[] jwks = new JWKSet(key).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        // A thread per fetch: two services may ask at once, and a slow answer would fail their token checks.
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    /** A signed access token of {@code subject} in tenant {@value #TENANT} with {@code role}, valid for the run. */
    String token(String subject, String role) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(subject)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(VALIDITY)))
                .claim("tenant", TENANT)
                .claim("roles", List.of(role))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
