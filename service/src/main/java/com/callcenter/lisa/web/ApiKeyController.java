package com.callcenter.lisa.web;

import com.callcenter.lisa.identity.ApiKey;
import com.callcenter.lisa.identity.ApiKeys;
import com.callcenter.lisa.identity.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** API keys for server-side clients, managed by an admin (the security chain lets only admins in). */
@RestController
@RequestMapping(path = "/api/v1/admin/api-keys", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "API keys", description = "Keys for server-side clients (admin only). The key is shown once, at creation.")
class ApiKeyController {

    private final ApiKeys keys;

    ApiKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    record CreateApiKeyRequest(String tenant, String name, List<String> roles) {}

    @Schema(description = "An API key without its secret.")
    record ApiKeyView(
            UUID id,
            String tenant,
            String name,
            List<String> roles,
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
                    key.createdAt(),
                    key.lastUsedAt(),
                    key.revokedAt());
        }
    }

    @Schema(description = "A new API key: `key` is shown this once and never again (only its hash is stored).")
    record CreatedApiKey(UUID id, String tenant, String name, List<String> roles, Instant createdAt, String key) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Create an API key",
            description = "Sessions created with the key belong to owner " + "api-key:<name> in the key's tenant.")
    @ApiResponse(responseCode = "201", description = "Created; the answer holds the key, shown once.")
    @ApiResponse(
            responseCode = "400",
            description = "Missing tenant or name, or no known role (invalid-request).",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                            schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<CreatedApiKey> create(@RequestBody CreateApiKeyRequest request) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : request.roles() == null ? List.<String>of() : request.roles()) {
            roles.add(Role.fromClaim(name)
                    .orElseThrow(() -> new InvalidQueryException("roles must be agent, supervisor or admin.")));
        }
        ApiKey.Created created;
        try {
            created = keys.create(request.tenant(), request.name(), roles);
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
                        key.createdAt(),
                        created.secret()));
    }

    @GetMapping
    @Operation(summary = "List API keys", description = "Every key (or one tenant's), newest first, without secrets.")
    List<ApiKeyView> list(@RequestParam(required = false) String tenant) {
        return keys.list(tenant).stream().map(ApiKeyView::of).toList();
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke an API key", description = "Idempotent; requests with the key get 401 from now on.")
    @ApiResponse(
            responseCode = "404",
            description = "No such key (not-found).",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                            schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<?> revoke(@PathVariable UUID id, jakarta.servlet.http.HttpServletRequest request) {
        if (!keys.revoke(id)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(ProblemWriter.problem(
                            ProblemType.NOT_FOUND, "No API key with id " + id + ".", request.getRequestURI()));
        }
        return ResponseEntity.noContent().build();
    }
}
