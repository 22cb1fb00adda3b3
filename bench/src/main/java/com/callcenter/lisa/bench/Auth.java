package com.callcenter.lisa.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the simulated clients identify themselves to a service the bench started ({@code --auth}). The
 * production path is authentication on, so {@link Mode#JWT} is every bench's default; {@link Mode#NONE}
 * (the benches' only mode before) stays for comparison.
 */
final class Auth {

    private Auth() {}

    /** The service's {@code LISA_AUTH_MODE}, and what the clients send. */
    enum Mode {
        /** An RS256 token per client from the bench's own {@link TokenIssuer}, checked against its JWKS. */
        JWT("jwt"),
        /** An API key per client, created through the admin API with an admin key made by the service's CLI. */
        API_KEY("api-key"),
        /** No credential, no authentication (not the production path). */
        NONE("none");

        final String option;

        Mode(String option) {
            this.option = option;
        }

        static Mode of(String option) {
            return Arrays.stream(values())
                    .filter(mode -> mode.option.equals(option.strip()))
                    .findFirst()
                    .orElseThrow(() ->
                            new IllegalArgumentException("--auth is jwt, api-key or none, not " + option.strip()));
        }

        /** {@code --auth} of a bench that starts one service: one mode, jwt when not given. */
        static Mode option(Map<String, String> options) {
            return of(options.getOrDefault("auth", JWT.option));
        }

        /** {@code --auth} of a bench that can compare modes in one run: a comma-separated list, distinct. */
        static List<Mode> list(String option) {
            List<Mode> modes = Arrays.stream(option.split(",")).map(Mode::of).toList();
            if (modes.stream().distinct().count() != modes.size()) {
                throw new IllegalArgumentException("--auth names a mode twice: " + option);
            }
            return modes;
        }
    }

    /** The credential each simulated client sends to one service. */
    interface Credentials {

        /** No header: {@code LISA_AUTH_MODE=none}. */
        Credentials NONE = client -> null;

        /**
         * The {@code Authorization} header of client number {@code client} (one owner per number), or null
         * for none. The same number gets the same credential for the whole run; call it before timing a turn.
         */
        String authorization(int client);
    }

    /** {@code request} with {@code Authorization: authorization}, or as it is when that is null (no authentication). */
    static HttpRequest.Builder authorized(HttpRequest.Builder request, String authorization) {
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    /** One token per client, subject {@code bench-client-<n>}, role agent, signed once and kept for the run. */
    static Credentials tokens(TokenIssuer issuer) {
        Map<Integer, String> headers = new ConcurrentHashMap<>();
        return client -> headers.computeIfAbsent(client, n -> "Bearer " + issuer.token("bench-client-" + n, "agent"));
    }

    /**
     * One API key per client (name {@code bench-client-<n>}, role agent, owner {@code api-key:bench-client-<n>}),
     * created by the service's admin API with {@code adminKey} when the client first asks for it.
     */
    static Credentials apiKeys(String service, String adminKey) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Map<Integer, String> headers = new ConcurrentHashMap<>();
        return client -> headers.computeIfAbsent(client, n -> "Bearer " + createKey(http, service, adminKey, n));
    }

    private static String createKey(HttpClient http, String service, String adminKey, int client) {
        String body = Chat.JSON
                .createObjectNode()
                .put("tenant", TokenIssuer.TENANT)
                .put("name", "bench-client-" + client)
                .set("roles", Chat.JSON.createArrayNode().add("agent"))
                .toString();
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(service + "/api/v1/admin/api-keys"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + adminKey)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode created = Chat.JSON.readTree(response.body());
            if (response.statusCode() != 201 || !created.hasNonNull("key")) {
                throw new IllegalStateException(
                        "creating an API key answered " + response.statusCode() + ": " + response.body());
            }
            return created.get("key").asText();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating an API key", e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not create an API key: " + e.getMessage(), e);
        }
    }

    /**
     * Per-owner limits of token callers set but never binding (as the budgets), so every request is still
     * counted and checked against them: a bench client sends thousands of messages a minute and leaves each
     * finished conversation to expire instead of ending it.
     */
    static String[] nonBindingOwnerLimits() {
        return new String[] {
            "--lisa.limits.token.active-sessions=" + NON_BINDING_OWNER_LIMIT,
            "--lisa.limits.token.sessions-per-minute=" + NON_BINDING_OWNER_LIMIT,
            "--lisa.limits.token.messages-per-minute=" + NON_BINDING_OWNER_LIMIT
        };
    }

    static final int NON_BINDING_OWNER_LIMIT = 1_000_000;
}
