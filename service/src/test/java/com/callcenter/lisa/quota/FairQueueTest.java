package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of the fair queue itself: who goes next, and what leaving or idling does to the turns. */
class FairQueueTest {

    private final FairQueue queue = new FairQueue(tenant -> 1);

    private Reservation add(String tenant, String owner, boolean retry) {
        Reservation reservation = new Reservation(null, 5, Instant.EPOCH, PlaceListener.NONE, new Share(tenant, owner));
        queue.add(reservation, retry);
        return reservation;
    }

    /** Lets out {@code n}, as the dispatcher does, and says whose they were. */
    private List<String> serve(int n) {
        List<String> served = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Reservation next = queue.peek();
            assertThat(queue.order().getFirst()).isSameAs(next); // the places agree with the dispatcher
            queue.remove(next, true);
            served.add(next.share.tenant() + "/" + next.share.owner());
        }
        return served;
    }

    @Test
    void aRetryGoesFirstWhoeverItBelongsTo() {
        add("A", "a1", false);
        add("B", "b1", false);
        add("A", "a1", true);

        assertThat(serve(3)).containsExactly("A/a1", "A/a1", "B/b1");
    }

    @Test
    void aRequestThatLeavesUnservedCostsItsClientNoTurn() {
        Reservation leaving = add("A", "a1", false);
        add("A", "a1", false);
        add("B", "b1", false);
        add("B", "b1", false);
        queue.remove(leaving, false);

        // A is still first: a cancelled request is not a turn taken.
        assertThat(serve(3)).containsExactly("A/a1", "B/b1", "B/b1");
    }

    @Test
    void aTenantThatWasIdleEarnsNoCreditForIt() {
        for (int i = 0; i < 6; i++) {
            add("A", "a1", false);
        }
        serve(4); // A alone for a while
        add("B", "b1", false);
        add("B", "b1", false);

        // B joins at the turn A is at: alternating from now on, not B's idle rounds made up for.
        assertThat(serve(4)).containsExactly("B/b1", "A/a1", "B/b1", "A/a1");
    }

    @Test
    void aTenantComingBackRightAfterItsTurnGainsNoExtraTurn() {
        add("A", "a1", false);
        add("A", "a1", false);
        add("A", "a1", false);
        add("B", "b1", false);
        assertThat(serve(2)).containsExactly("A/a1", "B/b1");

        add("B", "b1", false); // B's next message, right after its turn: A's turn comes first
        assertThat(serve(2)).containsExactly("A/a1", "B/b1");
    }

    @Test
    void aNewcomersPlaceIsWhereTheRoundRobinPutsIt() {
        for (int i = 0; i < 10; i++) {
            add("A", "a1", false);
        }
        add("A", "a2", false);

        assertThat(queue.placeOf(new Share("A", "a3"))).isEqualTo(3); // after a1's and a2's first turns
        assertThat(queue.placeOf(new Share("A", "a1"))).isEqualTo(12); // a1's own backlog: the tail
        assertThat(queue.placeOf(new Share("B", "b1"))).isEqualTo(2); // tenants alternate: after A's head
        assertThat(queue.size()).isEqualTo(11); // asking placed nothing
    }
}
