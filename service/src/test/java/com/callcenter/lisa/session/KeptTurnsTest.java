package com.callcenter.lisa.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeptTurnsTest {

    private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

    private static Turn turn(int number, String reply) {
        return new Turn(number, "frage " + number, AT, reply, AT, "STOP", "m", 1, 1);
    }

    private static List<Turn> turns(int from, int to) {
        List<Turn> turns = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            turns.add(turn(n, "antwort " + n));
        }
        return turns;
    }

    @Test
    void theTurnsReadSinceAreAddedToThoseKeptAndKeptForTheNextRead() {
        KeptTurns kept = new KeptTurns();
        UUID id = UUID.randomUUID();
        assertThat(kept.merge(id, List.of(), turns(1, 3), 3, true)).isEqualTo(turns(1, 3));
        assertThat(kept.of(id)).isEqualTo(turns(1, 3));

        assertThat(kept.merge(id, kept.of(id), turns(4, 4), 4, true)).isEqualTo(turns(1, 4));
        assertThat(kept.of(id)).isEqualTo(turns(1, 4));
        // nothing new: what is kept is the history
        assertThat(kept.merge(id, kept.of(id), List.of(), 4, true)).isEqualTo(turns(1, 4));
    }

    /** Read inside a transaction, turns might still be rolled back: used, not kept. */
    @Test
    void turnsReadThatMayNotBeCommittedAreNotKept() {
        KeptTurns kept = new KeptTurns();
        UUID id = UUID.randomUUID();
        assertThat(kept.merge(id, List.of(), turns(1, 2), 2, false)).isEqualTo(turns(1, 2));
        assertThat(kept.of(id)).isEmpty();
    }

    /** What does not fit the session as read is not trusted: the caller reads the whole history. */
    @Test
    void keptTurnsThatDoNotFitTheSessionAreDropped() {
        KeptTurns kept = new KeptTurns();
        UUID id = UUID.randomUUID();
        kept.keep(id, turns(1, 3));
        // the session says 2 turns: more are kept than it has
        assertThat(kept.merge(id, kept.of(id), List.of(), 2, true)).isNull();
        assertThat(kept.of(id)).isEmpty();

        kept.keep(id, turns(1, 3));
        // the turns read do not follow those kept (a gap)
        assertThat(kept.merge(id, kept.of(id), turns(5, 5), 5, true)).isNull();
        assertThat(kept.of(id)).isEmpty();

        // a history that does not start at turn 1 is not kept
        kept.keep(id, turns(2, 3));
        assertThat(kept.of(id)).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedConversationsGoFirstWhenTheCharactersRunOut() {
        // a turn counts its texts plus 64: "frage 1" (7) + "antwort 1" (9) + "STOP" (4) + "m" (1) = 85; room for 16
        KeptTurns kept = new KeptTurns(KeptTurns.DEFAULT_MAX_CONVERSATIONS, 16 * 85);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ids.add(UUID.randomUUID());
            kept.keep(ids.getLast(), turns(1, 1));
        }
        assertThat(kept.size()).isEqualTo(16);
        kept.of(ids.getFirst()); // used: the second is now the least recently used
        UUID seventeenth = UUID.randomUUID();
        kept.keep(seventeenth, turns(1, 1));
        assertThat(kept.of(ids.get(1))).isEmpty();
        assertThat(kept.of(ids.getFirst())).hasSize(1);
        assertThat(kept.of(seventeenth)).hasSize(1);
        assertThat(kept.size()).isEqualTo(16);

        // a conversation longer than a sixteenth of the room is not kept at all
        UUID longer = UUID.randomUUID();
        kept.keep(longer, turns(1, 2));
        assertThat(kept.of(longer)).isEmpty();
        assertThat(kept.size()).isEqualTo(16);
    }

    @Test
    void theLeastRecentlyUsedConversationGoesFirstWhenTheConversationsRunOut() {
        KeptTurns kept = new KeptTurns(3, KeptTurns.DEFAULT_MAX_CHARS);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(UUID.randomUUID());
            kept.keep(ids.getLast(), turns(1, 2));
        }
        kept.merge(ids.getFirst(), kept.of(ids.getFirst()), turns(3, 3), 3, true); // its next turn: used again

        UUID fourth = UUID.randomUUID();
        kept.keep(fourth, turns(1, 1));

        assertThat(kept.size()).isEqualTo(3);
        assertThat(kept.of(ids.get(1))).isEmpty();
        assertThat(kept.of(ids.getFirst())).isEqualTo(turns(1, 3));
        assertThat(kept.of(ids.get(2))).isEqualTo(turns(1, 2));
        assertThat(kept.of(fourth)).isEqualTo(turns(1, 1));
    }
}
