package com.callcenter.lisa.web;

import com.callcenter.lisa.identity.ApiKey;
import com.callcenter.lisa.identity.ApiKeys;
import com.callcenter.lisa.identity.Role;
import com.callcenter.lisa.limits.OwnerLimits;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** API keys for server-side clients, managed by an admin (the security chain lets only admins in). */
@RestController
@RequestMapping(path = "/api/v1/admin/api-keys", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "API keys", description = "Keys for server-side clients (admin only). The key is shown once, at creation.")
class ApiKeyController {

    private final ApiKeys keys;

    ApiKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    record CreateApiKeyRequest(
            String tenant,
            String name,
            List<String> roles,

            @Schema(
                    implementation = Limits.class,
                    description = "The key's own limits; absent or {} = none (the default for a key).")
            JsonNode limits) {}

    /**
     * An API key's own limits, each a whole number of at least 1; absent (or null) = no limit of that kind. A
     * request over one is answered 429 client-rate-limited with Retry-After, like a token owner over its.
     */
    @Schema(
            description = "The key's own limits; a limit not shown (or null) is no limit. Sessions and messages per"
                    + " minute are counted per instance over any 60 s, active sessions across instances.")
    record Limits(
            @Schema(minimum = "1", description = "Sessions of the key active at once.")
            Integer activeSessions,

            @Schema(minimum = "1", description = "Sessions the key may create in any 60 s.")
            Integer sessionsPerMinute,

            @Schema(minimum = "1", description = "Messages the key may send in any 60 s.")
            Integer messagesPerMinute) {

        private static final List<String> NAMES = List.of("activeSessions", "sessionsPerMinute", "messagesPerMinute");

        static Limits of(OwnerLimits limits) {
            return new Limits(limits.activeSessions(), limits.sessionsPerMinute(), limits.messagesPerMinute());
        }

        /**
         * Read strictly: a typo must not leave a key unlimited, and 1.5 or "3" is not a limit (Jackson would
         * round or convert them).
         */
        static OwnerLimits read(JsonNode limits) {
            if (limits == null || limits.isNull()) {
                return OwnerLimits.NONE;
            }
            if (!limits.isObject()) {
                throw new InvalidQueryException("limits must be an object with " + String.join(", ", NAMES) + ".");
            }
            for (String name : limits.propertyNames()) {
                if (!NAMES.contains(name)) {
                    throw new InvalidQueryException(
                            "limits has no " + name + "; there are " + String.join(", ", NAMES) + ".");
                }
            }
            return new OwnerLimits(
                    limit(limits, "activeSessions"),
                    limit(limits, "sessionsPerMinute"),
                    limit(limits, "messagesPerMinute"));
        }

        private static Integer limit(JsonNode limits, String name) {
            JsonNode value = limits.get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
                throw new InvalidQueryException(
                        "limits." + name + " must be a whole number from 1 to 2147483647, or null for no limit.");
            }
            return value.intValue();
        }
    }

    @Schema(description = "An API key without its secret.")
    record ApiKeyView(
            UUID id,
            String tenant,
            String name,
            List<String> roles,
            Limits limits,
            Instant createdAt,

            @Schema(description = "Recorded at most once a minute.")
            Instant lastUsedAt,

            Instant revokedAt) {

        static ApiKeyView of(ApiKey key) {
            return new ApiKeyView(
                    key.id(),
                    key.tenant(),
                    key.name(),
                    key.roles().stream().map(Role::claimValue).sorted().toList(),
                    Limits.of(key.limits()),
                    key.createdAt(),
                    key.lastUsedAt(),
                    key.revokedAt());
        }
    }

    @Schema(description = "A new API key: `key` is shown this once and never again (only its hash is stored).")
    record CreatedApiKey(
            UUID id, String tenant, String name, List<String> roles, Limits limits, Instant createdAt, String key) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Create an API key",
            description = "Sessions created with the key belong to owner api-key:<name> in the key's tenant. The"
                    + " key has the limits given here and no others: the token owners' defaults"
                    + " (lisa.limits.token) do not apply to keys.")
    @ApiResponse(responseCode = "201", description = "Created; the answer holds the key, shown once.")
    @ProblemAnswer(
            status = "400",
            description = "Missing tenant or name, no known role, or a limit that is not a whole number of at least"
                    + " 1 (invalid-request). Nothing was created.")
    ResponseEntity<CreatedApiKey> create(@RequestBody CreateApiKeyRequest request) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : request.roles() == null ? List.<String>of() : request.roles()) {
            roles.add(Role.fromClaim(name)
                    .orElseThrow(() -> new InvalidQueryException("roles must be agent, supervisor or admin.")));
        }
        OwnerLimits limits = Limits.read(request.limits());
        ApiKey.Created created;
        try {
            created = keys.create(request.tenant(), request.name(), roles, limits);
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException(e.getMessage() + ".");
        }
        ApiKey key = created.key();
        return ResponseEntity.created(URI.create("/api/v1/admin/api-keys/" + key.id()))
                .body(new CreatedApiKey(
                        key.id(),
                        key.tenant(),
                        key.name(),
                        key.roles().stream().map(Role::claimValue).sorted().toList(),
                        Limits.of(key.limits()),
                        key.createdAt(),
                        created.secret()));
    }

    @PutMapping(path = "/{id}/limits", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Replace an API key's limits",
            description = "The body is the key's limits (as in `limits` at creation): every limit not given is no"
                    + " limit, {} removes them all. They apply from the key's next request on, on every instance."
                    + " Sessions and messages of the last minute count against a new per-minute limit if a limit"
                    + " of that kind already counted them; a key without one was not counted.")
    @ApiResponse(responseCode = "200", description = "The key with its new limits.")
    @ProblemAnswer(
            status = "400",
            description = "A limit that is not a whole number of at least 1, or an unknown one (invalid-request)."
                    + " Nothing was changed.")
    @ProblemAnswer(status = "404", description = "No such key (not-found).")
    ResponseEntity<?> changeLimits(
            @PathVariable UUID id,
            @RequestBody @Schema(implementation = Limits.class) JsonNode limits,
            HttpServletRequest request) {
        if (!limits.isObject()) { // {} removes the limits; null is more likely a mistake than that wish
            throw new InvalidQueryException("The body must be an object with the key's limits, {} for none.");
        }
        OwnerLimits changed = Limits.read(limits);
        return keys.changeLimits(id, changed)
                .<ResponseEntity<?>>map(key -> ResponseEntity.ok(ApiKeyView.of(key)))
                .orElseGet(() -> noSuchKey(id, request));
    }

    @GetMapping
    @Operation(summary = "List API keys", description = "Every key (or one tenant's), newest first, without secrets.")
    List<ApiKeyView> list(@RequestParam(required = false) String tenant) {
        return keys.list(tenant).stream().map(ApiKeyView::of).toList();
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke an API key", description = "Idempotent; requests with the key get 401 from now on.")
    @ProblemAnswer(status = "404", description = "No such key (not-found).")
    ResponseEntity<?> revoke(@PathVariable UUID id, HttpServletRequest request) {
        return keys.revoke(id) ? ResponseEntity.noContent().build() : noSuchKey(id, request);
    }

    private static ResponseEntity<?> noSuchKey(UUID id, HttpServletRequest request) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemWriter.problem(
                        ProblemType.NOT_FOUND, "No API key with id " + id + ".", request.getRequestURI()));
    }
}
