package com.callcenter.lisa.session;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One exchange: the customer's message and Lisa's reply. Stored as one unit, and only once the
 * reply exists, so a history never holds half a turn.
 *
 * @param cachedTokens  of the prompt tokens, those Gemini served from its implicit cache
 * @param thoughtTokens thinking tokens, billed as output
 * @param costUsd       what the call cost by the price table when it was stored; null when unknown (a
 *                      model without a price, or a turn stored before costs were recorded)
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
        int replyTokens,
        int cachedTokens,
        int thoughtTokens,
        BigDecimal costUsd) {

    /** A turn without the cache, thinking and cost figures. */
    public Turn(int number, String userMessage, Instant receivedAt, String reply, Instant repliedAt,
                String finishReason, String model, int promptTokens, int replyTokens) {
        this(number, userMessage, receivedAt, reply, repliedAt, finishReason, model, promptTokens, replyTokens, 0, 0,
                null);
    }
}
