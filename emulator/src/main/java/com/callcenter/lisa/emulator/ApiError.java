package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.JsonNode;

/** An error answer: HTTP status, the google.rpc.Status JSON body, and the outcome to count. */
final class ApiError extends Exception {

    private final int status;
    private final transient JsonNode body;
    private final String outcome;

    ApiError(int status, JsonNode body, String outcome) {
        super(body.path("error").path("message").asText(), null, false, false);
        this.status = status;
        this.body = body;
        this.outcome = outcome;
    }

    int status() {
        return status;
    }

    JsonNode body() {
        return body;
    }

    String outcome() {
        return outcome;
    }
}
