package com.callcenter.lisa.quota;

import com.callcenter.lisa.quota.DatabaseSpendLedger.Block;
import com.callcenter.lisa.quota.DatabaseSpendLedger.Owed;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared spend ledger, charged in blocks of money as {@link BlockQuotaLedger} takes requests in blocks: one
 * charge of the database buys a block that this instance hands out to its own calls for one second; what it did not
 * use, released charges and Gemini's bills (corrections) are owed and given back with the next call for a block, or
 * by {@link #giveBackExpired} within a second. Without it every turn with a spend budget costs a transaction under
 * the project's one spend lock, and a correction.
 *
 * <p>The same rules as the quota blocks: a block is charged only if its first call fits as a single charge would, it
 * never holds more than 1/{@link BlockQuotaLedger#SHARE} of what is left of the budget beyond that first call (near
 * the budget, single charges), a block of more than one call counts from the end of its second, one fetch at a time,
 * what a failed call was to give back is dropped, nothing is given back at shutdown. The next block asks for twice as
 * many calls as the last one served (at the size of the call asking), at most {@code maxCalls}.
 */
final class BlockSpendLedger implements SpendLedger {

    private static final Logger log = LoggerFactory.getLogger(BlockSpendLedger.class);

    private final DatabaseSpendLedger database;
    private final int maxCalls;
    private final Duration lifetime;
    /** Guards everything below; no I/O under it. */
    private final Object lock = new Object();

    private long budget = -1;
    /**
     * The time the block in hand serves (null: none in hand): from a lifetime before its grant (a caller that waited
     * for it may come with an instant just before the grant, and goes out after it) to the end of its second.
     */
    private Instant from;

    private Instant until;
    private long bucket;
    private long left;
    /** Calls served by the block in hand, and by the previous one (the next asks for twice as many). */
    private int served;

    private int lastServed;
    private final Map<Long, Long> owed = new HashMap<>();
    private CompletableFuture<Decision.Wait> fetching;

    BlockSpendLedger(DatabaseSpendLedger database, Duration lifetime, int maxCalls) {
        this.database = database;
        this.lifetime = lifetime;
        this.maxCalls = maxCalls;
    }

    @Override
    public Decision tryCharge(long budgetMicros, long micros, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        long charged = SpendRules.charged(budgetMicros, micros);
        while (true) {
            CompletableFuture<Decision.Wait> fetch;
            boolean mine = false;
            List<Owed> back = List.of();
            long ask = 0;
            synchronized (lock) {
                Decision.Granted taken = take(budgetMicros, charged, at);
                if (taken != null) {
                    return taken;
                }
                fetch = fetching;
                if (fetch == null) {
                    fetch = fetching = new CompletableFuture<>();
                    mine = true;
                    retire();
                    back = drain();
                    ask = charged * Math.clamp(2L * lastServed, 1, maxCalls);
                }
            }
            if (!mine) {
                Decision.Wait refused = BlockQuotaLedger.awaitOthers(fetch);
                if (refused != null) {
                    return refused;
                }
                continue;
            }
            Block block;
            try {
                block = database.chargeBlock(budgetMicros, micros, ask, lifetime, BlockQuotaLedger.SHARE, at, back);
            } catch (RuntimeException e) {
                synchronized (lock) {
                    fetching = null;
                }
                fetch.completeExceptionally(e);
                throw e;
            }
            Decision result;
            synchronized (lock) {
                fetching = null;
                if (block.refused() == null) {
                    budget = budgetMicros;
                    from = at.minus(lifetime);
                    until = at.plus(lifetime);
                    bucket = block.bucket();
                    left = block.micros();
                    result = take(budgetMicros, charged, at);
                } else {
                    result = block.refused();
                }
            }
            fetch.complete(block.refused());
            return result;
        }
    }

    @Override
    public void correct(Charge charge, long actualMicros) {
        synchronized (lock) {
            owe(charge.bucket(), actualMicros - charge.micros());
        }
        database.known().correct(charge, actualMicros);
    }

    @Override
    public void release(Charge charge) {
        synchronized (lock) {
            owe(charge.bucket(), -charge.micros());
        }
        database.known().release(charge);
    }

    /** What the database holds, after this instance gave back its block and what it owed. */
    @Override
    public long spentMicros(Instant now) {
        giveBack(now, true);
        return database.spentMicros(now);
    }

    @Override
    public Duration estimateWait(long budgetMicros, int position, long micros, Instant now) {
        return database.estimateWait(budgetMicros, position, micros, now);
    }

    /** Gives back a block whose second is over and what is owed (scheduled every second by QuotaConfiguration). */
    void giveBackExpired(Instant now) {
        try {
            giveBack(now, false);
        } catch (RuntimeException e) {
            log.warn("Giving back unused Gemini spend failed; it counts until its window ends: {}", e.toString());
        }
    }

    Duration lifetime() {
        return lifetime;
    }

    DatabaseSpendLedger database() {
        return database;
    }

    private void giveBack(Instant now, boolean evenInHand) {
        List<Owed> back;
        synchronized (lock) {
            if (until != null && (evenInHand || !now.isBefore(until))) {
                retire();
            }
            back = drain();
        }
        database.giveBack(back);
    }

    /** Under the lock: one charge from the block in hand, if it serves. */
    private Decision.Granted take(long budgetMicros, long charged, Instant at) {
        if (until == null || budget != budgetMicros || at.isBefore(from) || !at.isBefore(until) || left < charged) {
            return null;
        }
        left -= charged;
        served++;
        Charge charge = new Charge(bucket, charged);
        database.known().record(charge, at);
        return new Decision.Granted(charge);
    }

    /** Under the lock: puts the block in hand aside; what it did not hand out is owed back. */
    private void retire() {
        if (until == null) {
            return;
        }
        owe(bucket, -left);
        from = null;
        until = null;
        left = 0;
        lastServed = served;
        served = 0;
    }

    private void owe(long bucket, long micros) {
        if (micros != 0) {
            owed.merge(bucket, micros, Long::sum);
        }
    }

    private List<Owed> drain() {
        List<Owed> list = new ArrayList<>(owed.size());
        owed.forEach((number, micros) -> {
            if (micros != 0) {
                list.add(new Owed(number, micros));
            }
        });
        owed.clear();
        return list;
    }
}
