package com.callcenter.lisa.limits;

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

    private static void positive(Integer limit, String name) {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 (or absent for no limit), not " + limit);
        }
    }
}
