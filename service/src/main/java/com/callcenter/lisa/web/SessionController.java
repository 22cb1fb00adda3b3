package com.callcenter.lisa.web;

import com.callcenter.lisa.chat.ChatService;
import com.callcenter.lisa.chat.PendingTurn;
import com.callcenter.lisa.session.Session;
import com.callcenter.lisa.session.SessionPage;
import com.callcenter.lisa.session.SessionService;
import com.callcenter.lisa.session.SessionStatus;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** The conversation API the Flutter app was written against. */
@RestController
@RequestMapping(path = "/api/v1/sessions", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Sessions", description = "One session per customer call: create it, chat with Lisa, read it, end it.")
class SessionController {

    /** A key the app makes per new message and sends again with each retry of that message. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final String CHAT_DESCRIPTION = """
                    Turns of one session run one after the other in arrival order; the message and the reply \
                    are stored together once the reply exists. A failed turn stores nothing. With an \
                    Idempotency-Key, a repeat of the message (an app retrying after a dropped connection) gets \
                    the first answer again, without a second Gemini call or a second turn.

                    **Streaming.** With `Accept: text/event-stream` the answer is a stream of server-sent events:
                    - `queued` `{"position": 3, "estimatedWaitMs": 8000}`: on arrival if the message has to wait \
                    for quota, and again whenever its place changes (1 = next; it can go back when another client takes its turn first);
                    - `delta` `{"text": "..."}`: each piece of Lisa's reply as Gemini produces it (thinking never);
                    - `tool` `{"name": "book_callback", "status": "ok"}`: a tool Lisa called has finished (status \
                    ok, error, timeout, invalid_arguments or unknown_tool; never its address or result);
                    - `done`: the object the JSON call returns; the turn is stored. Its `reply` is the \
                    concatenated deltas, except when Gemini stopped the reply for its content (finishReason \
                    SAFETY, RECITATION, ...): then it is the fallback line, which replaces what was streamed;
                    - `handoff` `{"status": "handed_off", "reason": "...", "at": "...", "by": "tool"}`: only after \
                    `done`, as the stream's last event, when Lisa handed the call to a human agent in this turn \
                    (tool request_human; the JSON answer carries the same object as `handoff`); chat to Lisa then \
                    answers 409 session-handed-off until POST .../resume;
                    - `error`: a problem object (same `type` and `status` as the JSON call would answer); \
                    nothing was stored and any deltas are void.

                    Comment lines (`: keep-alive`) are sent on an idle stream. Failures found before the stream \
                    starts (unknown session, bad body, quota refusal) are ordinary problem responses. If the \
                    client goes away while the message waits for quota, it leaves the queue unsent; once Gemini \
                    is answering, the turn is completed and stored, and GET shows it. A repeat of an \
                    Idempotency-Key gets the first run's `tool` events, the stored reply as one `delta`, then \
                    `done` (and `handoff` if that turn handed off).""";
    private static final String KEY_DESCRIPTION = "Optional. A key the app makes for each new message (a UUID, "
            + "1-255 printable ASCII characters) and sends again with every retry of that message. A repeat "
            + "within lisa.chat.idempotency.ttl (24 h) returns the stored answer, or waits for the first "
            + "request if it is still running; the same key with another message is 422. A failed request "
            + "stores nothing, so its repeat runs anew.";

    private static final int MAX_PAGE = 100;

    private final SessionService sessions;
    private final ChatService chat;
    private final JsonMapper json;
    private final WebProperties properties;

    SessionController(SessionService sessions, ChatService chat, JsonMapper json, WebProperties properties) {
        this.sessions = sessions;
        this.chat = chat;
        this.json = json;
        this.properties = properties;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Start a session",
            description = "Creates an isolated conversation with a random UUID, "
                    + "optionally for a persona and with the call's context (customer, campaign), which Lisa then knows "
                    + "on every turn.")
    @ApiResponse(
            responseCode = "201",
            description = "Created; Location names the session.",
            headers = @Header(name = "Location", description = "/api/v1/sessions/{id}"))
    @ProblemAnswer(
            status = "400",
            description = "Malformed body, a value of the wrong JSON type, bad metadata "
                    + "(urn:lisa:problem:invalid-request), text the store cannot keep: NUL, an unpaired surrogate or a body "
                    + "that is not UTF-8 (urn:lisa:problem:invalid-text), unknown persona (urn:lisa:problem:unknown-persona), "
                    + "or a call context that does not fit the persona's schemas (urn:lisa:problem:invalid-context; the "
                    + "problem's field names it, e.g. context.customer.name). Nothing is created.")
    @ProblemAnswer(
            status = "413",
            description = "Body over lisa.web.max-request-size (urn:lisa:problem:payload-too-large).")
    @ProblemAnswer(
            status = "429",
            description = "The caller has too many active sessions or created too many "
                    + "this minute (urn:lisa:problem:client-rate-limited, limit active-sessions or sessions-per-minute); "
                    + "nothing was created. Retry-After says when to try again.",
            headers = @Header(name = "Retry-After", description = ProblemAnswer.RETRY_AFTER))
    ResponseEntity<SessionView> create(@Valid @RequestBody(required = false) CreateSessionRequest request) {
        Session session = request == null
                ? sessions.create(null, null, null)
                : sessions.create(request.persona(), request.metadata(), request.context());
        return ResponseEntity.created(URI.create("/api/v1/sessions/" + session.id()))
                .body(SessionView.of(session, List.of()));
    }

    @GetMapping
    @Operation(
            summary = "List sessions",
            description = "Newest first, without messages. An agent sees the sessions "
                    + "it created, a supervisor those of its tenant, an admin all (tenant= narrows to one). Keyset "
                    + "pagination: pass a page's `next` as `after` for the following page. The status is as of the last "
                    + "sweep (lisa.session.sweep-interval): an idle session may still show active for that long.")
    @ApiResponse(responseCode = "200", description = "One page.")
    @ProblemAnswer(
            status = "400",
            description =
                    "Unknown status, limit not 1-100 or a cursor this service did " + "not make (invalid-request).")
    SessionSummary.Page list(
            @Parameter(description = "active, handed_off, ended or expired") @RequestParam(required = false)
                    String status,
            @Parameter(description = "Only this owner's sessions") @RequestParam(required = false) String owner,
            @Parameter(description = "Only this tenant's sessions (admin)") @RequestParam(required = false)
                    String tenant,
            @Parameter(description = "1-100, default 20") @RequestParam(required = false, defaultValue = "20")
                    String limit,
            @Parameter(description = "The `next` of the previous page") @RequestParam(required = false) String after) {
        int size;
        try {
            size = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 1 || size > MAX_PAGE) {
            throw new InvalidQueryException("limit must be a whole number from 1 to " + MAX_PAGE + ".");
        }
        SessionStatus wanted = null;
        if (status != null) {
            wanted = java.util.Arrays.stream(SessionStatus.values())
                    .filter(s -> s.wireName().equals(status))
                    .findFirst()
                    .orElseThrow(
                            () -> new InvalidQueryException("status must be active, handed_off, ended or expired."));
        }
        SessionPage.Cursor cursor;
        try {
            cursor = after == null ? null : SessionPage.Cursor.decode(after);
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException("after must be the next cursor of a previous page.");
        }
        SessionPage page = sessions.list(wanted, owner, tenant, cursor, size);
        return new SessionSummary.Page(
                page.sessions().stream().map(SessionSummary::of).toList(), page.next());
    }

    @PostMapping(path = "/{id}/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Send the customer's message, get Lisa's reply", description = CHAT_DESCRIPTION)
    @ApiResponse(
            responseCode = "200",
            description = "Lisa's reply; the turn is stored. With Accept: "
                    + "text/event-stream, the event stream described above.",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                        schema = @Schema(implementation = ChatReply.class)),
                @Content(
                        mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                        schema =
                                @Schema(
                                        type = "string",
                                        description =
                                                "Server-sent events: queued, delta, tool, done (then handoff) or error."))
            })
    @ProblemAnswer(
            status = "400",
            description = "Malformed id (invalid-session-id), body or a message that is "
                    + "not a JSON string (invalid-request) or Idempotency-Key (invalid-idempotency-key), blank message: "
                    + "empty or only white space and invisible characters (blank-message), message too long "
                    + "(message-too-long), text the store cannot keep: NUL, an unpaired surrogate or a body that is not UTF-8 "
                    + "(invalid-text). Nothing is sent to Gemini.")
    @SessionAnswers.NotFound
    @ProblemAnswer(
            status = "409",
            description = "The session is ended or expired (session-closed), a human agent "
                    + "has the call (session-handed-off, until POST .../resume), or another instance stored a turn first "
                    + "(turn-conflict).")
    @ProblemAnswer(status = "413", description = "Body too large (payload-too-large).")
    @ProblemAnswer(
            status = "422",
            description = "The Idempotency-Key was used in this session for another "
                    + "message (idempotency-key-reused); nothing was done.")
    @ProblemAnswer(
            status = "429",
            description = "The caller is over its messages per minute "
                    + "(client-rate-limited, limit messages-per-minute); nothing was sent to Gemini or stored. Retry-After "
                    + "says when the next message is let in.",
            headers = @Header(name = "Retry-After", description = ProblemAnswer.RETRY_AFTER))
    @ProblemAnswer(
            status = "502",
            description =
                    "Gemini refused the request for good, e.g. the conversation "
                            + "is too long or the key is invalid (upstream-rejected); the detail says what, never the key. Or Gemini's "
                            + "reply is longer than the store keeps, 1,000,000 characters (reply-too-long; nothing was stored).")
    @ProblemAnswer(
            status = "503",
            description = "Gemini unavailable or its circuit open (upstream-unavailable), "
                    + "its quota used up or the wait too long (quota-exhausted, with reason wait_too_long, queue_full, "
                    + "waited_too_long or daily_quota_exhausted), or the store unavailable (storage-unavailable). Retry-After "
                    + "says when to come back; nothing was stored and, for quota refusals, nothing was sent to Gemini.",
            headers = @Header(name = "Retry-After", description = ProblemAnswer.RETRY_AFTER))
    @ProblemAnswer(status = "504", description = "Gemini did not answer within lisa.gemini.timeout (upstream-timeout).")
    ChatReply chat(
            @PathVariable UUID id,
            @RequestBody ChatRequest request,
            @Parameter(description = KEY_DESCRIPTION) @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
                    String idempotencyKey)
            throws InterruptedException {
        return ChatReply.of(chat.takeTurn(id, request.message(), InvalidIdempotencyKeyException.check(idempotencyKey)));
    }

    @PostMapping(
            path = "/{id}/chat",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Hidden // one operation in the API description: the JSON call's, which documents both answers
    void chatStream(
            @PathVariable UUID id,
            @RequestBody ChatRequest request,
            @Parameter(description = KEY_DESCRIPTION) @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
                    String idempotencyKey,
            HttpServletRequest http,
            HttpServletResponse response) {
        PendingTurn turn = chat.accept(id, request.message(), InvalidIdempotencyKeyException.check(idempotencyKey));
        try (ChatStream stream = ChatStream.open(response, json, properties.stream(), turn.place())) {
            try {
                stream.done(ChatReply.of(turn.complete(stream)));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (!stream.clientGone()) {
                    stream.error(Problems.of(e, http.getRequestURI()));
                }
            }
        }
    }

    @GetMapping("/{id}")
    @Operation(
            summary = "Read a session",
            description = "Status, metadata, call context and the whole history, also for ended "
                    + "and expired sessions until their retention purges them.")
    @ApiResponse(responseCode = "200", description = "The session.")
    @SessionAnswers.ById
    SessionView get(@PathVariable UUID id) {
        return SessionView.of(sessions.conversation(id));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            summary = "End a session",
            description = "Idempotent. The session keeps its history and answers " + "chat with 409 from now on.")
    @ApiResponse(responseCode = "204", description = "Ended (or already ended or expired).")
    @SessionAnswers.ById
    void end(@PathVariable UUID id) {
        sessions.end(id);
    }
}
