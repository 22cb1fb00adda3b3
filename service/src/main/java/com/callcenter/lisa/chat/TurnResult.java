package com.callcenter.lisa.chat;

import com.callcenter.lisa.gemini.TokenUsage;
import java.time.Instant;
import java.util.UUID;

/**
 * A completed, stored turn as the client sees it.
 *
 * @param usage     what Gemini counted for this call (zero for a turn that did not reach Gemini)
 * @param createdAt when the reply was stored
 */
public record TurnResult(UUID sessionId, String reply, String finishReason, String model, TokenUsage usage,
                         Instant createdAt) {
}
