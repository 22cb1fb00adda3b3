package com.callcenter.lisa.session;

import java.util.List;

/**
 * A session with its whole history, oldest turn first.
 *
 * @param handoffMessages what the human agent and the customer said while a human agent had the call,
 *                        in the order stored; each is placed after the turn {@link HandoffMessage#afterTurn}
 * @param handoff         the session's last handoff if it was not resumed (the session is handed off, or
 *                        ended or expired while it was), else {@code null}
 */
public record Conversation(Session session, List<Turn> turns, List<HandoffMessage> handoffMessages, Handoff handoff) {

    public Conversation {
        turns = List.copyOf(turns);
        handoffMessages = List.copyOf(handoffMessages);
    }

    /** A conversation that was never handed off. */
    public Conversation(Session session, List<Turn> turns) {
        this(session, turns, List.of(), null);
    }
}
