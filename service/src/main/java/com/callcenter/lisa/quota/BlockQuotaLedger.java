package com.callcenter.lisa.quota;

import com.callcenter.lisa.quota.DatabaseQuotaLedger.Block;
import com.callcenter.lisa.quota.DatabaseQuotaLedger.BlockDecision;
import com.callcenter.lisa.quota.DatabaseQuotaLedger.Owed;
import com.callcenter.lisa.quota.DatabaseQuotaLedger.Refused;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared database ledger, asked for quota in blocks instead of request by request: the database decides once per
 * block, and this instance hands the block out to its own requests without a round trip. At hundreds of turns a
 * second that takes the ledger's two calls per turn (grant, correction) off the database; near a limit it decides
 * exactly as the {@link DatabaseQuotaLedger} alone does.
 *
 * <p>A block ({@link DatabaseQuotaLedger#grantBlock}) is up to {@code maxRequests} requests and some input tokens,
 * to be sent within one bucket's width ({@link QuotaRules#bucketWidth}, a second) of the grant. It is recorded as sent
 * at the end of that time, so its requests count in every window at least as long as Gemini counts them, whatever
 * moment within it each goes out. It is granted only if its first request fits as a single request would, and never
 * holds more than 1/{@link #SHARE} of what is left of any budget: near a limit blocks are single requests, decided and
 * shared among instances exactly as without blocks.
 *
 * <p>What a block did not use, what was released, and Gemini's token counts (corrections) are owed to the record and
 * given back with this instance's next call for the model, or by {@link #giveBackExpired} (every bucket width,
 * scheduled by {@code QuotaConfiguration}) when no call comes. Until then they count as the estimate did: the careful
 * side. A call that fails drops what it was to give back, for the same reason: whether it was applied is unknown.
 * {@link #usage} gives everything back first, so what it reports is the record without blocks held. At shutdown
 * nothing is given back: a block in hand (at most 1/16 of what was left) counts until its window ends, as after a
 * crash, rather than have the shutdown wait for a database that may already be gone.
 *
 * <p>The size of the next block follows use: twice what the previous block handed out, at least one, at most
 * {@code maxRequests}. A quiet model asks for one request at a time; a busy one for a second's worth.
 *
 * <p>No I/O under a model's lock: the lock guards the block in hand and what is owed; the database is called
 * outside it.
 */
final class BlockQuotaLedger implements QuotaLedger {

    private static final Logger log = LoggerFactory.getLogger(BlockQuotaLedger.class);

    /** A block never holds more than this share of what is left of a budget. */
    static final int SHARE = 16;

    private final DatabaseQuotaLedger database;
    private final int maxRequests;
    private final Duration lifetime;
    /**
     * How long a request handed out is remembered for a correction or a release: until it has left every window
     * (a later one would change nothing). At 1,000 requests a second, some 60,000 small entries per model.
     */
    private final Duration remembered;

    private final AtomicLong lastId = new AtomicLong();
    private final ConcurrentMap<String, Holder> models = new ConcurrentHashMap<>();

    /**
     * @param maxRequests the most requests one block may hold (at least 2; with 1 the database ledger alone serves)
     */
    BlockQuotaLedger(DatabaseQuotaLedger database, QuotaRules rules, int maxRequests) {
        if (maxRequests < 2) {
            throw new IllegalArgumentException("A block holds at least 2 requests: " + maxRequests);
        }
        this.database = database;
        this.maxRequests = maxRequests;
        this.lifetime = rules.bucketWidth();
        this.remembered = rules.window().plus(lifetime);
    }

    @Override
    public Decision tryAcquire(String model, ModelBudget budget, int inputTokens, Instant now) {
        QuotaRules.requireValid(budget);
        QuotaRules.requireTokens(inputTokens);
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        Holder holder = models.computeIfAbsent(model, Holder::new);
        while (true) {
            CompletableFuture<Decision.Wait> fetch;
            boolean mine = false;
            List<Owed> owed = List.of();
            int requests = 0;
            long tokens = 0;
            synchronized (holder) {
                Decision.Granted granted = holder.take(budget, inputTokens, at);
                if (granted != null) {
                    return granted;
                }
                fetch = holder.fetching;
                if (fetch == null) {
                    // One call for the model at a time: the others wait for its block instead of each fetching one.
                    fetch = holder.fetching = new CompletableFuture<>();
                    mine = true;
                    holder.retire();
                    owed = holder.drain();
                    requests = Math.clamp(2L * holder.lastUsed, 1, maxRequests);
                    tokens = inputTokens + (requests - 1) * Math.max(inputTokens, holder.largestTokens);
                }
            }
            if (!mine) {
                Decision.Wait refused = awaitOthers(fetch);
                if (refused != null) {
                    return refused; // not even a single request fitted: nor does this one, for now
                }
                continue; // a block is in hand: take from it, or fetch the next
            }
            BlockDecision decision;
            try {
                decision = database.grantBlock(model, budget, inputTokens, requests, tokens, lifetime, SHARE, at, owed);
            } catch (RuntimeException e) {
                synchronized (holder) {
                    holder.fetching = null;
                }
                fetch.completeExceptionally(e);
                throw e;
            }
            if (decision instanceof Refused refused) {
                synchronized (holder) {
                    holder.fetching = null;
                }
                fetch.complete(refused.until());
                return refused.until();
            }
            Decision.Granted granted;
            synchronized (holder) {
                holder.fetching = null;
                holder.current = new InHand((Block) decision, budget, at, lifetime);
                granted = Objects.requireNonNull(
                        holder.take(budget, inputTokens, at), "a fresh block serves its first request");
            }
            fetch.complete(null);
            return granted;
        }
    }

    /** Waits for another caller's fetch of a block: its refusal, or null once its block is in hand. */
    static <W> W awaitOthers(CompletableFuture<W> fetch) {
        try {
            return fetch.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause; // the database failed for that call: it would for this one
            }
            throw e;
        }
    }

    @Override
    public void correct(String model, long id, int actualInputTokens) {
        QuotaRules.requireTokens(actualInputTokens);
        Holder holder = models.get(model);
        if (holder == null) {
            return;
        }
        synchronized (holder) {
            Taken taken = holder.taken.get(id);
            if (taken == null) {
                return;
            }
            holder.taken.put(id, new Taken(taken.bucket(), taken.day(), actualInputTokens, taken.at()));
            holder.owe(taken.bucket(), taken.day(), 0, actualInputTokens - taken.tokens());
        }
        database.known().correct(model, id, actualInputTokens);
    }

    @Override
    public void release(String model, long id) {
        Holder holder = models.get(model);
        if (holder == null) {
            return;
        }
        synchronized (holder) {
            Taken taken = holder.taken.remove(id);
            if (taken == null) {
                return;
            }
            holder.owe(taken.bucket(), taken.day(), 1, -taken.tokens());
        }
        database.known().release(model, id);
    }

    /** The record as the database holds it, after this instance gave back its block and what it owed. */
    @Override
    public Usage usage(String model, Instant now) {
        giveBack(model, now, true);
        return database.usage(model, now);
    }

    @Override
    public Usage knownUsage(String model, Instant now) {
        return database.knownUsage(model, now);
    }

    @Override
    public Duration estimateWait(String model, ModelBudget budget, int position, int inputTokens, Instant now) {
        return database.estimateWait(model, budget, position, inputTokens, now);
    }

    /**
     * Gives back the blocks whose time is over and everything owed, model by model: what this instance no longer
     * needs counts for the others within a bucket's width even when no request of its own follows. Forgets the
     * requests that have left the window: their correction or release could change nothing any more.
     */
    void giveBackExpired(Instant now) {
        for (String model : models.keySet()) {
            try {
                giveBack(model, now, false);
            } catch (RuntimeException e) {
                log.warn(
                        "Giving back unused Gemini quota of {} failed; it counts until its window ends: {}",
                        model,
                        e.toString());
            }
        }
    }

    /** The ledger asked for blocks. */
    DatabaseQuotaLedger database() {
        return database;
    }

    /** The time a block may be used: a bucket's width. */
    Duration lifetime() {
        return lifetime;
    }

    private void giveBack(String model, Instant now, boolean evenInHand) {
        Holder holder = models.get(model);
        if (holder == null) {
            return;
        }
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        List<Owed> owed;
        synchronized (holder) {
            if (holder.current != null && (evenInHand || !at.isBefore(holder.current.until))) {
                holder.retire();
            }
            holder.forgetBefore(at.minus(remembered));
            owed = holder.drain();
        }
        database.giveBack(model, owed, at);
    }

    /** A block this instance hands out from. */
    private static final class InHand {
        private final Block block;
        private final ModelBudget budget;
        /**
         * The earliest instant it serves: a lifetime before its grant, since a caller that waited for the block may
         * come with an instant just before the grant, and goes out after it.
         */
        private final Instant from;
        /** The end of its time: when a block of several is recorded as sent ({@link Block#stamp}). */
        private final Instant until;

        private int requestsLeft;
        private long tokensLeft;

        InHand(Block block, ModelBudget budget, Instant granted, Duration lifetime) {
            this.block = block;
            this.budget = budget;
            this.from = granted.minus(lifetime);
            this.until = granted.plus(lifetime);
            this.requestsLeft = block.requests();
            this.tokensLeft = block.tokens();
        }

        /**
         * Whether one more request of {@code tokens} may go now from this block: within its time, under the budget it
         * was granted for (a budget lowered since, after a 429, asks the database again), with enough left.
         */
        boolean serves(ModelBudget inForce, int tokens, Instant at) {
            return budget.equals(inForce)
                    && !at.isBefore(from)
                    && at.isBefore(until)
                    && requestsLeft >= 1
                    && tokensLeft >= tokens;
        }
    }

    /** A request handed out from a block: where it counts and its tokens (the estimate, then Gemini's count). */
    private record Taken(long bucket, LocalDate day, long tokens, Instant at) {}

    /** One model's block in hand and what is owed to its record; guarded by itself. */
    private final class Holder {
        private final String model;
        private InHand current;
        /** The call for the next block under way, if any: completed with its refusal, or null once it is in hand. */
        private CompletableFuture<Decision.Wait> fetching;
        /** Requests the previous block handed out: the next block asks for twice as many. */
        private int lastUsed;
        /** The largest request of the previous block, for the tokens the next one asks for. */
        private long largestTokens;

        private int used;
        private long largest;
        private final Map<Long, Taken> taken = new LinkedHashMap<>();
        /** Per bucket and day: requests to subtract, tokens to add. */
        private final Map<Owed, long[]> owed = new HashMap<>();

        Holder(String model) {
            this.model = model;
        }

        Decision.Granted take(ModelBudget budget, int tokens, Instant at) {
            if (current == null || !current.serves(budget, tokens, at)) {
                return null;
            }
            current.requestsLeft--;
            current.tokensLeft -= tokens;
            used++;
            largest = Math.max(largest, tokens);
            long id = lastId.incrementAndGet();
            taken.put(id, new Taken(current.block.bucket(), current.block.day(), tokens, at));
            database.known().record(model, id, tokens, at);
            return new Decision.Granted(id);
        }

        /** Puts the block in hand aside: what it did not hand out is owed back. */
        void retire() {
            if (current == null) {
                return;
            }
            owe(current.block.bucket(), current.block.day(), current.requestsLeft, -current.tokensLeft);
            current = null;
            lastUsed = used;
            largestTokens = largest;
            used = 0;
            largest = 0;
        }

        void owe(long bucket, LocalDate day, int requests, long tokens) {
            if (requests == 0 && tokens == 0) {
                return;
            }
            long[] sum = owed.computeIfAbsent(new Owed(bucket, day, 0, 0), key -> new long[2]);
            sum[0] += requests;
            sum[1] += tokens;
        }

        List<Owed> drain() {
            List<Owed> list = new ArrayList<>(owed.size());
            owed.forEach((key, sum) -> {
                if (sum[0] != 0 || sum[1] != 0) {
                    list.add(new Owed(key.bucket(), key.day(), Math.toIntExact(sum[0]), sum[1]));
                }
            });
            owed.clear();
            return list;
        }

        /** In order of id, hence of time (give or take a clock set back): stops at the first one to keep. */
        void forgetBefore(Instant cutoff) {
            for (Iterator<Taken> it = taken.values().iterator(); it.hasNext(); ) {
                if (!it.next().at().isBefore(cutoff)) {
                    return;
                }
                it.remove();
            }
        }
    }
}
