package com.callcenter.lisa.quota;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.ToIntFunction;

/**
 * The waiting reservations of one model, in the order they are let out when demand exceeds the budget:
 * retries first (they already waited their turn), then weighted round robin over tenants, round robin
 * over the owners of a tenant, and first come, first served within an owner. An owner with 100 waiting
 * sessions is served no more often than one with 1; a tenant with 20 sessions no more often than one
 * with 2, unless its weight says so.
 *
 * <p>Tenants are chosen by stride scheduling: each has a pass; the tenant with the lowest pass among
 * those waiting goes next and its pass grows by {@link #STRIDE} / weight, so a tenant of weight 2 goes
 * twice as often as one of weight 1, interleaved rather than in bursts. A tenant that starts waiting
 * again joins at the pass of the last tenant served (never lower than its own): idle time earns no
 * credit, and coming back right after being served gains no extra turn. Owners of a tenant take turns
 * in a ring: the one served goes to the back, a new one joins at the back.
 *
 * <p>Places ({@link #order()}) are the order the dispatcher would let the requests out if nobody else
 * arrived: computed by running the same choice on the current state, not guessed. Not thread-safe: the
 * lane's lock guards it.
 */
final class FairQueue {

    /** A pass step; divided by the weight, so weights up to a million stay distinct. */
    static final long STRIDE = 1 << 20;

    private final ToIntFunction<String> weightOf;
    private final Deque<Reservation> retries = new ArrayDeque<>();
    /** Tenants with waiting requests, and tenants whose pass is still ahead of the last one served. */
    private final Map<String, Tenant> tenants = new HashMap<>();
    /** The pass of the tenant served last: where a tenant that starts waiting joins. */
    private long virtualPass;
    /** Breaks ties between equal passes: the tenant that started waiting first goes first. */
    private long joined;

    private int size;

    private static final class Tenant {
        final String name;
        final long stride;
        long pass;
        long joinedAt;
        /** Owners in the order of their turns; each owner's requests first come, first served. */
        final LinkedHashMap<String, Deque<Reservation>> owners = new LinkedHashMap<>();

        Tenant(String name, int weight) {
            this.name = name;
            this.stride = Math.max(1, STRIDE / Math.max(1, weight));
        }

        boolean waiting() {
            return !owners.isEmpty();
        }
    }

    FairQueue(ToIntFunction<String> weightOf) {
        this.weightOf = weightOf;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(Reservation reservation, boolean retry) {
        size++;
        if (retry) {
            retries.addFirst(reservation);
            return;
        }
        Tenant tenant = tenants.computeIfAbsent(
                reservation.share.tenant(), name -> new Tenant(name, weightOf.applyAsInt(name)));
        if (!tenant.waiting()) {
            tenant.pass = Math.max(tenant.pass, virtualPass);
            tenant.joinedAt = joined++;
        }
        tenant.owners
                .computeIfAbsent(reservation.share.owner(), owner -> new ArrayDeque<>())
                .addLast(reservation);
    }

    /** The next to be let out, or null. */
    Reservation peek() {
        Reservation retry = retries.peekFirst();
        if (retry != null) {
            return retry;
        }
        Tenant next = null;
        for (Tenant tenant : tenants.values()) {
            if (tenant.waiting() && (next == null || before(tenant.pass, tenant.joinedAt, next.pass, next.joinedAt))) {
                next = tenant;
            }
        }
        return next == null ? null : next.owners.firstEntry().getValue().peekFirst();
    }

    /**
     * The reservation leaves the queue: {@code served} = it was given its slot, which counts as its
     * tenant's and its owner's turn; otherwise it left unserved (cancelled), which costs nobody a turn.
     *
     * @return whether it was waiting here
     */
    boolean remove(Reservation reservation, boolean served) {
        if (retries.remove(reservation)) {
            size--;
            return true;
        }
        Tenant tenant = tenants.get(reservation.share.tenant());
        if (tenant == null) {
            return false;
        }
        String owner = reservation.share.owner();
        Deque<Reservation> line = tenant.owners.get(owner);
        if (line == null || !line.remove(reservation)) {
            return false;
        }
        size--;
        boolean first = tenant.owners.firstEntry().getValue() == line;
        if (line.isEmpty()) {
            tenant.owners.remove(owner);
        } else if (served && first) {
            tenant.owners.remove(owner); // its turn is over: to the back of the ring
            tenant.owners.put(owner, line);
        }
        if (served) {
            virtualPass = Math.max(virtualPass, tenant.pass);
            tenant.pass += tenant.stride;
        }
        forgetIdle();
        return true;
    }

    /** Takes every reservation out, in no particular order. */
    List<Reservation> clear() {
        List<Reservation> all = new ArrayList<>(retries);
        for (Tenant tenant : tenants.values()) {
            tenant.owners.values().forEach(all::addAll);
        }
        retries.clear();
        tenants.clear();
        size = 0;
        return all;
    }

    /** Every waiting reservation, in the order they would be let out if nobody else arrived. */
    List<Reservation> order() {
        return order(null);
    }

    /**
     * The place (1 = next) a new request of {@code share} would get behind everyone waiting now: where
     * the round robin would put it, not the tail of a first-come queue.
     */
    int placeOf(Share share) {
        Reservation probe = new Reservation(null, 0, null, PlaceListener.NONE, share);
        List<Reservation> order = order(probe);
        return order.indexOf(probe) + 1;
    }

    /**
     * Runs the choice of {@link #peek} and {@link #remove} on copies of the passes and rings: one pass
     * over the waiting requests, a heap over the waiting tenants. {@code extra}, if any, is ordered as
     * if it had just been added.
     */
    private List<Reservation> order(Reservation extra) {
        List<Reservation> order = new ArrayList<>(size + 1);
        order.addAll(retries);
        record Turns(Tenant tenant, Iterator<Reservation> requests, long[] pass) {}
        PriorityQueue<Turns> heap = new PriorityQueue<>(
                (a, b) -> before(a.pass[0], a.tenant.joinedAt, b.pass[0], b.tenant.joinedAt) ? -1 : 1);
        Map<String, Tenant> view = tenants;
        Tenant extraTenant = null;
        if (extra != null) {
            Tenant existing = tenants.get(extra.share.tenant());
            if (existing == null || !existing.waiting()) {
                extraTenant = new Tenant(extra.share.tenant(), weightOf.applyAsInt(extra.share.tenant()));
                extraTenant.pass = Math.max(existing == null ? 0 : existing.pass, virtualPass);
                extraTenant.joinedAt = joined;
                view = new HashMap<>(tenants);
                view.put(extraTenant.name, extraTenant);
            }
        }
        for (Tenant tenant : view.values()) {
            List<Reservation> turns = ringOrder(
                    tenant,
                    tenant == extraTenant
                                    || extra != null && extra.share.tenant().equals(tenant.name)
                            ? extra
                            : null);
            if (!turns.isEmpty()) {
                heap.add(new Turns(tenant, turns.iterator(), new long[] {tenant.pass}));
            }
        }
        while (!heap.isEmpty()) {
            Turns next = heap.poll();
            order.add(next.requests.next());
            if (next.requests.hasNext()) {
                next.pass[0] += next.tenant.stride;
                heap.add(next);
            }
        }
        return order;
    }

    /** A tenant's requests in the order its ring of owners would take them; {@code extra} joins its owner's line. */
    private static List<Reservation> ringOrder(Tenant tenant, Reservation extra) {
        List<List<Reservation>> lines = new ArrayList<>(tenant.owners.size() + 1);
        boolean placed = extra == null;
        for (Map.Entry<String, Deque<Reservation>> owner : tenant.owners.entrySet()) {
            List<Reservation> line = new ArrayList<>(owner.getValue());
            if (!placed && java.util.Objects.equals(owner.getKey(), extra.share.owner())) {
                line.add(extra);
                placed = true;
            }
            lines.add(line);
        }
        if (!placed) {
            lines.add(List.of(extra)); // a new owner joins the ring at the back
        }
        List<Reservation> order = new ArrayList<>();
        for (int round = 0; ; round++) {
            boolean any = false;
            for (List<Reservation> line : lines) {
                if (round < line.size()) {
                    order.add(line.get(round));
                    any = true;
                }
            }
            if (!any) {
                return order;
            }
        }
    }

    /** Tenants with nothing waiting and no pass ahead of the last one served have nothing to remember. */
    private void forgetIdle() {
        tenants.values().removeIf(tenant -> !tenant.waiting() && tenant.pass <= virtualPass);
    }

    private static boolean before(long pass, long joinedAt, long otherPass, long otherJoinedAt) {
        return pass < otherPass || pass == otherPass && joinedAt < otherJoinedAt;
    }
}
