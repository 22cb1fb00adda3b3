package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.TokenUsage;
import com.callcenter.lisa.session.HandoffNotice;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A completed, stored turn as the client sees it.
 *
 * @param usage     what Gemini counted for this call (zero for a turn that did not reach Gemini)
 * @param createdAt   when the reply was stored
 * @param queueWaitMs time waited for earlier turns of the session and for quota, retries' waits included
 * @param attempts    calls made to Gemini for this turn
 * @param costUsd     what the call cost by the price table; null when unknown (a model without a price)
 * @param handoff     the handoff this turn made (Lisa called {@code request_human}); null when it made none
 * @param toolsCalled the tools Lisa called in this turn, in order, as a stream's {@code tool} events name them
 */
public record TurnResult(
        UUID sessionId,
        String reply,
        String finishReason,
        String model,
        TokenUsage usage,
        Instant createdAt,
        long queueWaitMs,
        int attempts,
        BigDecimal costUsd,
        HandoffNotice handoff,
        List<ToolCalled> toolsCalled) {

    /** A tool call of the turn as a stream shows it: the function's name and how the call ended. */
    public record ToolCalled(String name, String status) {}

    public TurnResult {
        toolsCalled = List.copyOf(toolsCalled);
    }

    public TurnResult(
            UUID sessionId,
            String reply,
            String finishReason,
            String model,
            TokenUsage usage,
            Instant createdAt,
            long queueWaitMs,
            int attempts) {
        this(sessionId, reply, finishReason, model, usage, createdAt, queueWaitMs, attempts, null, null, List.of());
    }
}
