package com.callcenter.lisa.session;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One exchange: the customer's message and Lisa's reply. Stored as one unit, and only once the
 * reply exists, so a history never holds half a turn.
 *
 * @param model      the model that answered (its thought signatures are valid for it only)
 * @param modelParts the reply as Gemini sent it, for sending back unchanged: the model content as JSON with
 *                   its thought signatures, without thought text; null for turns stored before it was kept
 *                   and for replies replaced by the fallback line. Opaque here, never shown to the app. A turn
 *                   that used tools keeps all its contents in order as a JSON array (calls, function responses,
 *                   final reply), so later turns send the whole exchange back with its signatures
 * @param cachedTokens  of the prompt tokens, those Gemini served from its implicit cache
 * @param thoughtTokens thinking tokens, billed as output
 * @param costUsd       what the call cost by the price table when it was stored; null when unknown (a
 *                      model without a price, or a turn stored before costs were recorded)
 * @param toolCalls     the tools called in this turn, as a JSON array of {name, args, status, result, durationMs}
 *                      in call order; null when none was called
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
        String modelParts,
        int cachedTokens,
        int thoughtTokens,
        BigDecimal costUsd,
        String toolCalls) {

    /** A turn with its reply as text only and without the cache, thinking and cost figures (stored before them). */
    public Turn(
            int number,
            String userMessage,
            Instant receivedAt,
            String reply,
            Instant repliedAt,
            String finishReason,
            String model,
            int promptTokens,
            int replyTokens) {
        this(
                number,
                userMessage,
                receivedAt,
                reply,
                repliedAt,
                finishReason,
                model,
                promptTokens,
                replyTokens,
                null,
                0,
                0,
                null,
                null);
    }

    /** Keeps the (long) parts out of logs. */
    @Override
    public String toString() {
        return "Turn[number=" + number + ", model=" + model + ", finishReason=" + finishReason + ", modelParts="
                + (modelParts == null ? "none" : modelParts.length() + " chars") + ", costUsd=" + costUsd
                + (toolCalls == null ? "" : ", toolCalls=" + toolCalls.length() + " chars") + "]";
    }
}
