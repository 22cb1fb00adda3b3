package com.callcenter.lisa.chat;

/**
 * Gemini answered with more text than the conversation store keeps for one reply. Permanent for this
 * reply: storing it would fail on every try, so the turn is refused before the store is attempted
 * (nothing is stored) instead of failing as if the store were down.
 */
public class ReplyTooLongException extends RuntimeException {

    /** The store's limit for one reply: {@code turn.reply varchar(1000000)} (db/migration V1). */
    public static final int MAX_REPLY_CHARS = 1_000_000;

    private final int replyChars;

    ReplyTooLongException(int replyChars) {
        super("Gemini's reply has " + replyChars + " characters; the conversation store keeps at most "
                + MAX_REPLY_CHARS + " per reply, so the turn was not stored. Asking again may give a shorter reply; "
                + "lisa.gemini.generation.max-output-tokens bounds it.");
        this.replyChars = replyChars;
    }

    /** How long the refused reply was, in UTF-16 code units (what the store counts at most). */
    public int replyChars() {
        return replyChars;
    }
}
