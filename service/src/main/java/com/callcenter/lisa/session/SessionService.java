package com.callcenter.lisa.session;

import com.callcenter.lisa.persona.CallContext;
import com.callcenter.lisa.persona.Persona;
import com.callcenter.lisa.persona.PersonaCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * The lifecycle of conversations: create, read, end, expire, purge, and appending turns.
 *
 * <p>Expiry is applied when a session is read as well as by the periodic sweep, so a session idle
 * past its timeout is reported {@code expired} at once, not only after the next sweep.
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

    SessionService(SessionStore store, PersonaCatalog personas, SessionProperties properties, Clock clock,
                   ApplicationEventPublisher events, StoreState storeState) {
        this.store = store;
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
     */
    public Session create(String persona, Map<String, String> metadata, JsonNode context) {
        storeState.requireUp();
        Persona resolved = personas.resolve(persona);
        CallContext callContext = personas.checkContext(resolved, context);
        Instant now = clock.instant();
        Session session = new Session(UUID.randomUUID(), SessionStatus.ACTIVE, resolved.name(), now, now,
                metadata == null ? Map.of() : metadata, 0, callContext);
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
        Session session = store.find(id).orElseThrow(() -> new SessionNotFoundException(id));
        return expireIfIdle(session);
    }

    /** @throws SessionNotFoundException if there is no such session */
    public Conversation conversation(UUID id) {
        Session session = get(id);
        return new Conversation(session, store.turns(id));
    }

    /** One stored turn of a session, if it exists. */
    public java.util.Optional<Turn> turn(UUID sessionId, int number) {
        return store.turn(sessionId, number);
    }

    /**
     * The conversation of a session that takes turns.
     *
     * @throws SessionNotFoundException if there is no such session
     * @throws SessionClosedException   if it was ended or has expired
     */
    public Conversation activeConversation(UUID id) {
        return new Conversation(active(id), store.turns(id));
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
     * Ends a conversation. Idempotent: ending an ended or expired session changes nothing. Messages
     * of the session still waiting for quota on this instance are not sent ({@link SessionEnded}).
     *
     * @throws SessionNotFoundException if there is no such session
     */
    public void end(UUID id) {
        Session session = get(id);
        if (session.isActive()) {
            store.close(id, SessionStatus.ENDED, clock.instant());
        }
        events.publishEvent(new SessionEnded(id));
    }

    /** Expires idle sessions and purges those closed longer than the retention. */
    public void sweep() {
        Instant now = clock.instant();
        int expired = store.expireIdle(now.minus(properties.idleTimeout()), now);
        int purged = store.purgeClosedBefore(now.minus(properties.retention()));
        if (expired > 0 || purged > 0) {
            log.info("Session sweep: {} expired after {} idle, {} purged after {} retention",
                    expired, properties.idleTimeout(), purged, properties.retention());
        }
    }

    private Session expireIfIdle(Session session) {
        Instant now = clock.instant();
        if (session.isActive() && session.lastActivity().plus(properties.idleTimeout()).isBefore(now)) {
            store.close(session.id(), SessionStatus.EXPIRED, now);
            return store.find(session.id()).orElseThrow(() -> new SessionNotFoundException(session.id()));
        }
        return session;
    }
}
