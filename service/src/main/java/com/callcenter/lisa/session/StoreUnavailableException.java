package com.callcenter.lisa.session;

import java.time.Duration;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The conversation store is known to be down: the request was refused before it touched the store or
 * the Gemini quota. A {@link DataAccessResourceFailureException}, so every mapping of store failures
 * applies to it.
 */
public class StoreUnavailableException extends DataAccessResourceFailureException {

    private final transient Duration retryAfter;

    public StoreUnavailableException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** When to try again: the store is checked every second, so the answer is soon. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
