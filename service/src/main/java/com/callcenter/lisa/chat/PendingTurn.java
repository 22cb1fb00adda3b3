package com.callcenter.lisa.chat;

import java.util.Optional;

/**
 * A chat message accepted by {@link ChatService#accept}: everything that can be refused on arrival
 * (bad message, unknown or closed session, reused key, no quota within the maximum wait) has been.
 * {@link #complete} takes the turn.
 */
public final class PendingTurn {

    private final ChatService service;
    private final Work work;

    /** What is left to do. */
    sealed interface Work {
        /** A new turn, admitted to the quota queue. */
        record Take(ChatService.Accepted accepted) implements Work {}

        /** A repeat of an Idempotency-Key that was answered before. */
        record Answered(TurnResult result) implements Work {}

        /** A repeat of an Idempotency-Key whose first request is still being answered. */
        record AwaitFirst(ChatService.Accepted accepted) implements Work {}
    }

    PendingTurn(ChatService service, Work work) {
        this.service = service;
        this.work = work;
    }

    Work work() {
        return work;
    }

    /** The message's place in the quota queue while it waits; empty for a repeat of an earlier request. */
    public Optional<PlaceInLine> place() {
        return work instanceof Work.Take take
                ? Optional.of(new PlaceInLine(take.accepted().admission().place()))
                : Optional.empty();
    }

    /**
     * Takes the turn (or, for a repeat, waits for and returns the first request's outcome) and stores it.
     *
     * @throws TurnRefusedException                            if it could not be served within the wait
     * @throws com.callcenter.lisa.gemini.GeminiFailure         if Gemini gave no reply
     */
    public TurnResult complete(TurnObserver observer) throws InterruptedException {
        return service.complete(this, observer);
    }
}
