package com.callcenter.lisa.session;

import java.time.Instant;
import java.util.Locale;

/**
 * Words said while a human agent had the call: the agent's or the customer's. Not a turn (nobody asked
 * Gemini), but part of the history, and Lisa is shown it when she has the call again.
 *
 * @param number    the session's message number, from 1, in the order the messages were stored
 * @param afterTurn how many turns the session had stored then: the message comes after that turn
 */
public record HandoffMessage(int number, int afterTurn, Author author, String content, Instant createdAt) {

    /** Who said it. */
    public enum Author {
        /** The human agent who took the call over. */
        AGENT,
        /** The customer, talking to the human agent. */
        CUSTOMER;

        /** The role in the session view: {@code agent} or {@code user} (the customer, as in chat turns). */
        public String role() {
            return this == AGENT ? "agent" : "user";
        }

        /** The author of a session view role, or {@code null} for any other role. */
        public static Author ofRole(String role) {
            return switch (role == null ? "" : role.toLowerCase(Locale.ROOT)) {
                case "agent" -> AGENT;
                case "user" -> CUSTOMER;
                default -> null;
            };
        }
    }
}
