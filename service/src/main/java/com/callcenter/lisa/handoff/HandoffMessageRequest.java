package com.callcenter.lisa.handoff;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

@Schema(description = "Words said while a human agent has the call.")
record HandoffMessageRequest(
        @Schema(
                description = "agent: the human agent; user: the customer.",
                allowableValues = {"agent", "user"},
                requiredMode = Schema.RequiredMode.REQUIRED)
        @NotNull(message = "must be agent or user")
        @Pattern(regexp = "agent|user", message = "must be agent or user")
        String role,

        @Schema(
                description = "The words, as for a chat message: a JSON string, not blank (white space and invisible "
                        + "characters alone count as blank), without NUL or unpaired surrogates, at most "
                        + "lisa.chat.max-message-chars characters (default 4000).",
                example = "Guten Tag, hier ist Frau Berger.",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String content) {}
