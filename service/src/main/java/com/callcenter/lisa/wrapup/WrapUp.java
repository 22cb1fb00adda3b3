package com.callcenter.lisa.wrapup;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored wrap-up.
 *
 * @param result   the wrap-up as JSON (valid against the wrap-up schema) when DONE, else null
 * @param reason   why it FAILED, in words; null otherwise
 * @param attempts Gemini answers asked for so far
 * @param turnsAwaited the session's turns it is to be made from, one of them perhaps still being answered when it was
 *                 made due
 */
public record WrapUp(
        UUID sessionId,
        WrapUpState state,
        String result,
        String reason,
        int attempts,
        Instant createdAt,
        Instant updatedAt,
        int turnsAwaited) {}
