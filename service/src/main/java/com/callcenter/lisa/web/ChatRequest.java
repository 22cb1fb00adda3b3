package com.callcenter.lisa.web;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "The customer's next message.")
record ChatRequest(
        @Schema(
                description = "What the customer said, as a JSON string (numbers, booleans and objects are refused); "
                        + "not blank (white space and invisible characters alone count as blank), without NUL or unpaired "
                        + "surrogates, at most lisa.chat.max-message-chars characters (default 4000).",
                example = "Hallo, was kostet der Tarif?",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String message) {}
