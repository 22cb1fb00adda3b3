package com.callcenter.lisa.handoff;

import com.callcenter.lisa.chat.HumanHandoff;
import com.callcenter.lisa.session.Conversation;
import com.callcenter.lisa.session.Handoff;
import com.callcenter.lisa.session.HandoffMessage;
import com.callcenter.lisa.session.HandoffNotice;
import com.callcenter.lisa.session.SessionClosedException;
import com.callcenter.lisa.session.SessionService;
import com.callcenter.lisa.text.IncomingText;
import com.callcenter.lisa.text.InvalidMessageException;
import com.callcenter.lisa.text.MessageLimit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * A human agent takes a call over and hands it back. Used by the API and by Lisa's built-in
 * {@code request_human(reason)} tool alike.
 */
@Service
public class HandoffService implements HumanHandoff {

    private static final Logger log = LoggerFactory.getLogger(HandoffService.class);

    private final SessionService sessions;
    private final MessageLimit messageLimit;
    private final HandoffProperties properties;

    HandoffService(SessionService sessions, MessageLimit messageLimit, HandoffProperties properties) {
        this.sessions = sessions;
        this.messageLimit = messageLimit;
        this.properties = properties;
    }

    /**
     * Hands the session off to a human agent: its status becomes {@code handed_off}, Lisa takes no more
     * messages of it (chat answers 409 {@code session-handed-off}) until it is resumed, and its messages
     * still waiting for quota leave the queue. A turn Gemini is already answering completes and is stored
     * (for the tool: the turn that called it). Idempotent: a session already handed off keeps its first
     * handoff, which is returned.
     *
     * @param reason why, in words (not blank, at most {@code lisa.handoff.max-reason-chars})
     * @param by     who: the app, or Lisa's tool
     * @return what the stream that caused it sends as its {@code handoff} event
     * @throws InvalidMessageException                                if the reason is blank, too long or unstorable
     * @throws com.callcenter.lisa.session.SessionNotFoundException if there is no such session
     * @throws com.callcenter.lisa.session.SessionClosedException   if it was ended or has expired
     */
    public HandoffNotice handOff(UUID sessionId, String reason, Handoff.By by) {
        check("reason", reason, properties.maxReasonChars());
        boolean handedOff = sessions.handOff(sessionId, reason, by);
        Handoff handoff = sessions.conversation(sessionId).handoff();
        if (handoff == null) {
            // Ended or expired between the handoff and this read: the call is over.
            throw new SessionClosedException(sessionId, sessions.get(sessionId).status());
        }
        if (handedOff) {
            log.info("Session {} handed off to a human agent by {}", sessionId, by.wireName());
        }
        return HandoffNotice.of(handoff);
    }

    @Override
    public HandoffNotice handOffByLisa(UUID sessionId, String reason) {
        return handOff(sessionId, reason, Handoff.By.TOOL);
    }

    /**
     * Hands the call back to Lisa; her next Gemini request contains what was said meanwhile. Idempotent:
     * a session Lisa has stays as it is.
     *
     * @return the session after the resume
     * @throws com.callcenter.lisa.session.SessionNotFoundException if there is no such session
     * @throws com.callcenter.lisa.session.SessionClosedException   if it was ended or has expired
     */
    public Conversation resume(UUID sessionId) {
        if (sessions.resume(sessionId)) {
            log.info("Session {} resumed by Lisa", sessionId);
        }
        return sessions.conversation(sessionId);
    }

    /**
     * Stores what the human agent or the customer said while the agent has the call; nobody asks Gemini.
     *
     * @param author  who said it
     * @param content the words, validated as a chat message is
     * @throws InvalidMessageException                                    if the words are blank, too long or unstorable
     * @throws com.callcenter.lisa.session.SessionNotHandedOffException if Lisa has the call
     * @throws com.callcenter.lisa.session.SessionNotFoundException     if there is no such session
     * @throws com.callcenter.lisa.session.SessionClosedException       if it was ended or has expired
     */
    public HandoffMessage addMessage(UUID sessionId, HandoffMessage.Author author, String content) {
        check("content", content, messageLimit.maxMessageChars());
        return sessions.addHandoffMessage(sessionId, author, content, properties.repeatWindow());
    }

    /** The same rules as for a chat message, checked before anything is stored. */
    private static void check(String field, String text, int maxChars) {
        if (text == null) {
            throw new InvalidMessageException(
                    InvalidMessageException.Reason.BLANK,
                    "The " + field + " is missing; send it as a JSON string in \"" + field + "\".");
        }
        int unstorable = IncomingText.firstUnstorable(text);
        if (unstorable >= 0) {
            throw new InvalidMessageException(
                    InvalidMessageException.Reason.INVALID_TEXT,
                    "The " + field + " contains a character that cannot be stored (NUL or an unpaired UTF-16 "
                            + "surrogate) at position " + unstorable + "; nothing was stored.");
        }
        if (IncomingText.isBlank(text)) {
            throw new InvalidMessageException(
                    InvalidMessageException.Reason.BLANK,
                    "The " + field + " is empty or only white space and invisible characters.");
        }
        if (text.length() > maxChars) {
            throw new InvalidMessageException(
                    InvalidMessageException.Reason.TOO_LONG,
                    "The " + field + " has " + text.length() + " characters; at most " + maxChars + " are accepted.");
        }
    }
}
