package com.callcenter.lisa.text;

/** The customer's message cannot be sent as it is. */
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
