package com.callcenter.lisa.persona;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.validation.annotation.Validated;

/**
 * The personas a session can be created with.
 *
 * @param defaultPersona       the persona of a session created without one
 * @param directory            a folder whose subfolders are personas (each with a persona.yml), besides the built-in
 *                             {@code lisa}; a subfolder named {@code lisa} replaces her. Unset: only the built-in ones
 * @param maxKnowledgeTokens   the most the knowledge files of one persona may hold together (estimated tokens): they
 *                             are sent with every turn
 * @param maxContextValueChars the longest text accepted anywhere in a session's call context, whatever the
 *                             persona's schema allows
 * @param prompts              the older form: persona name → a single prompt file ({@code classpath:} or {@code file:}),
 *                             a persona without knowledge, context or tools. Still read; prefer a folder
 */
@Validated
@ConfigurationProperties("lisa.personas")
public record PersonaProperties(
        @DefaultValue("lisa") @NotBlank String defaultPersona,
        Path directory,
        @DefaultValue("100000") @Min(1) int maxKnowledgeTokens,
        @DefaultValue("1000") @Min(1) @Max(100_000) int maxContextValueChars,
        Map<String, Resource> prompts) {}
