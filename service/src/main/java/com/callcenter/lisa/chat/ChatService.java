package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.GeminiClient;
import com.callcenter.lisa.gemini.GeminiReply;
import com.callcenter.lisa.persona.PersonaCatalog;
import com.callcenter.lisa.session.Conversation;
import com.callcenter.lisa.session.SessionService;
import com.callcenter.lisa.session.Turn;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * One chat turn: wait for the session's earlier turns, ask Gemini with the stored history, and store
 * message and reply together. If anything fails before the turn is stored, the history is as it was
 * and the failure goes back to the client; once stored, the reply is what the client receives.
 */
@Service
public class ChatService {

    private final SessionService sessions;
    private final PersonaCatalog personas;
    private final GeminiClient gemini;
    private final ChatProperties properties;
    private final Clock clock;
    private final PromptBuilder prompts;
    private final SessionTurnOrder turnOrder = new SessionTurnOrder();

    ChatService(SessionService sessions, PersonaCatalog personas, GeminiClient gemini, ChatProperties properties,
                Clock clock) {
        this.sessions = sessions;
        this.personas = personas;
        this.gemini = gemini;
        this.properties = properties;
        this.clock = clock;
        this.prompts = new PromptBuilder(properties.maxInputTokens());
    }

    /**
     * Takes one turn of the conversation.
     *
     * @throws InvalidMessageException                                  if the message is blank or too long
     * @throws com.callcenter.lisa.session.SessionNotFoundException     if the session does not exist
     * @throws com.callcenter.lisa.session.SessionClosedException       if it was ended or has expired
     * @throws com.callcenter.lisa.gemini.GeminiFailure                 if Gemini gave no reply
     */
    public TurnResult takeTurn(UUID sessionId, String message) throws InterruptedException {
        validate(message);
        Instant receivedAt = clock.instant();
        try (SessionTurnOrder.Slot ignored = turnOrder.await(sessionId)) {
            Conversation conversation = sessions.activeConversation(sessionId);
            String systemPrompt = personas.resolve(conversation.session().persona()).systemPrompt();
            GeminiReply reply = gemini.generate(prompts.build(systemPrompt, conversation.turns(), message));
            String text = reply.isEmpty() ? properties.fallbackReply() : reply.text();
            Turn turn = new Turn(conversation.session().turnCount() + 1, message, receivedAt, text, clock.instant(),
                    reply.finishReason(), reply.model(), reply.usage().promptTokens(), reply.usage().replyTokens());
            sessions.appendTurn(sessionId, turn);
            return new TurnResult(sessionId, text, reply.finishReason(), reply.model(), reply.usage(),
                    turn.repliedAt());
        }
    }

    /** The longest message accepted, for the API description and error messages. */
    public int maxMessageChars() {
        return properties.maxMessageChars();
    }

    private void validate(String message) {
        if (message == null || message.isBlank()) {
            throw new InvalidMessageException(InvalidMessageException.Reason.BLANK,
                    "The message is empty; send the customer's words in \"message\".");
        }
        if (message.length() > properties.maxMessageChars()) {
            throw new InvalidMessageException(InvalidMessageException.Reason.TOO_LONG,
                    "The message has " + message.length() + " characters; at most " + properties.maxMessageChars()
                            + " are accepted.");
        }
    }
}
