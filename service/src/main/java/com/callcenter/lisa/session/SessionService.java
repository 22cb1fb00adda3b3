package com.callcenter.lisa.session;

import com.callcenter.lisa.identity.Caller;
import com.callcenter.lisa.identity.Callers;
import com.callcenter.lisa.limits.OwnerLimiter;
import com.callcenter.lisa.persona.CallContext;
import com.callcenter.lisa.persona.Persona;
import com.callcenter.lisa.persona.PersonaCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * The lifecycle of conversations: create, read, hand off to a human agent and resume, end, expire, purge,
 * and appending turns and what is said while a human agent has the call.
 *
 * <p>Expiry is applied when a session is read as well as by the periodic sweep, so a session idle
 * past its timeout is reported {@code expired} at once, not only after the next sweep. A handed-off
 * session expires like an active one: each handoff, resume and message of the human agent's conversation
 * counts as activity, so only a call nobody writes to for the idle timeout expires.
 *
 * <p>Ownership is checked here, below the web layer, so that every path to a session (read, end, chat as JSON
 * or stream, an idempotent repeat) goes through {@link #get}: a session the caller may not see is
 * {@link SessionNotFoundException}, the same answer as an id that does not exist, so its existence is not
 * revealed. The caller is the request's ({@link Callers}); the service's own background work has none.
 */
@Service
public class SessionService {

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);

    private final SessionStore store;
    private final PersonaCatalog personas;
    private final SessionProperties properties;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final StoreState storeState;
    private final OwnerLimiter limiter;
    /**
     * The turn each session has being answered on this instance ({@link TurnInFlight}): what a wrap-up made due now
     * must wait for. A turn on another instance is not known here (README, "Wrap-up for the CRM").
     */
    private final ConcurrentHashMap<UUID, TurnInFlight> answering = new ConcurrentHashMap<>();

    SessionService(
            SessionStore store,
            PersonaCatalog personas,
            SessionProperties properties,
            Clock clock,
            ApplicationEventPublisher events,
            StoreState storeState,
            OwnerLimiter limiter) {
        this.store = store;
        this.limiter = limiter;
        this.storeState = storeState;
        this.personas = personas;
        this.properties = properties;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Opens a new conversation.
     *
     * @param persona the persona's name, or {@code null} for the default persona
     * @param context the call context ({@code {"customer": {...}, "campaign": {...}}}), or {@code null}
     * @throws com.callcenter.lisa.persona.UnknownPersonaException if no such persona is configured
     * @throws com.callcenter.lisa.persona.InvalidContextException if the context does not fit the persona's schemas
     * @throws StoreUnavailableException                           if the store is known to be down
     * @throws com.callcenter.lisa.limits.ClientRateLimitedException if the caller has too many active
     *                                                              sessions or created too many this minute
     */
    public Session create(String persona, Map<String, String> metadata, JsonNode context) {
        storeState.requireUp();
        Persona resolved = personas.resolve(persona);
        CallContext callContext = personas.checkContext(resolved, context);
        Instant now = clock.instant();
        Caller caller = Callers.currentOrNone();
        // Active = not ended and not idle past the timeout (the sweep may not have marked it yet).
        limiter.admitSession(
                caller.limitedClient(limiter.tokenLimits()),
                () -> store.countActive(caller.tenant(), caller.owner(), now.minus(properties.idleTimeout())));
        Session session = new Session(
                UUID.randomUUID(),
                SessionStatus.ACTIVE,
                resolved.name(),
                now,
                now,
                metadata == null ? Map.of() : metadata,
                0,
                callContext,
                caller.tenant(),
                caller.owner(),
                false);
        store.insert(session);
        return session;
    }

    /**
     * Every use of a session starts here, a chat turn before it claims its key or quota: while the store
     * is known to be down, this refuses at once instead of waiting for the pool's connection timeout.
     *
     * @throws SessionNotFoundException  if there is no such session
     * @throws StoreUnavailableException if the store is known to be down
     */
    public Session get(UUID id) {
        storeState.requireUp();
        Session session = store.find(id).filter(this::maySee).orElseThrow(() -> new SessionNotFoundException(id));
        return expireIfIdle(session);
    }

    /** Whether the request's caller may see the session; the service's own background work sees every one. */
    private boolean maySee(Session session) {
        return Callers.current()
                .map(caller -> caller.maySee(session.tenant(), session.owner()))
                .orElse(true);
    }

    /**
     * The sessions the caller may see, newest first: an agent its own, a supervisor its tenant's, an admin all
     * (or one tenant's). The filters narrow that scope, never widen it.
     *
     * @param owner  only this owner's sessions, or {@code null}
     * @param tenant only this tenant's sessions (an admin's filter; for others it can only narrow), or {@code null}
     * @param after  the cursor of the previous page, or {@code null} for the first
     * @param limit  1 to 100
     */
    public SessionPage list(SessionStatus status, String owner, String tenant, SessionPage.Cursor after, int limit) {
        storeState.requireUp();
        Caller caller = Callers.currentOrNone();
        String scopeTenant = tenant;
        String scopeOwner = owner;
        if (!caller.isAdmin()) {
            if (tenant != null && !tenant.equals(caller.tenant())) {
                return new SessionPage(List.of(), null);
            }
            scopeTenant = caller.tenant();
            if (!caller.isSupervisorOf(caller.tenant())) {
                if (caller.owner() == null || (owner != null && !owner.equals(caller.owner()))) {
                    return new SessionPage(List.of(), null);
                }
                scopeOwner = caller.owner();
            }
        }
        List<Session> found = store.list(scopeTenant, scopeOwner, status, after, limit + 1);
        if (found.size() <= limit) {
            return new SessionPage(found, null);
        }
        List<Session> page = found.subList(0, limit);
        Session last = page.getLast();
        return new SessionPage(page, new SessionPage.Cursor(last.createdAt(), last.id()).encode());
    }

    /**
     * A session with its history: what {@link #get} checks, and the turns read with the session (one round trip on
     * PostgreSQL).
     *
     * @throws SessionNotFoundException  if there is no such session
     * @throws StoreUnavailableException if the store is known to be down
     */
    public Conversation conversation(UUID id) {
        storeState.requireUp();
        SessionStore.WithTurns found = store.findWithTurns(id)
                .filter(read -> maySee(read.session()))
                .orElseThrow(() -> new SessionNotFoundException(id));
        // Expiring it now changes its status, not its turns.
        return conversation(expireIfIdle(found.session()), found.turns());
    }

    /** One stored turn of a session, if it exists. */
    public java.util.Optional<Turn> turn(UUID sessionId, int number) {
        return store.turn(sessionId, number);
    }

    /**
     * The handoff a turn reported (Lisa's {@code request_human}, or the app's if it handed off first while the turn
     * was answered): the session's handoff made at {@code at} before the turn was stored, whether or not the session
     * was resumed since.
     */
    public java.util.Optional<Handoff> handoffOfTurn(UUID sessionId, int turnNumber, Instant at) {
        return store.handoffsAfterTurn(sessionId, turnNumber - 1).stream()
                .filter(handoff -> handoff.at().equals(at))
                .findFirst();
    }

    /**
     * The conversation of a session that takes turns.
     *
     * @throws SessionNotFoundException if there is no such session
     * @throws SessionClosedException   if it was ended or has expired
     */
    public Conversation activeConversation(UUID id) {
        return withHistory(active(id));
    }

    /**
     * The history of a session the caller has just read (and so was allowed to see): its turns and what was
     * said while a human agent had the call, without reading the session again.
     */
    public Conversation withHistory(Session session) {
        return conversation(session, store.turns(session.id()));
    }

    private Conversation conversation(Session session, List<Turn> turns) {
        UUID id = session.id();
        return new Conversation(
                session,
                turns,
                session.hasHandoffMessages() ? store.said(id) : List.of(),
                // An active session has no open handoff (resuming closes it): not looked for on every turn.
                session.isActive() ? null : store.openHandoff(id).orElse(null));
    }

    /**
     * A session that takes turns.
     *
     * @throws SessionNotFoundException if there is no such session
     * @throws SessionClosedException   if it was ended or has expired
     */
    public Session active(UUID id) {
        Session session = get(id);
        if (!session.isActive()) {
            throw new SessionClosedException(id, session.status());
        }
        return session;
    }

    /**
     * Stores a complete turn as the session's next one.
     *
     * @throws TurnConflictException if another turn was stored first (two instances on one session)
     */
    public void appendTurn(UUID sessionId, Turn turn) {
        store.append(sessionId, turn);
    }

    /**
     * The turn in which Lisa handed the session off (her {@code request_human} tool) is stored: its wrap-up is due
     * now if the handoff could not make it due, because the session had no stored turn then (it was handed off on
     * its first turn). Nothing changes if it has one. Called in the turn's transaction.
     */
    public void handoffTurnStored(UUID sessionId) {
        store.wrapUpDue(sessionId, now(), 0); // the turn is stored by now, in this transaction
    }

    /**
     * A turn of {@code sessionId} about to be answered on this instance; it counts from {@link TurnInFlight#answering}
     * (its first Gemini request) until closed. Ending or handing off the session meanwhile makes its wrap-up wait for
     * that turn: its message came before, so the wrap-up is about it. A turn closed without {@link TurnInFlight#stored}
     * (it failed) lets such a wrap-up go on without it at once, instead of after the longest a turn can take.
     */
    public TurnInFlight turnInFlight(UUID sessionId, int turnNumber) {
        return new TurnInFlight(sessionId, turnNumber);
    }

    /** See {@link #turnInFlight}. One per turn; a session has at most one turn answered at a time on an instance. */
    public final class TurnInFlight implements AutoCloseable {

        private final UUID sessionId;
        private final int turnNumber;
        private final AtomicBoolean counted = new AtomicBoolean();
        /** A wrap-up was made due while this turn was answered: it awaits the turn. */
        private volatile boolean awaited;

        private volatile boolean stored;

        private TurnInFlight(UUID sessionId, int turnNumber) {
            this.sessionId = sessionId;
            this.turnNumber = turnNumber;
        }

        /** Gemini is asked now: from here on the turn is stored unless it fails. Repeats change nothing. */
        public void answering() {
            if (counted.compareAndSet(false, true)) {
                answering.put(sessionId, this);
            }
        }

        /** The turn is stored (committed). */
        public void stored() {
            stored = true;
        }

        @Override
        public void close() {
            if (!counted.compareAndSet(true, false)) {
                return;
            }
            answering.remove(sessionId, this);
            if (awaited && !stored) {
                try {
                    store.turnNotStored(sessionId, turnNumber);
                } catch (RuntimeException e) {
                    log.warn(
                            "The wrap-up of session {} waits for its failed turn {} as long as a turn can take: {}",
                            sessionId,
                            turnNumber,
                            e.toString());
                }
            }
        }
    }

    /**
     * The number of the session's turn being answered on this instance, or 0, for a wrap-up made due now: that turn
     * is marked as awaited, so that it says so if it fails.
     */
    private int turnToAwait(UUID sessionId) {
        TurnInFlight turn = answering.get(sessionId);
        if (turn == null) {
            return 0;
        }
        turn.awaited = true;
        return turn.turnNumber;
    }

    /**
     * Ends a conversation. Idempotent: ending an ended or expired session changes nothing. Messages
     * of the session still waiting for quota on this instance are not sent ({@link SessionEnded}).
     *
     * @throws SessionNotFoundException if there is no such session
     */
    public void end(UUID id) {
        Session session = get(id);
        if (session.status().open()) {
            store.close(id, SessionStatus.ENDED, clock.instant(), turnToAwait(id));
        }
        events.publishEvent(new SessionEnded(id));
    }

    /**
     * A human agent takes the call over: Lisa takes no more messages of the session until it is resumed.
     * Idempotent: a session already handed off stays as it was handed off (its first reason and time).
     * Messages of the session still waiting for quota on this instance are not sent ({@link SessionHandedOff});
     * one Gemini is already answering completes and is stored.
     *
     * @return whether this call handed it off (false: it already was)
     * @throws SessionNotFoundException if there is no such session
     * @throws SessionClosedException   if it was ended or has expired
     */
    public boolean handOff(UUID id, String reason, Handoff.By by) {
        Session session = get(id);
        boolean handedOff = session.isActive() && store.handOff(id, reason, by, now(), turnToAwait(id));
        if (!handedOff) {
            Session current = store.find(id).orElseThrow(() -> new SessionNotFoundException(id));
            if (current.status() != SessionStatus.HANDED_OFF) {
                throw new SessionClosedException(id, current.status());
            }
        }
        events.publishEvent(new SessionHandedOff(id));
        return handedOff;
    }

    /**
     * The call goes back to Lisa, who is shown what was said meanwhile. Idempotent: an active session
     * stays as it is.
     *
     * @return whether this call resumed it (false: Lisa had it already)
     * @throws SessionNotFoundException if there is no such session
     * @throws SessionClosedException   if it was ended or has expired
     */
    public boolean resume(UUID id) {
        Session session = get(id);
        boolean resumed = session.status() == SessionStatus.HANDED_OFF && store.resume(id, now());
        if (!resumed) {
            Session current = store.find(id).orElseThrow(() -> new SessionNotFoundException(id));
            if (!current.isActive()) {
                throw new SessionClosedException(id, current.status());
            }
        }
        return resumed;
    }

    /**
     * Stores words said while a human agent has the call. A repeat of the session's last message (same
     * author and words) within {@code repeatWindow} is a double submit: the stored message is returned.
     *
     * @throws SessionNotFoundException     if there is no such session
     * @throws SessionNotHandedOffException if Lisa has the call
     * @throws SessionClosedException       if it was ended or has expired
     */
    public HandoffMessage addHandoffMessage(
            UUID id, HandoffMessage.Author author, String content, Duration repeatWindow) {
        get(id); // unknown sessions, a store known to be down, and expiry first
        return store.addHandoffMessage(id, author, content, now(), repeatWindow).orElseThrow(() -> {
            Session session = store.find(id).orElseThrow(() -> new SessionNotFoundException(id));
            return session.isActive()
                    ? new SessionNotHandedOffException(id)
                    : new SessionClosedException(id, session.status());
        });
    }

    /** Times as the store keeps them (microseconds), so an answer says what a later read of it says. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Expires idle sessions and purges those closed longer than the retention. */
    public void sweep() {
        Instant now = clock.instant();
        int expired = store.expireIdle(now.minus(properties.idleTimeout()), now);
        int purged = store.purgeClosedBefore(now.minus(properties.retention()));
        if (expired > 0 || purged > 0) {
            log.info(
                    "Session sweep: {} expired after {} idle, {} purged after {} retention",
                    expired,
                    properties.idleTimeout(),
                    purged,
                    properties.retention());
        }
    }

    private Session expireIfIdle(Session session) {
        Instant now = clock.instant();
        if (session.status().open()
                && session.lastActivity().plus(properties.idleTimeout()).isBefore(now)) {
            store.close(session.id(), SessionStatus.EXPIRED, now, 0); // idle: no turn is being answered
            return store.find(session.id()).orElseThrow(() -> new SessionNotFoundException(session.id()));
        }
        return session;
    }
}
