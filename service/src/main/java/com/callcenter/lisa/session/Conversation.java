package com.callcenter.lisa.session;

import java.util.List;

/** A session with its whole history, oldest turn first. */
public record Conversation(Session session, List<Turn> turns) {

    public Conversation {
        turns = List.copyOf(turns);
    }
}
