package com.callcenter.lisa.session;

/**
 * Where a conversation stands. Only an {@link #ACTIVE} session takes new chat turns; a
 * {@link #HANDED_OFF} one is with a human agent until it is resumed (the call goes on without Lisa).
 */
public enum SessionStatus {
    ACTIVE,
    HANDED_OFF,
    ENDED,
    EXPIRED;

    /** Whether the call is still going on, with Lisa or a human agent: it can still be ended or expire. */
    public boolean open() {
        return this == ACTIVE || this == HANDED_OFF;
    }

    /** The lower-case name used in the API and the database. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
