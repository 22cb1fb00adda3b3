package com.callcenter.lisa.web;

import com.callcenter.lisa.chat.ChatService;
import com.callcenter.lisa.session.Session;
import com.callcenter.lisa.session.SessionService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The conversation API the Flutter app was written against. */
@RestController
@RequestMapping(path = "/api/v1/sessions", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Sessions", description = "One session per customer call: create it, chat with Lisa, read it, end it.")
class SessionController {

    private static final String PROBLEM = MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    private final SessionService sessions;
    private final ChatService chat;

    SessionController(SessionService sessions, ChatService chat) {
        this.sessions = sessions;
        this.chat = chat;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start a session", description = "Creates an isolated conversation with a random UUID.")
    @ApiResponse(responseCode = "201", description = "Created; Location names the session.",
            headers = @Header(name = "Location", description = "/api/v1/sessions/{id}"))
    @ApiResponse(responseCode = "400", description = "Malformed body, bad metadata (urn:lisa:problem:invalid-request) "
            + "or unknown persona (urn:lisa:problem:unknown-persona).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "Body over lisa.web.max-request-size (urn:lisa:problem:payload-too-large).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<SessionView> create(@Valid @RequestBody(required = false) CreateSessionRequest request) {
        Session session = request == null
                ? sessions.create(null, null)
                : sessions.create(request.persona(), request.metadata());
        return ResponseEntity.created(URI.create("/api/v1/sessions/" + session.id()))
                .body(SessionView.of(session, List.of()));
    }

    @PostMapping(path = "/{id}/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Send the customer's message, get Lisa's reply",
            description = "Turns of one session run one after the other in arrival order; the message and the "
                    + "reply are stored together once the reply exists. A failed turn stores nothing.")
    @ApiResponse(responseCode = "200", description = "Lisa's reply; the turn is stored.")
    @ApiResponse(responseCode = "400", description = "Malformed id (invalid-session-id) or body (invalid-request), "
            + "blank message (blank-message), message too long (message-too-long).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "No such session (session-not-found).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "The session is ended or expired (session-closed), or another "
            + "instance stored a turn first (turn-conflict).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "Body too large (payload-too-large).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "502", description = "Gemini refused the request for good, e.g. the conversation "
            + "is too long or the key is invalid (upstream-rejected); the detail says what, never the key.",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Gemini unavailable or its circuit open (upstream-unavailable), "
            + "its quota used up or the wait too long (quota-exhausted, with reason wait_too_long, queue_full, "
            + "waited_too_long or daily_quota_exhausted), or the store unavailable (storage-unavailable). Retry-After "
            + "says when to come back; nothing was stored and, for quota refusals, nothing was sent to Gemini.",
            headers = @Header(name = "Retry-After", description = "Seconds to wait before retrying."),
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "504", description = "Gemini did not answer within lisa.gemini.timeout (upstream-timeout).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    ChatReply chat(@PathVariable UUID id, @RequestBody ChatRequest request) throws InterruptedException {
        return ChatReply.of(chat.takeTurn(id, request.message()));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read a session", description = "Status, metadata and the whole history, also for ended "
            + "and expired sessions until their retention purges them.")
    @ApiResponse(responseCode = "200", description = "The session.")
    @ApiResponse(responseCode = "400", description = "Malformed id (invalid-session-id).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "No such session (session-not-found).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    SessionView get(@PathVariable UUID id) {
        return SessionView.of(sessions.conversation(id));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "End a session", description = "Idempotent. The session keeps its history and answers "
            + "chat with 409 from now on.")
    @ApiResponse(responseCode = "204", description = "Ended (or already ended or expired).")
    @ApiResponse(responseCode = "400", description = "Malformed id (invalid-session-id).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "No such session (session-not-found).",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    void end(@PathVariable UUID id) {
        sessions.end(id);
    }
}
