package com.callcenter.lisa.session;

/** Where a conversation stands. Only an {@link #ACTIVE} session takes new chat turns. */
public enum SessionStatus {
    ACTIVE, ENDED, EXPIRED;

    /** The lower-case name used in the API and the database. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
