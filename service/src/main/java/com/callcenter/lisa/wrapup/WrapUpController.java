package com.callcenter.lisa.wrapup;

import com.callcenter.lisa.session.SessionService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/sessions/{id}/wrap-up}: 200 with the wrap-up once made (or failed, with the reason), 202
 * while it is pending, 404 when the session has none (it had no turn, or is still active). Whoever may see the
 * session may see its wrap-up: {@link SessionService#get} checks that.
 */
@RestController
class WrapUpController {

    private final SessionService sessions;
    private final WrapUpStore store;
    private final JsonMapper json;

    WrapUpController(SessionService sessions, WrapUpStore store, JsonMapper json) {
        this.sessions = sessions;
        this.store = store;
        this.json = json;
    }

    @Operation(
            summary = "The wrap-up of an ended session",
            description = "Made with Gemini structured output when Lisa's part of a "
                    + "session with at least one turn ends (handoff to a human, DELETE or expiry): {outcome, summary, "
                    + "nextAction, callbackAt?, products, objections, sentiment, leadScore} under wrapUp, or the reason it "
                    + "failed. One per session: a session handed off, resumed and ended keeps the one made at the "
                    + "handoff, which covers the turns before it.")
    @ApiResponse(
            responseCode = "200",
            description = "Made (state done, with wrapUp) or given up (state failed, " + "with reason).")
    @ApiResponse(responseCode = "202", description = "Pending: it waits for a Gemini slot no live turn wants.")
    @ApiResponse(
            responseCode = "404",
            description = "No such session (session-not-found), or it has no wrap-up: "
                    + "still active (never handed off), or ended without a turn (wrap-up-not-found).")
    @GetMapping("/api/v1/sessions/{id}/wrap-up")
    ResponseEntity<?> wrapUp(@PathVariable UUID id) {
        sessions.get(id);
        WrapUp wrapUp = store.find(id).orElse(null);
        if (wrapUp == null) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.NOT_FOUND,
                    "Session " + id + " has no wrap-up: it is still active, or ended without a turn.");
            problem.setType(URI.create("urn:lisa:problem:wrap-up-not-found"));
            problem.setTitle("No wrap-up");
            problem.setInstance(URI.create("/api/v1/sessions/" + id + "/wrap-up"));
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(problem);
        }
        ObjectNode body = json.createObjectNode();
        body.put("sessionId", id.toString());
        body.put("state", wrapUp.state().name().toLowerCase(Locale.ROOT));
        if (wrapUp.result() != null) {
            body.set("wrapUp", json.readTree(wrapUp.result()));
        }
        if (wrapUp.reason() != null) {
            body.put("reason", wrapUp.reason());
        }
        body.put("attempts", wrapUp.attempts());
        body.put("createdAt", wrapUp.createdAt().toString());
        body.put("updatedAt", wrapUp.updatedAt().toString());
        HttpStatus status = wrapUp.state() == WrapUpState.PENDING ? HttpStatus.ACCEPTED : HttpStatus.OK;
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }
}
