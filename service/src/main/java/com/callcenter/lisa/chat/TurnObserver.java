package com.callcenter.lisa.chat;

/**
 * Watches a turn as it happens, for a client that is shown Lisa's reply while it is produced. Called
 * on the turn's own thread.
 */
public interface TurnObserver {

    /** For a client that wants only the finished turn. */
    TurnObserver NONE = new TurnObserver() {};

    /**
     * Gemini is being asked: from here on the turn completes and is stored even if the client goes
     * away, because the quota is spent and the customer will want the answer when they come back.
     */
    default void answering() {}

    /**
     * The message's place in the line for quota moved (1 = next), with the wait now estimated. Called
     * on the thread that moved the line: it must return at once (note it, and show it from elsewhere).
     */
    default void queued(int position, java.time.Duration estimatedWait) {}

    /** The next piece of Lisa's reply, as Gemini produced it (never thinking). */
    default void delta(String text) {}

    /**
     * A tool Lisa called in this turn has finished, with its status ({@code ok}, {@code error}, {@code timeout},
     * {@code invalid_arguments}, {@code unknown_tool}). Only name and status: never the
     * tool's address, headers or result.
     */
    default void toolCalled(String name, String status) {}

    /** Whether Lisa's reply should be streamed from Gemini and handed to {@link #delta} piece by piece. */
    default boolean wantsPieces() {
        return false;
    }
}
