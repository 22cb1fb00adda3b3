package com.callcenter.lisa.session;

import java.time.Instant;
import java.util.Locale;

/**
 * A human agent took the call over from Lisa.
 *
 * @param reason    why, in the words of whoever handed it off
 * @param by        who handed it off
 * @param at        when
 * @param afterTurn how many turns the session had then
 * @param resumedAt when the call went back to Lisa; {@code null} while the human agent has it (or the
 *                  session ended or expired while handed off)
 */
public record Handoff(String reason, By by, Instant at, int afterTurn, Instant resumedAt) {

    /** Who handed the call off: the app (or a supervisor through it), or Lisa herself with her tool. */
    public enum By {
        APP,
        TOOL;

        /** The lower-case name used in the API and the database. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
