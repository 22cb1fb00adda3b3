package com.callcenter.lisa.persona;

/** The call context of a new session does not fit its persona's schema; nothing was created. */
public class InvalidContextException extends RuntimeException {

    private final String field;

    /**
     * @param field  where in the request body, e.g. {@code context.customer.name}
     * @param detail what is wrong, in words that name the field
     */
    public InvalidContextException(String field, String detail) {
        super(detail);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
