package com.callcenter.lisa.web;

import io.swagger.v3.oas.models.OpenAPI;
import java.util.Arrays;
import java.util.stream.Collectors;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI lisaOpenApi() {
        String problemTypes = Arrays.stream(ProblemType.values())
                .map(type -> "- `" + type.uri() + "` (" + type.status().value() + "): " + type.title())
                .collect(Collectors.joining("\n"));
        return new OpenAPI().info(new Info()
                .title("Lisa call-center API")
                .version("v1")
                .description("""
                        Sales conversations with Lisa, an AI agent whose words come from Google Gemini.
                        Each customer call is one session with its own persisted history.

                        Errors are RFC 9457 problem details (`application/problem+json`) with a stable `type`,
                        also for requests the HTTP server itself refuses (malformed request line, headers, path or
                        body framing, TRACE, unknown paths). 503 responses carry a `Retry-After` header (seconds)
                        and `retryAfterSeconds`. Stack traces, exception names and server versions are never
                        returned.

                        """ + problemTypes));
    }
}
