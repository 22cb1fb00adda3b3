package com.callcenter.lisa.web;

/** An Idempotency-Key header that is empty, too long or not printable ASCII. */
class InvalidIdempotencyKeyException extends RuntimeException {

    static final int MAX_LENGTH = 255;

    InvalidIdempotencyKeyException() {
        super("The Idempotency-Key must be 1 to " + MAX_LENGTH + " printable ASCII characters without spaces, "
                + "for example a UUID made by the app for each new message.");
    }

    /** @return the key, or {@code null} when none was sent */
    static String check(String key) {
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > MAX_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidIdempotencyKeyException();
        }
        return key;
    }
}
