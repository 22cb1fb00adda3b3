package com.callcenter.lisa.chat;

import com.callcenter.lisa.quota.QueuePlace;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages waiting for quota, by session, so that ending a session takes them out of the queue. Each
 * change of a session's entry is one atomic operation of the map: adding to a set that a concurrent
 * removal is just dropping from the map would leave the message where ending the session cannot find it.
 */
final class WaitingMessages {

    private final ConcurrentHashMap<UUID, Set<QueuePlace>> bySession = new ConcurrentHashMap<>();

    void add(UUID sessionId, QueuePlace place) {
        bySession.compute(sessionId, (id, places) -> {
            Set<QueuePlace> set = places == null ? ConcurrentHashMap.newKeySet() : places;
            set.add(place);
            return set;
        });
    }

    void remove(UUID sessionId, QueuePlace place) {
        bySession.computeIfPresent(sessionId, (id, places) -> {
            places.remove(place);
            return places.isEmpty() ? null : places;
        });
    }

    /** A snapshot of the session's waiting messages. */
    List<QueuePlace> of(UUID sessionId) {
        Set<QueuePlace> places = bySession.get(sessionId);
        return places == null ? List.of() : List.copyOf(places);
    }
}
