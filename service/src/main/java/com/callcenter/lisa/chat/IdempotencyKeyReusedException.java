package com.callcenter.lisa.chat;

/** An Idempotency-Key sent again for the same session with a different message. */
public class IdempotencyKeyReusedException extends RuntimeException {

    public IdempotencyKeyReusedException() {
        super("This Idempotency-Key was already used for a different message in this session; "
                + "use a new key for a new message.");
    }
}
