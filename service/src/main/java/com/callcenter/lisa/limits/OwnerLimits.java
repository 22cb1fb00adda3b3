package com.callcenter.lisa.limits;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits of one owner; {@code null} = no limit of that kind.
 *
 * @param activeSessions    sessions of the owner active at once
 * @param sessionsPerMinute sessions the owner may create in any 60 seconds
 * @param messagesPerMinute messages the owner may send (to be answered by Gemini) in any 60 seconds
 */
public record OwnerLimits(Integer activeSessions, Integer sessionsPerMinute, Integer messagesPerMinute) {

    /** No limits: callers without authentication ({@code LISA_AUTH_MODE=none}), and API keys created without any. */
    public static final OwnerLimits NONE = new OwnerLimits(null, null, null);

    public OwnerLimits {
        positive(activeSessions, "activeSessions");
        positive(sessionsPerMinute, "sessionsPerMinute");
        positive(messagesPerMinute, "messagesPerMinute");
    }

    /** For logs and the command line: which limits there are, e.g. "active sessions 5, messages per minute 20". */
    @Override
    public String toString() {
        List<String> set = new ArrayList<>();
        if (activeSessions != null) {
            set.add("active sessions " + activeSessions);
        }
        if (sessionsPerMinute != null) {
            set.add("sessions per minute " + sessionsPerMinute);
        }
        if (messagesPerMinute != null) {
            set.add("messages per minute " + messagesPerMinute);
        }
        return set.isEmpty() ? "none" : String.join(", ", set);
    }

    private static void positive(Integer limit, String name) {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 (or absent for no limit), not " + limit);
        }
    }
}
