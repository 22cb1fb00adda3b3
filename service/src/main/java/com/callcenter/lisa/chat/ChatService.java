package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.Dispatched;
import com.callcenter.lisa.gemini.FunctionCalls;
import com.callcenter.lisa.gemini.GeminiClient;
import com.callcenter.lisa.gemini.GeminiGateway;
import com.callcenter.lisa.gemini.GeminiReply;
import com.callcenter.lisa.gemini.Prompt;
import com.callcenter.lisa.gemini.TokenUsage;
import com.callcenter.lisa.identity.Callers;
import com.callcenter.lisa.limits.LimitedClient;
import com.callcenter.lisa.limits.OwnerLimiter;
import com.callcenter.lisa.persona.Persona;
import com.callcenter.lisa.persona.PersonaCatalog;
import com.callcenter.lisa.quota.QueuePlace;
import com.callcenter.lisa.quota.QuotaRejectedException;
import com.callcenter.lisa.quota.QuotaScheduler;
import com.callcenter.lisa.quota.Share;
import com.callcenter.lisa.session.Conversation;
import com.callcenter.lisa.session.HandoffNotice;
import com.callcenter.lisa.session.Session;
import com.callcenter.lisa.session.SessionClosedException;
import com.callcenter.lisa.session.SessionEnded;
import com.callcenter.lisa.session.SessionHandedOff;
import com.callcenter.lisa.session.SessionService;
import com.callcenter.lisa.session.Turn;
import com.callcenter.lisa.text.IncomingText;
import com.callcenter.lisa.text.InvalidMessageException;
import com.callcenter.lisa.text.MessageLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One chat turn: admit it against the quota, wait for the session's earlier turns, ask Gemini (through
 * the quota scheduler) with the stored history, and store message and reply together. If anything
 * fails before the turn is stored, the history is as it was and the failure goes back to the client;
 * once stored, the reply is what the client receives.
 *
 * <p>When Gemini asks for tools (function calls), the turn calls them ({@link ToolRunner}) and asks Gemini again
 * with their results, up to {@code lisa.chat.max-tool-rounds} rounds, each a further request through the quota
 * scheduler ahead of new messages, all within the turn's one deadline; after the last round Gemini is asked once
 * more with function calling off. Whatever the rounds, the turn is stored once: its calls, and all its contents
 * for later requests. A failure in a later round fails the turn like any other (nothing stored); the tools
 * already called were called with idempotency keys, so the client's retry of the turn does not act twice.
 */
@Service
public class ChatService {

    /** A message let in: who sent what, and its admission to the quota queue. */
    record Accepted(
            UUID sessionId,
            String message,
            Instant receivedAt,
            IdempotentRequests.Request request,
            QuotaScheduler.Admission admission,
            Draft draft) {

        Accepted(
                UUID sessionId,
                String message,
                Instant receivedAt,
                IdempotentRequests.Request request,
                Admitted admitted) {
            this(sessionId, message, receivedAt, request, admitted.admission(), admitted.draft());
        }
    }

    /**
     * The turn's prompt as built on arrival, from the session and history read then. The turn sends it as it
     * is when the session is still as it was (no turn stored, handed off, ended or expired meanwhile: the
     * stored history is then the one read), which spares reading the history and building the prompt twice;
     * when this instance has not changed the session since ({@code mark}), without reading the session again.
     */
    record Draft(Session session, Prompt prompt, long mark) {}

    /** What admission gives the turn: its place in the quota queue and its prompt as built on arrival. */
    record Admitted(QuotaScheduler.Admission admission, Draft draft) {}

    private final SessionService sessions;
    private final PersonaCatalog personas;
    private final GeminiClient gemini;
    private final GeminiGateway gateway;
    private final ChatProperties properties;
    private final MessageLimit messageLimit;
    private final IdempotentRequests requests;
    private final OwnerLimiter limiter;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final PromptBuilder prompts;
    private final PersonaPrompts personaPrompts;
    private final ToolRunner toolRunner;
    private final JsonMapper json;
    private final SessionTurnOrder turnOrder = new SessionTurnOrder();
    private final LocalSessionChanges changes = new LocalSessionChanges();
    /** Messages waiting for quota, by session: ending the session takes them out of the queue. */
    private final WaitingMessages waiting = new WaitingMessages();

    ChatService(
            SessionService sessions,
            PersonaCatalog personas,
            GeminiClient gemini,
            GeminiGateway gateway,
            ChatProperties properties,
            MessageLimit messageLimit,
            IdempotentRequests requests,
            OwnerLimiter limiter,
            TransactionTemplate transaction,
            Clock clock,
            ToolRunner toolRunner,
            JsonMapper json) {
        this.toolRunner = toolRunner;
        this.json = json;
        this.sessions = sessions;
        this.personas = personas;
        this.gemini = gemini;
        this.gateway = gateway;
        this.properties = properties;
        this.messageLimit = messageLimit;
        this.requests = requests;
        this.limiter = limiter;
        this.transaction = transaction;
        this.clock = clock;
        this.prompts = new PromptBuilder(properties.maxInputTokens());
        this.personaPrompts = new PersonaPrompts(personas, toolRunner);
    }

    /**
     * Takes one turn of the conversation, waiting for the finished reply.
     *
     * @see #accept
     * @see PendingTurn#complete
     */
    public TurnResult takeTurn(UUID sessionId, String message, String idempotencyKey) throws InterruptedException {
        return accept(sessionId, message, idempotencyKey).complete(TurnObserver.NONE);
    }

    /**
     * Checks everything that can be decided on arrival and queues the message for quota.
     *
     * @param idempotencyKey the client's key for this message, or {@code null}
     * @throws InvalidMessageException                              if the message is blank or too long
     * @throws com.callcenter.lisa.session.SessionNotFoundException if the session does not exist
     * @throws com.callcenter.lisa.session.SessionClosedException   if it was ended or has expired
     * @throws IdempotencyKeyReusedException                        if the key came with another message before
     * @throws TurnRefusedException                                 if it cannot be served within the maximum wait
     * @throws com.callcenter.lisa.limits.ClientRateLimitedException if the owner is over its messages per minute
     */
    public PendingTurn accept(UUID sessionId, String message, String idempotencyKey) {
        validate(message);
        long mark = changes.mark(sessionId);
        // Unknown sessions are refused before anything is recorded. The history comes with the session (one round
        // trip on PostgreSQL): admission builds the prompt from it.
        Conversation conversation = sessions.conversation(sessionId);
        Instant receivedAt = now();
        IdempotentRequests.Request request = null;
        if (idempotencyKey != null) {
            request = IdempotentRequests.Request.of(sessionId, idempotencyKey, message);
            switch (requests.claim(request)) {
                case IdempotentRequests.Claim.Done done -> {
                    return new PendingTurn(this, new PendingTurn.Work.Answered(stored(sessionId, done.row())));
                }
                case IdempotentRequests.Claim.Running ignored -> {
                    return new PendingTurn(
                            this,
                            new PendingTurn.Work.AwaitFirst(
                                    new Accepted(sessionId, message, receivedAt, request, null, null)));
                }
                case IdempotentRequests.Claim.Claimed ignored -> {
                    // a new request: taken below
                }
            }
        }
        Accepted accepted =
                new Accepted(sessionId, message, receivedAt, request, admit(conversation, mark, message, request));
        return new PendingTurn(this, new PendingTurn.Work.Take(accepted));
    }

    TurnResult complete(PendingTurn pending, TurnObserver observer) throws InterruptedException {
        return switch (pending.work()) {
            case PendingTurn.Work.Take take -> take(take.accepted(), observer);
            case PendingTurn.Work.Answered answered -> replay(answered.result(), observer);
            case PendingTurn.Work.AwaitFirst await -> {
                Accepted first = await.accepted();
                IdempotentRequests.Claim outcome = requests.awaitOutcome(first.request());
                if (outcome instanceof IdempotentRequests.Claim.Done done) {
                    yield replay(stored(first.sessionId(), done.row()), observer);
                }
                // The first run failed, so nothing was stored: this repeat is now the request.
                long mark = changes.mark(first.sessionId());
                Admitted admitted =
                        admit(sessions.conversation(first.sessionId()), mark, first.message(), first.request());
                yield take(
                        new Accepted(first.sessionId(), first.message(), now(), first.request(), admitted), observer);
            }
        };
    }

    /** @param mark this instance's changes to the session as they were before it was read ({@link Draft}) */
    private Admitted admit(Conversation conversation, long mark, String message, IdempotentRequests.Request request) {
        Session session = conversation.session();
        try {
            if (!session.isActive()) {
                throw new SessionClosedException(session.id(), session.status());
            }
            // The owner's messages per minute, before any quota is spent (429, not the quota's 503).
            limiter.admitMessage(limitedClient());
            // Admission estimates the same call the queue will later reserve for, or its promised wait (and
            // Retry-After) is too short for a long instruction or history, and under a token or spend budget it
            // would let in what the queue then cannot serve in time: so the prompt is built now, once.
            Prompt prompt = prompt(conversation, message);
            QuotaScheduler.Admission admission = gateway.admit(
                    shareOf(session), turnOrder.ahead(session.id()), PromptBuilder.estimatedTokens(prompt));
            return new Admitted(admission, new Draft(session, prompt, mark));
        } catch (QuotaRejectedException e) {
            if (request != null) {
                requests.release(request);
            }
            throw TurnRefusedException.of(e);
        } catch (RuntimeException e) {
            if (request != null) {
                requests.release(request);
            }
            throw e;
        }
    }

    /**
     * Whose limits the message counts against: the caller's, the one sending it (an admin or supervisor
     * writing in someone else's session spends its own allowance); nobody's without authentication.
     */
    private LimitedClient limitedClient() {
        return Callers.currentOrNone().limitedClient(limiter.tokenLimits());
    }

    /**
     * Whose message it is, for the round robin of the Gemini quota over clients: the session's tenant and
     * owner as stored when it was created (never the request's). Sessions created without authentication
     * are of tenant {@code default} with no owner: first come, first served among them, as before.
     */
    private static Share shareOf(Session session) {
        return new Share(session.tenant(), session.owner());
    }

    /**
     * The call is over: messages of the session still waiting for quota leave the queue unsent (their
     * clients get 409 session-closed). A message Gemini is already answering completes and is stored.
     */
    @EventListener
    void sessionEnded(SessionEnded ended) {
        changes.changed(ended.sessionId());
        for (QueuePlace place : waiting.of(ended.sessionId())) {
            place.leave(QueuePlace.sessionEnded());
        }
    }

    /**
     * A human agent took the call over: messages of the session still waiting for quota leave the queue
     * unsent (their clients get 409 session-handed-off), as when the call ends.
     */
    @EventListener
    void sessionHandedOff(SessionHandedOff handedOff) {
        changes.changed(handedOff.sessionId());
        for (QueuePlace place : waiting.of(handedOff.sessionId())) {
            place.leave(QueuePlace.handedOff());
        }
    }

    private TurnResult take(Accepted accepted, TurnObserver observer) throws InterruptedException {
        QueuePlace place = accepted.admission().place();
        place.watch(observer::queued);
        waiting.add(accepted.sessionId(), place);
        try {
            return answerAndStore(accepted, observer);
        } catch (QuotaRejectedException e) {
            releaseKey(accepted);
            if (e.reason() == QuotaRejectedException.Reason.SESSION_ENDED
                    || e.reason() == QuotaRejectedException.Reason.HANDED_OFF
                    || e.reason() == QuotaRejectedException.Reason.CLIENT_GONE) {
                Session session = sessions.get(accepted.sessionId());
                if (!session.isActive()) {
                    throw new SessionClosedException(session.id(), session.status());
                }
            }
            throw TurnRefusedException.of(e);
        } catch (RuntimeException | InterruptedException e) {
            releaseKey(accepted);
            throw e;
        } finally {
            waiting.remove(accepted.sessionId(), place);
        }
    }

    private void releaseKey(Accepted accepted) {
        if (accepted.request() != null) {
            requests.release(accepted.request());
        }
    }

    private TurnResult answerAndStore(Accepted accepted, TurnObserver observer) throws InterruptedException {
        UUID sessionId = accepted.sessionId();
        QuotaScheduler.Admission admission = accepted.admission();
        long arrived = System.nanoTime();
        try (SessionTurnOrder.Slot slot = turnOrder.await(sessionId, remaining(admission))) {
            if (slot == null) {
                throw new QuotaRejectedException(
                        QuotaRejectedException.Reason.WAITED_TOO_LONG,
                        Duration.ofSeconds(1),
                        "The session's earlier messages were still being answered when this one's wait ran out.");
            }
            long sessionWaitMs = (System.nanoTime() - arrived) / 1_000_000;
            Draft draft = accepted.draft();
            Session session;
            Prompt prompt;
            if (draft != null && changes.unchangedSince(sessionId, draft.mark())) {
                // Read on arrival, and not changed here since: the common case, a message with no earlier one of
                // its session still being answered. (Another instance's change is refused by the store, as one
                // made while Gemini answers would be.)
                session = draft.session();
                prompt = draft.prompt();
            } else {
                session = sessions.active(sessionId);
                // The prompt built on arrival, unless the session changed since (its earlier turn was stored
                // meanwhile, or another instance's): then from the history as it is now.
                prompt = draft != null && draft.session().equals(session)
                        ? draft.prompt()
                        : prompt(sessions.withHistory(session), accepted.message());
            }
            int turnNumber = session.turnCount() + 1;
            // Counted from its first Gemini request to its store: a wrap-up made due meanwhile waits for it.
            try (SessionService.TurnInFlight inFlight = sessions.turnInFlight(sessionId, turnNumber)) {
                return answer(accepted, session, prompt, turnNumber, sessionWaitMs, observer, inFlight);
            }
        }
    }

    /**
     * The turn once its slot is taken: Gemini's answer (with the tool rounds it asks for), then message and reply
     * stored as turn {@code turnNumber} of {@code session}, as read for this turn.
     */
    private TurnResult answer(
            Accepted accepted,
            Session session,
            Prompt prompt,
            int turnNumber,
            long sessionWaitMs,
            TurnObserver observer,
            SessionService.TurnInFlight inFlight)
            throws InterruptedException {
        UUID sessionId = accepted.sessionId();
        QuotaScheduler.Admission admission = accepted.admission();
        Persona persona = personas.resolve(session.persona());
        Dispatched<GeminiReply> dispatch =
                gateway.dispatch(admission, PromptBuilder.estimatedTokens(prompt), call(prompt, observer, inFlight));
        GeminiReply reply = dispatch.result();
        long geminiWaitMs = dispatch.queueWaitMs();
        int attempts = dispatch.attempts();
        // Every request of the turn counts: its usage and cost are the sums over its tool rounds.
        TokenUsage usage = reply.usage();
        java.math.BigDecimal costUsd = dispatch.costUsd();
        // The turn's contents while it uses tools: the model's calls (as received, signed) and their results.
        List<String> contents = new ArrayList<>();
        List<ToolCall> toolCalls = new ArrayList<>();
        HandoffNotice handoff = null;
        int rounds = 0;
        List<FunctionCalls.Call> requested = FunctionCalls.requested(reply.modelParts());
        while (!requested.isEmpty() && rounds < properties.maxToolRounds()) {
            rounds++;
            List<FunctionCalls.Answer> answers = new ArrayList<>(requested.size());
            for (FunctionCalls.Call call : requested) {
                ToolCall done = toolRunner.run(
                        persona, sessionId, turnNumber, toolCalls.size() + 1, call, remaining(admission));
                toolCalls.add(done);
                if (done.handoff() != null) {
                    handoff = done.handoff(); // request_human: the answer says so, after the stored turn
                }
                observer.toolCalled(done.name(), done.status());
                answers.add(new FunctionCalls.Answer(call.id(), call.name(), done.result()));
            }
            String responses = FunctionCalls.responses(answers);
            contents.add(reply.modelParts());
            contents.add(responses);
            // After the last allowed round the model is asked once more with function calling off: it answers
            // in words, so the turn ends with something Lisa says.
            prompt = prompt.followedBy(
                    List.of(
                            new Prompt.Message(Prompt.Role.MODEL, reply.text(), reply.modelParts(), reply.model()),
                            new Prompt.Message(Prompt.Role.USER, "", responses, null)),
                    rounds >= properties.maxToolRounds());
            dispatch = gateway.dispatch(
                    admission, PromptBuilder.estimatedTokens(prompt), call(prompt, observer, inFlight), reply.model());
            reply = dispatch.result();
            geminiWaitMs += dispatch.queueWaitMs();
            attempts += dispatch.attempts();
            usage = sum(usage, reply.usage());
            // unknown (no price) as soon as one request's cost is
            costUsd = costUsd == null || dispatch.costUsd() == null ? null : costUsd.add(dispatch.costUsd());
            requested = FunctionCalls.requested(reply.modelParts());
        }
        // Calls still asked for (mode NONE not honoured) are never answered: the turn ends with the fallback
        // line.
        boolean spoken = !reply.isEmpty() && requested.isEmpty();
        String text = spoken ? reply.text() : properties.fallbackReply();
        if (text.length() > ReplyTooLongException.MAX_REPLY_CHARS) {
            throw new ReplyTooLongException(text.length());
        }
        String modelParts;
        if (contents.isEmpty()) {
            // The fallback line is ours, not Gemini's: such a turn goes back as text.
            modelParts = spoken ? reply.modelParts() : null;
        } else {
            contents.add(spoken && reply.modelParts() != null ? reply.modelParts() : FunctionCalls.textContent(text));
            modelParts = FunctionCalls.sequence(contents);
        }
        Turn turn = new Turn(
                turnNumber,
                accepted.message(),
                accepted.receivedAt(),
                text,
                now(),
                reply.finishReason(),
                reply.model(),
                usage.promptTokens(),
                usage.replyTokens(),
                modelParts,
                usage.cachedTokens(),
                usage.thoughtTokens(),
                costUsd,
                toolCalls.isEmpty() ? null : json.writeValueAsString(toolCalls));
        long queueWaitMs = sessionWaitMs + geminiWaitMs;
        int allAttempts = attempts;
        TokenUsage turnUsage = usage;
        HandoffNotice madeHandoff = handoff;
        if (madeHandoff == null && accepted.request() == null) {
            sessions.appendTurn(sessionId, turn); // atomic on its own: one statement on PostgreSQL
        } else {
            transaction.executeWithoutResult(status -> {
                sessions.appendTurn(sessionId, turn);
                if (madeHandoff != null) {
                    sessions.handoffTurnStored(sessionId); // the wrap-up of a session handed off on its first turn
                }
                if (accepted.request() != null) {
                    requests.done(accepted.request(), turn.number(), turnUsage.totalTokens(), queueWaitMs, allAttempts);
                }
            });
        }
        inFlight.stored();
        changes.changed(sessionId); // before the slot is released: the next message of the session sees it
        return new TurnResult(
                sessionId,
                text,
                reply.finishReason(),
                reply.model(),
                usage,
                turn.repliedAt(),
                queueWaitMs,
                allAttempts,
                costUsd,
                handoff,
                toolCalls.stream()
                        .map(call -> new TurnResult.ToolCalled(call.name(), call.status()))
                        .toList());
    }

    private static TokenUsage sum(TokenUsage a, TokenUsage b) {
        return new TokenUsage(
                a.promptTokens() + b.promptTokens(),
                a.replyTokens() + b.replyTokens(),
                a.totalTokens() + b.totalTokens(),
                a.cachedTokens() + b.cachedTokens(),
                a.thoughtTokens() + b.thoughtTokens());
    }

    /**
     * The turn's first request: the session's system instruction, as much of the history (with what was said
     * during a handoff) as fits, the message, and the persona's tools.
     */
    private Prompt prompt(Conversation conversation, String message) {
        Session session = conversation.session();
        PersonaPrompts.PersonaPrompt persona = personaPrompts.of(session.persona(), session.context());
        return prompts.build(persona.instruction(), conversation.turns(), conversation.handoffMessages(), message)
                .withTools(persona.tools(), persona.tools().isEmpty() || properties.maxToolRounds() <= 0);
    }

    /**
     * One Gemini request of the turn: streamed piece by piece to an observer that wants pieces. From the first, the
     * turn is {@code inFlight}: it is stored unless it fails.
     */
    private Function<String, GeminiReply> call(
            Prompt prompt, TurnObserver observer, SessionService.TurnInFlight inFlight) {
        return observer.wantsPieces()
                ? model -> {
                    inFlight.answering();
                    observer.answering();
                    return gemini.stream(model, prompt, observer::delta);
                }
                : model -> {
                    inFlight.answering();
                    observer.answering();
                    return gemini.generate(model, prompt);
                };
    }

    /**
     * A stored outcome, handed to the observer as the first run showed it, so that a streaming client repeating the
     * request sees the same events: the tools called, in order, then the reply as one piece.
     */
    private static TurnResult replay(TurnResult result, TurnObserver observer) {
        for (TurnResult.ToolCalled tool : result.toolsCalled()) {
            observer.toolCalled(tool.name(), tool.status());
        }
        observer.delta(result.reply());
        return result;
    }

    private TurnResult stored(UUID sessionId, ChatRequestStore.Row row) {
        Turn turn = sessions.turn(sessionId, row.turnNumber())
                .orElseThrow(
                        () -> new IllegalStateException("Turn " + row.turnNumber() + " of " + sessionId + " is gone"));
        // The turn's tool calls as stored, read once for what the repeat shows: their events and the handoff.
        List<JsonNode> calls = new ArrayList<>();
        if (turn.toolCalls() != null) {
            json.readTree(turn.toolCalls()).forEach(calls::add);
        }
        return new TurnResult(
                sessionId,
                turn.reply(),
                turn.finishReason(),
                turn.model(),
                new TokenUsage(
                        turn.promptTokens(),
                        turn.replyTokens(),
                        row.totalTokens(),
                        turn.cachedTokens(),
                        turn.thoughtTokens()),
                turn.repliedAt(),
                row.queueWaitMs(),
                row.attempts(),
                turn.costUsd(),
                handoffOf(sessionId, turn.number(), calls),
                calls.stream()
                        .map(call -> new TurnResult.ToolCalled(
                                call.path("name").asString(""),
                                call.path("status").asString("")))
                        .toList());
    }

    /**
     * The handoff a stored turn reported, for a repeat of its request: only a turn whose {@code request_human} call
     * handed off (stored with the handoff's time in its result) costs a read, of the session's handoffs before it.
     * The one made then is reported as it was, also when the session has been resumed since.
     */
    private HandoffNotice handoffOf(UUID sessionId, int turnNumber, List<JsonNode> calls) {
        Instant at = null;
        for (JsonNode call : calls) {
            JsonNode result = call.path("result");
            if (ToolRunner.REQUEST_HUMAN.equals(call.path("name").asString(""))
                    && ToolCall.OK.equals(call.path("status").asString(""))
                    && result.path("handedOff").asBoolean(false)
                    && result.path("at").isString()) {
                try {
                    at = Instant.parse(result.path("at").asString()); // the last one wins, as when it was answered
                } catch (DateTimeParseException e) {
                    // not the built-in tool's result (a persona's own tool of that name): no handoff of ours
                }
            }
        }
        if (at == null) {
            return null;
        }
        return sessions.handoffOfTurn(sessionId, turnNumber, at)
                .map(HandoffNotice::of)
                .orElse(null);
    }

    /** Times as the store keeps them (microseconds), so a reply says what a later read of it says. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private Duration remaining(QuotaScheduler.Admission admission) {
        Duration left = Duration.between(clock.instant(), admission.deadline());
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void validate(String message) {
        if (message == null) {
            throw new InvalidMessageException(
                    InvalidMessageException.Reason.BLANK,
                    "The message is empty; send the customer's words in \"message\".");
        }
        int unstorable = IncomingText.firstUnstorable(message);
        if (unstorable >= 0) {
            throw new InvalidMessageException(
                    InvalidMessageException.Reason.INVALID_TEXT,
                    "The message contains a character that cannot be stored (NUL or an unpaired UTF-16 surrogate) "
                            + "at position " + unstorable + "; nothing was sent to Gemini.");
        }
        if (IncomingText.isBlank(message)) {
            throw new InvalidMessageException(
                    InvalidMessageException.Reason.BLANK,
                    "The message is empty or only white space and invisible characters; send the customer's words "
                            + "in \"message\".");
        }
        if (message.length() > messageLimit.maxMessageChars()) {
            throw new InvalidMessageException(
                    InvalidMessageException.Reason.TOO_LONG,
                    "The message has " + message.length() + " characters; at most " + messageLimit.maxMessageChars()
                            + " are accepted.");
        }
    }

    /** Messages of the session waiting for an earlier one's turn to end: see SessionTurnOrder#queued. */
    int messagesQueuedBehindATurn(UUID sessionId) {
        return turnOrder.queued(sessionId);
    }
}
