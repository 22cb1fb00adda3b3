package com.callcenter.lisa.handoff;

import com.callcenter.lisa.session.Handoff;
import com.callcenter.lisa.session.HandoffMessage;
import com.callcenter.lisa.session.SessionService;
import com.callcenter.lisa.web.ProblemAnswer;
import com.callcenter.lisa.web.SessionAnswers;
import com.callcenter.lisa.web.SessionView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The app (or a supervisor through it) hands a call to a human agent, relays the agent's conversation, and hands it back. */
@RestController
@RequestMapping(path = "/api/v1/sessions", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Handoff", description = "A human agent takes a call over from Lisa and hands it back.")
class HandoffController {

    private final HandoffService handoffs;
    private final SessionService sessions;

    HandoffController(HandoffService handoffs, SessionService sessions) {
        this.handoffs = handoffs;
        this.sessions = sessions;
    }

    @PostMapping(path = "/{id}/handoff", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Hand the call to a human agent", description = """
            The session's status becomes handed_off (with reason, time and by: app). Chat to Lisa answers 409 \
            session-handed-off until the session is resumed; messages of the session still waiting for quota leave \
            the queue unsent (they answer 409 session-handed-off); a reply Gemini is already writing completes and \
            is stored. The human agent's conversation goes to POST .../messages. Idempotent: a session already \
            handed off keeps its first handoff. Ending (DELETE) and expiry apply as to an active session; each \
            message of the agent's conversation counts as activity.""")
    @ApiResponse(responseCode = "200", description = "Handed off (or already was): the session view, with handoff.")
    @ProblemAnswer(
            status = "400",
            description = "Malformed id (invalid-session-id) or body (invalid-request), "
                    + "blank reason (blank-message), reason too long (message-too-long), text the store cannot keep "
                    + "(invalid-text).")
    @SessionAnswers.NotFound
    @SessionAnswers.Closed
    SessionView handOff(@PathVariable UUID id, @RequestBody HandoffRequest request) {
        handoffs.handOff(id, request.reason(), Handoff.By.APP);
        return SessionView.of(sessions.conversation(id));
    }

    @PostMapping(path = "/{id}/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Store what the human agent or the customer said", description = """
            Only while the session is handed off. The words go into the session's history (role agent or user), \
            in the order stored; nothing is sent to Gemini. When the session is resumed, Lisa is shown them with \
            the customer's next message. A repeat of the session's last message (same role and words) within \
            lisa.handoff.repeat-window (10 s) is taken for a double submit: the stored message is answered and \
            nothing is added.""")
    @ApiResponse(responseCode = "201", description = "Stored: the message as the session view shows it.")
    @ProblemAnswer(
            status = "400",
            description = "Malformed id (invalid-session-id), body or a role other than "
                    + "agent or user (invalid-request), blank content (blank-message), content too long (message-too-long), "
                    + "text the store cannot keep (invalid-text). Nothing is stored.")
    @SessionAnswers.NotFound
    @ProblemAnswer(
            status = "409",
            description = "Lisa has the call (session-not-handed-off), or the session is "
                    + "ended or expired (session-closed).")
    SessionView.MessageView message(@PathVariable UUID id, @Valid @RequestBody HandoffMessageRequest request) {
        HandoffMessage stored =
                handoffs.addMessage(id, HandoffMessage.Author.ofRole(request.role()), request.content());
        return SessionView.MessageView.of(stored);
    }

    @PostMapping(path = "/{id}/resume")
    @Operation(summary = "Hand the call back to Lisa", description = """
            The session is active again and takes chat. Lisa's next Gemini request contains, with the customer's \
            next message, what the human agent and the customer said meanwhile, marked as such. Idempotent: a \
            session Lisa has stays as it is. No body.""")
    @ApiResponse(responseCode = "200", description = "Active (or already was): the session view.")
    @SessionAnswers.ById
    @SessionAnswers.Closed
    SessionView resume(@PathVariable UUID id) {
        return SessionView.of(handoffs.resume(id));
    }
}
