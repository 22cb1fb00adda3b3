package com.callcenter.lisa.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.Api;
import tools.jackson.databind.JsonNode;

/** Checks a response is an RFC 9457 problem of our kind, without internals leaking. */
public final class ProblemAssertions {

    private ProblemAssertions() {}

    public static void assertProblem(Api.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:lisa:problem:" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
