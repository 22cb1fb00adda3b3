package com.callcenter.lisa.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * One page of a session listing, newest first.
 *
 * @param next the cursor of the next page, {@code null} on the last page
 */
public record SessionPage(List<Session> sessions, String next) {

    public SessionPage {
        sessions = List.copyOf(sessions);
    }

    /**
     * Where a page ends: the creation time and id of its last session. Clients get it as an opaque string
     * (base64url), so its form can change without breaking them.
     */
    public record Cursor(Instant createdAt, UUID id) {

        String encode() {
            String plain = createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        /** @throws IllegalArgumentException if the text is not a cursor this service made */
        public static Cursor decode(String text) {
            try {
                String[] parts =
                        new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\.", 3);
                return new Cursor(
                        Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                        UUID.fromString(parts[2]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("after is not a cursor from a previous page", e);
            }
        }
    }
}
