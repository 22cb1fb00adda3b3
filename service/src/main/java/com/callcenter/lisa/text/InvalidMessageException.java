package com.callcenter.lisa.text;

/** Words from the app (a customer's message, a handoff's reason, a message of the human agent's conversation) cannot be taken as they are. */
public class InvalidMessageException extends RuntimeException {

    /** Why the message was refused. */
    public enum Reason {
        BLANK,
        TOO_LONG,
        INVALID_TEXT
    }

    private final Reason reason;

    public InvalidMessageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
