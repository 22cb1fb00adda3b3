package com.callcenter.lisa.persona;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * The personas a session can be created with.
 *
 * @param defaultPersona the persona of a session created without one
 * @param prompts        persona name → file holding its system prompt ({@code classpath:} or {@code file:})
 */
@ConfigurationProperties("lisa.personas")
public record PersonaProperties(
        @DefaultValue("lisa") String defaultPersona,
        Map<String, Resource> prompts) {
}
