package com.callcenter.lisa.web;

import com.callcenter.lisa.chat.TurnResult;
import com.callcenter.lisa.session.HandoffNotice;
import com.callcenter.lisa.session.SessionStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

@Schema(description = "Lisa's reply to one message. The turn is stored before this response is sent.")
record ChatReply(
        UUID sessionId,

        @Schema(
                description = "Lisa's answer (never the model's thinking). When Gemini returned no text, "
                        + "the configured fallback line (lisa.chat.fallback-reply).")
        String reply,

        @Schema(
                description = "Gemini's finish reason as sent: STOP, MAX_TOKENS, SAFETY, RECITATION, OTHER, … "
                        + "(values unknown today are passed through), or PROMPT_BLOCKED (PROMPT_BLOCKED_<reason> when Google gave one) when Gemini blocked "
                        + "the prompt and returned no candidate.",
                example = "STOP")
        String finishReason,

        @Schema(
                description = "The model that answered; prefixed with demo: when the built-in emulator answered.",
                example = "gemini-3.5-flash-lite")
        String model,

        Usage usage,
        @Schema(description = "When the reply was stored.") Instant createdAt,

        @Schema(
                description = "Milliseconds the message waited before Gemini was asked: for the session's earlier "
                        + "messages, for the quota, and between retries.")
        long queueWaitMs,

        @Schema(description = "Calls made to Gemini for this reply (more than 1 after transient failures).")
        int attempts,

        @Schema(
                description = "Only when this turn handed the session to a human agent (Lisa called request_human): "
                        + "the session is now handed_off, and chat to Lisa answers 409 session-handed-off until POST "
                        + ".../resume. Absent otherwise. A streamed turn sends the same object as its last event, "
                        + "`handoff`, after `done`. A repeat of the message's Idempotency-Key gets the same object.",
                nullable = true)
        Handoff handoff) {

    static ChatReply of(TurnResult result) {
        return new ChatReply(
                result.sessionId(),
                result.reply(),
                result.finishReason(),
                result.model(),
                new Usage(
                        result.usage().promptTokens(),
                        result.usage().replyTokens(),
                        result.usage().totalTokens(),
                        result.usage().cachedTokens(),
                        result.usage().thoughtTokens(),
                        result.costUsd()),
                result.createdAt(),
                result.queueWaitMs(),
                result.attempts(),
                Handoff.of(result.handoff()));
    }

    @Schema(description = "The handoff a turn made: the session's new status, why and when. Never a secret.")
    record Handoff(
            @Schema(
                    description = "The status the turn left the session in: handed_off. A repeat of the message's "
                            + "Idempotency-Key says the same, even if the session was resumed or ended since "
                            + "(GET the session for its status now).",
                    example = "handed_off")
            String status,

            @Schema(description = "The reason Lisa gave (or, if the app handed off first, the app's).")
            String reason,

            @Schema(description = "When the session was handed off.")
            Instant at,

            @Schema(description = "tool (Lisa) or app.", example = "tool")
            String by) {

        static Handoff of(HandoffNotice notice) {
            return notice == null
                    ? null
                    : new Handoff(SessionStatus.HANDED_OFF.wireName(), notice.reason(), notice.at(), notice.by());
        }
    }

    @Schema(description = "Tokens as Gemini counted them for this call.")
    record Usage(
            @Schema(description = "Input tokens: persona, history sent and the new message.")
            int promptTokens,

            @Schema(description = "Tokens of the reply text.")
            int replyTokens,

            @Schema(description = "All tokens billed, thinking included.")
            int totalTokens,

            @Schema(
                    description = "Of the prompt tokens, those Gemini served from its implicit cache (billed at the "
                            + "cached price).")
            int cachedTokens,

            @Schema(description = "Thinking tokens (billed as output, never shown).")
            int thoughtTokens,

            @Schema(
                    description = "What this call cost in USD by the service's price table (gemini/prices.yml, "
                            + "lisa.gemini.prices); null when the model has no price (unknown, not free).",
                    nullable = true,
                    example = "0.000412500000")
            BigDecimal costUsd) {}
}
