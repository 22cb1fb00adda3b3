package com.callcenter.lisa.session;

import java.time.Instant;

/**
 * One exchange: the customer's message and Lisa's reply. Stored as one unit, and only once the
 * reply exists, so a history never holds half a turn.
 */
public record Turn(
        int number,
        String userMessage,
        Instant receivedAt,
        String reply,
        Instant repliedAt,
        String finishReason,
        String model,
        int promptTokens,
        int replyTokens) {
}
