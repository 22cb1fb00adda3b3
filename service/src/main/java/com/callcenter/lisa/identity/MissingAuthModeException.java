package com.callcenter.lisa.identity;

/** The service was started outside demo mode without saying how callers are identified. */
public class MissingAuthModeException extends RuntimeException {

    MissingAuthModeException() {
        super("LISA_AUTH_MODE is not set");
    }
}
