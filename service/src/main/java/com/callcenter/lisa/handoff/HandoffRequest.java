package com.callcenter.lisa.handoff;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "Why a human agent takes the call over.")
record HandoffRequest(
        @Schema(
                description = "Why, in words (for the agent who takes over, and the CRM): not blank, without NUL or "
                        + "unpaired surrogates, at most lisa.handoff.max-reason-chars characters (default 1000).",
                example = "Der Kunde möchte mit einem Menschen sprechen.",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String reason) {}
