package com.callcenter.lisa.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String BEARER = "bearer";

    @Bean
    OpenAPI lisaOpenApi() {
        String problemTypes = Arrays.stream(ProblemType.values())
                .map(type -> "- `" + type.uri() + "` (" + type.status().value() + "): " + type.title())
                .collect(Collectors.joining("\n"));
        return new OpenAPI()
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description(
                                                "An OAuth2/OIDC access token (JWT) of the configured issuer, or an API key "
                                                        + "(lisa_...). Roles: agent (own sessions), supervisor (its tenant's sessions), admin "
                                                        + "(everything, API keys). Not needed for /api/v1/health, nor anywhere with "
                                                        + "LISA_AUTH_MODE=none.")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER))
                .info(new Info().title("Lisa call-center API").version("v1").description("""
                        Sales conversations with Lisa, an AI agent whose words come from Google Gemini.
                        Each customer call is one session with its own persisted history.

                        Errors are RFC 9457 problem details (`application/problem+json`) with a stable `type`,
                        also for requests the HTTP server itself refuses (malformed request line, headers, path or
                        body framing, TRACE, unknown paths). 503 responses carry a `Retry-After` header (seconds)
                        and `retryAfterSeconds`. Stack traces, exception names and server versions are never
                        returned.

                        Every call but health needs `Authorization: Bearer <token or API key>` (unless the service
                        runs with LISA_AUTH_MODE=none): 401 `unauthorized` with `WWW-Authenticate` without one or
                        with one that is not accepted, 403 `forbidden` for a credential without a role that may make
                        the call. A session that exists but belongs to someone the caller may not see answers 404
                        `session-not-found`, exactly like an id that does not exist.

                        """ + problemTypes));
    }

    /**
     * Each operation's answers in the order of their status codes, success first. springdoc lists them in the order
     * it finds their annotations, and finds the shared ones ({@link SessionAnswers}, meta-annotations) after those
     * written on the method; the description reads as before they were shared.
     */
    @Bean
    OpenApiCustomizer answersInStatusOrder() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().stream()
                    .flatMap(path -> path.readOperations().stream())
                    .filter(operation -> operation.getResponses() != null)
                    .forEach(operation -> {
                        ApiResponses sorted = new ApiResponses();
                        sorted.setExtensions(operation.getResponses().getExtensions());
                        new TreeMap<>(operation.getResponses()).forEach(sorted::addApiResponse);
                        operation.setResponses(sorted);
                    });
        };
    }
}
