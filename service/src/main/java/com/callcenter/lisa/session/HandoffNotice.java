package com.callcenter.lisa.session;

import java.time.Instant;

/**
 * A session is handed off to a human agent: what a chat stream sends as its {@code handoff} event (and
 * the session view shows as {@code handoff}).
 *
 * @param reason why, as given with the handoff
 * @param at     when it was handed off
 * @param by     {@code app} or {@code tool}
 */
public record HandoffNotice(String reason, Instant at, String by) {

    public static HandoffNotice of(Handoff handoff) {
        return new HandoffNotice(handoff.reason(), handoff.at(), handoff.by().wireName());
    }
}
