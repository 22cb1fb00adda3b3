package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.GeminiClient;
import com.callcenter.lisa.gemini.GeminiReply;
import com.callcenter.lisa.gemini.Prompt;
import com.callcenter.lisa.gemini.TokenEstimate;
import com.callcenter.lisa.persona.PersonaCatalog;
import com.callcenter.lisa.quota.Dispatched;
import com.callcenter.lisa.quota.QuotaRejectedException;
import com.callcenter.lisa.quota.QuotaScheduler;
import com.callcenter.lisa.session.Conversation;
import com.callcenter.lisa.session.SessionService;
import com.callcenter.lisa.session.Turn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * One chat turn: admit it against the quota, wait for the session's earlier turns, ask Gemini (through
 * the quota scheduler) with the stored history, and store message and reply together. If anything
 * fails before the turn is stored, the history is as it was and the failure goes back to the client;
 * once stored, the reply is what the client receives.
 */
@Service
public class ChatService {

    private final SessionService sessions;
    private final PersonaCatalog personas;
    private final GeminiClient gemini;
    private final QuotaScheduler scheduler;
    private final ChatProperties properties;
    private final Clock clock;
    private final PromptBuilder prompts;
    private final SessionTurnOrder turnOrder = new SessionTurnOrder();

    ChatService(SessionService sessions, PersonaCatalog personas, GeminiClient gemini, QuotaScheduler scheduler,
                ChatProperties properties, Clock clock) {
        this.sessions = sessions;
        this.personas = personas;
        this.gemini = gemini;
        this.scheduler = scheduler;
        this.properties = properties;
        this.clock = clock;
        this.prompts = new PromptBuilder(properties.maxInputTokens());
    }

    /**
     * Takes one turn of the conversation.
     *
     * @throws InvalidMessageException                              if the message is blank or too long
     * @throws com.callcenter.lisa.session.SessionNotFoundException if the session does not exist
     * @throws com.callcenter.lisa.session.SessionClosedException   if it was ended or has expired
     * @throws QuotaRejectedException                               if it cannot be served within the maximum wait
     * @throws com.callcenter.lisa.gemini.GeminiFailure             if Gemini gave no reply
     */
    public TurnResult takeTurn(UUID sessionId, String message) throws InterruptedException {
        validate(message);
        sessions.active(sessionId); // an unknown or closed session is refused before it queues anywhere
        Instant receivedAt = clock.instant();
        QuotaScheduler.Admission admission = scheduler.admit(turnOrder.ahead(sessionId), TokenEstimate.of(message));
        long arrived = System.nanoTime();
        try (SessionTurnOrder.Slot ignored = turnOrder.await(sessionId, remaining(admission))) {
            if (ignored == null) {
                throw new QuotaRejectedException(QuotaRejectedException.Reason.WAITED_TOO_LONG, Duration.ofSeconds(1),
                        "The session's earlier messages were still being answered when this one's wait ran out.");
            }
            long sessionWaitMs = (System.nanoTime() - arrived) / 1_000_000;
            Conversation conversation = sessions.activeConversation(sessionId);
            String systemPrompt = personas.resolve(conversation.session().persona()).systemPrompt();
            Prompt prompt = prompts.build(systemPrompt, conversation.turns(), message);
            Dispatched<GeminiReply> dispatch = scheduler.dispatch(admission, PromptBuilder.estimatedTokens(prompt),
                    model -> gemini.generate(model, prompt));
            GeminiReply reply = dispatch.result();
            String text = reply.isEmpty() ? properties.fallbackReply() : reply.text();
            Turn turn = new Turn(conversation.session().turnCount() + 1, message, receivedAt, text, clock.instant(),
                    reply.finishReason(), reply.model(), reply.usage().promptTokens(), reply.usage().replyTokens());
            sessions.appendTurn(sessionId, turn);
            return new TurnResult(sessionId, text, reply.finishReason(), reply.model(), reply.usage(),
                    turn.repliedAt(), sessionWaitMs + dispatch.queueWaitMs(), dispatch.attempts());
        }
    }

    private Duration remaining(QuotaScheduler.Admission admission) {
        Duration left = Duration.between(clock.instant(), admission.deadline());
        return left.isNegative() ? Duration.ZERO : left;
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
