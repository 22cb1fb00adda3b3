package com.callcenter.lisa.web;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;
import tools.jackson.databind.JsonNode;

@Schema(description = "Options for a new session; the whole body is optional.")
record CreateSessionRequest(
        @Schema(
                description = "Name of the persona to talk to; the default persona (lisa) when absent.",
                example = "lisa",
                maxLength = 64)
        @Size(max = 64)
        @StorableText
        String persona,

        @Schema(
                description = "Free-form string pairs for the app's own use (customer number, campaign, …): "
                        + "at most 16 pairs, keys of at most 64 characters, values JSON strings of at most 512 (numbers and "
                        + "booleans are refused); no NUL or unpaired surrogates in keys, values or the persona.",
                example = "{\"campaign\": \"winter-2026\"}")
        @Size(max = 16, message = "at most 16 metadata entries are allowed")
        Map<@NotBlank @Size(max = 64) @StorableText String, @NotNull @Size(max = 512) @StorableText String> metadata,

        @Schema(
                type = "object",
                types = "object",
                description = "The call context: what the call center knows about this call, "
                        + "{\"customer\": {...}, \"campaign\": {...}}, each checked against the persona's JSON Schema "
                        + "(persona.yml, context:); a field that does not fit is 400 invalid-context naming it, and nothing is "
                        + "created. Stored with the session, shown in its view, and given to Lisa in her system instruction "
                        + "as data (escaped: a value cannot close its section or add instructions). Strings of at most "
                        + "lisa.personas.max-context-value-chars (1000) characters, or less where the schema says.",
                example =
                        "{\"customer\": {\"name\": \"Erika Mustermann\", \"currentTariff\": \"Nordlicht Strom Basis\"}, "
                                + "\"campaign\": {\"name\": \"winter-2027\"}}")
        JsonNode context) {}
