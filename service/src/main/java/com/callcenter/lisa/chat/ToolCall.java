package com.callcenter.lisa.chat;

import com.callcenter.lisa.session.HandoffNotice;
import com.fasterxml.jackson.annotation.JsonIgnore;
import tools.jackson.databind.JsonNode;

/**
 * One tool call of a turn, as stored with the turn and shown in the session view.
 *
 * @param name       the function the model asked for
 * @param args       the arguments it gave (a JSON object)
 * @param status     {@code ok}, {@code error} (the endpoint failed or answered 4xx/5xx), {@code timeout},
 *                   {@code invalid_arguments} or {@code unknown_tool}
 * @param result     what went back to the model: the endpoint's JSON answer, or {@code {"error": "..."}}
 * @param durationMs how long the call took (0 when no endpoint was called)
 * @param handoff    for {@code request_human} that handed the session off: the handoff, which the turn's answer
 *                   reports (the stream's last event); not stored with the call (the session keeps the handoff)
 */
public record ToolCall(
        String name,
        JsonNode args,
        String status,
        JsonNode result,
        long durationMs,
        @JsonIgnore HandoffNotice handoff) {

    /** A call that did not hand the session off. */
    public ToolCall(String name, JsonNode args, String status, JsonNode result, long durationMs) {
        this(name, args, status, result, durationMs, null);
    }

    public static final String OK = "ok";
    public static final String ERROR = "error";
    public static final String TIMEOUT = "timeout";
    public static final String INVALID_ARGUMENTS = "invalid_arguments";
    public static final String UNKNOWN_TOOL = "unknown_tool";
}
