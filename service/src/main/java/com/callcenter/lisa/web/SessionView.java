package com.callcenter.lisa.web;

import com.callcenter.lisa.session.Conversation;
import com.callcenter.lisa.session.Handoff;
import com.callcenter.lisa.session.HandoffMessage;
import com.callcenter.lisa.session.Session;
import com.callcenter.lisa.session.Turn;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Schema(description = "A session with its whole history.")
public record SessionView(
        @Schema(description = "Random UUID of the session.") UUID id,

        @Schema(
                description = "active: takes messages; handed_off: a human agent has the call (chat answers 409 "
                        + "until it is resumed); ended: closed by DELETE; expired: idle longer than "
                        + "lisa.session.idle-timeout. Ended and expired sessions are readable until purged.",
                allowableValues = {"active", "handed_off", "ended", "expired"})
        String status,

        @Schema(description = "The persona the customer talks to.", example = "lisa")
        String persona,

        @Schema(description = "When the session was created.")
        Instant createdAt,

        @Schema(
                description = "When the session was created or last completed a turn, was handed off or resumed, "
                        + "or stored a message of the human agent's conversation.")
        Instant lastActivity,

        @Schema(description = "The metadata given at creation.")
        Map<String, String> metadata,

        @Schema(
                type = "object",
                types = "object",
                description = "The call context given at creation ({customer, campaign}) as it was "
                        + "checked and stored (keys sorted); {} when none.")
        JsonNode context,

        @Schema(
                description = "The conversation, oldest first: a user message to Lisa is followed by Lisa's reply; "
                        + "while a human agent had the call, the agent's words (agent) and the customer's (user) in the order "
                        + "they were stored.")
        List<MessageView> messages,

        @Schema(description = "What the session's turns used and cost so far, summed over its stored turns.")
        UsageTotals usage,

        @Schema(
                description = "The handoff to a human agent while the session is handed off (or was when it ended "
                        + "or expired); absent otherwise.")
        HandoffView handoff) {

    private static final JsonMapper TOOL_CALLS = JsonMapper.builder().build();

    static SessionView of(Session session, List<Turn> turns) {
        return of(new Conversation(session, turns));
    }

    public static SessionView of(Conversation conversation) {
        List<Turn> turns = conversation.turns();
        List<HandoffMessage> said = conversation.handoffMessages();
        List<MessageView> messages = new ArrayList<>(turns.size() * 2 + said.size());
        int next = 0;
        for (Turn turn : turns) {
            // Words of a human agent's conversation come after the turn they followed (as Gemini is shown them).
            for (; next < said.size() && said.get(next).afterTurn() < turn.number(); next++) {
                messages.add(MessageView.of(said.get(next)));
            }
            messages.add(new MessageView("user", turn.userMessage(), turn.receivedAt(), null));
            messages.add(new MessageView(
                    "assistant",
                    turn.reply(),
                    turn.repliedAt(),
                    turn.toolCalls() == null
                            ? List.of()
                            : List.copyOf(TOOL_CALLS.readTree(turn.toolCalls()).values())));
        }
        for (; next < said.size(); next++) {
            messages.add(MessageView.of(said.get(next)));
        }
        Session session = conversation.session();
        Handoff handoff = conversation.handoff();
        return new SessionView(
                session.id(),
                session.status().wireName(),
                session.persona(),
                session.createdAt(),
                session.lastActivity(),
                session.metadata(),
                session.context().tree(),
                messages,
                UsageTotals.of(turns),
                handoff == null
                        ? null
                        : new HandoffView(
                                handoff.reason(), handoff.at(), handoff.by().wireName()));
    }

    @Schema(description = "Tokens and cost of a session's turns, summed.")
    public record UsageTotals(
            @Schema(description = "Input tokens, cached ones included.")
            long promptTokens,

            @Schema(description = "Input tokens served from Gemini's implicit cache.")
            long cachedTokens,

            @Schema(description = "Reply tokens.") long replyTokens,

            @Schema(description = "Thinking tokens (billed as output).")
            long thoughtTokens,

            @Schema(
                    description = "USD by the price table, summed over the turns whose cost is known.",
                    example = "0.004125000000")
            BigDecimal costUsd,

            @Schema(
                    description = "Turns whose cost is unknown (a model without a price, or stored before costs "
                            + "were recorded) and so not in costUsd; 0 = costUsd is the whole session's.")
            int turnsWithoutCost) {

        static UsageTotals of(List<Turn> turns) {
            long prompt = 0;
            long cached = 0;
            long reply = 0;
            long thought = 0;
            BigDecimal cost = BigDecimal.ZERO.setScale(12);
            int unknown = 0;
            for (Turn turn : turns) {
                prompt += turn.promptTokens();
                cached += turn.cachedTokens();
                reply += turn.replyTokens();
                thought += turn.thoughtTokens();
                if (turn.costUsd() == null) {
                    unknown++;
                } else {
                    cost = cost.add(turn.costUsd());
                }
            }
            return new UsageTotals(prompt, cached, reply, thought, cost, unknown);
        }
    }

    @Schema(description = "One message of the conversation.")
    public record MessageView(
            @Schema(
                    description = "user: the customer; assistant: Lisa; agent: the human agent who took the call over.",
                    allowableValues = {"user", "assistant", "agent"})
            String role,

            @Schema(description = "The text; for the assistant, Lisa's reply without any model thinking.")
            String content,

            @Schema(description = "When the message was received (user) or the reply stored (assistant).")
            Instant createdAt,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(
                    description = "Assistant messages only: the tools Lisa called for this reply, in order, each "
                            + "{name, args, status (ok, error, timeout, invalid_arguments, unknown_tool), result "
                            + "(what the model was told), durationMs}; [] when none.")
            List<JsonNode> toolCalls) {

        public static MessageView of(HandoffMessage message) {
            return new MessageView(message.author().role(), message.content(), message.createdAt(), null);
        }
    }

    @Schema(description = "Who handed the call to a human agent, when and why.")
    public record HandoffView(
            @Schema(description = "Why, as given with the handoff.")
            String reason,

            @Schema(description = "When the session was handed off.")
            Instant at,

            @Schema(
                    description = "app: by POST /api/v1/sessions/{id}/handoff; tool: by Lisa (her request_human tool).",
                    allowableValues = {"app", "tool"})
            String by) {}
}
