package com.callcenter.lisa.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The turns of recent conversations as this instance last read them, so that a turn reads from the database only the
 * turns stored since (usually the one before) instead of the whole history again: without it every turn of a
 * conversation read every earlier turn, message and reply, so the reads of a conversation grew with the square of its
 * length.
 *
 * <p>Safe without invalidation because a stored turn never changes: turn {@code n} of a session is stored once (a
 * second writer of the same number loses, {@link TurnConflictException}) and only goes with its session. The session
 * row, read on every turn, says how many turns there are; what is kept is used only up to that count, and only turns
 * read from the database outside a transaction, i.e. committed, are kept (as the database gives them back: a turn
 * this instance stored is kept once read, with the times and amounts at the database's precision).
 *
 * <p>Bounded by conversations ({@link #DEFAULT_MAX_CONVERSATIONS}) and by the characters it holds
 * ({@link #DEFAULT_MAX_CHARS}), least recently used conversation out first; a conversation longer than a sixteenth of
 * the characters is read whole each time instead of pushing out many others. The bound on conversations is for the
 * collector: what is kept stays until it is pushed out, and a young collection copies what is still referenced. Where
 * conversations are short and new ones come fast, the characters alone kept many more conversations than are still
 * spoken to, each copied from young collection to young collection: in the overhead benchmark (PostgreSQL, 16
 * connections, a new conversation every 10 turns) G1's young pauses averaged 9.0 ms with the characters alone and
 * 6.1 ms with at most 256 conversations, and the added p99 was +33.6 against +21.0 ms (one run, side by side).
 */
final class KeptTurns {

    /** The conversations of a few hundred calls at once, each answered from what is kept. */
    static final int DEFAULT_MAX_CONVERSATIONS = 256;

    /** Room for the histories of a few hundred conversations: some 10-20 MB of heap when full. */
    static final int DEFAULT_MAX_CHARS = 4_000_000;

    private final int maxConversations;
    private final int maxChars;
    /** Least recently used first; guarded by itself (no I/O under it). */
    private final LinkedHashMap<UUID, Kept> kept = new LinkedHashMap<>(256, 0.75f, true);

    private long chars;

    private record Kept(List<Turn> turns, long chars) {}

    KeptTurns() {
        this(DEFAULT_MAX_CONVERSATIONS, DEFAULT_MAX_CHARS);
    }

    KeptTurns(int maxConversations, int maxChars) {
        this.maxConversations = maxConversations;
        this.maxChars = maxChars;
    }

    /** The first turns of the session as kept, numbered 1, 2, ... without a gap; empty if none are. */
    List<Turn> of(UUID sessionId) {
        synchronized (kept) {
            Kept found = kept.get(sessionId);
            return found == null ? List.of() : found.turns();
        }
    }

    /**
     * The session's turns: those kept, up to {@code turnCount}, then {@code read} (the turns stored after them, as
     * just read), kept for the next turn. What was kept is dropped if it does not fit the count (more turns than the
     * session has: it cannot be, but is not trusted) or the turns read do not follow it.
     *
     * @return the turns in order; {@code null} if they cannot be put together from what is kept and what was read,
     *     and the caller is to read them all
     */
    List<Turn> merge(UUID sessionId, List<Turn> before, List<Turn> read, int turnCount, boolean keep) {
        if (before.size() > turnCount || !follow(before, read)) {
            forget(sessionId);
            return null;
        }
        List<Turn> all;
        if (read.isEmpty()) {
            all = before;
        } else {
            List<Turn> joined = new ArrayList<>(before.size() + read.size());
            joined.addAll(before);
            joined.addAll(read);
            all = List.copyOf(joined);
        }
        if (keep && !read.isEmpty()) {
            keep(sessionId, all);
        }
        return all;
    }

    /** Keeps a session's turns as read whole, numbered from 1. */
    void keep(UUID sessionId, List<Turn> turns) {
        if (!follow(List.of(), turns)) {
            return;
        }
        long size = 0;
        for (Turn turn : turns) {
            size += chars(turn);
        }
        if (size > maxChars / 16) {
            forget(sessionId);
            return;
        }
        List<Turn> copy = List.copyOf(turns);
        synchronized (kept) {
            Kept before = kept.put(sessionId, new Kept(copy, size));
            chars += size - (before == null ? 0 : before.chars());
            var eldest = kept.entrySet().iterator();
            while ((chars > maxChars || kept.size() > maxConversations) && eldest.hasNext()) {
                Map.Entry<UUID, Kept> out = eldest.next();
                chars -= out.getValue().chars();
                eldest.remove();
            }
        }
    }

    /** Drops what is kept of a session (it was deleted, or what was kept did not fit). */
    void forget(UUID sessionId) {
        synchronized (kept) {
            Kept out = kept.remove(sessionId);
            if (out != null) {
                chars -= out.chars();
            }
        }
    }

    /** How many sessions have turns kept (for tests). */
    int size() {
        synchronized (kept) {
            return kept.size();
        }
    }

    /** Whether {@code read} numbers on from {@code before} without a gap. */
    private static boolean follow(List<Turn> before, List<Turn> read) {
        int next = before.size() + 1;
        for (Turn turn : read) {
            if (turn.number() != next++) {
                return false;
            }
        }
        return true;
    }

    private static long chars(Turn turn) {
        return length(turn.userMessage())
                + length(turn.reply())
                + length(turn.modelParts())
                + length(turn.toolCalls())
                + length(turn.finishReason())
                + length(turn.model())
                + 64;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
