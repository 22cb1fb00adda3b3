package com.callcenter.lisa.quota;

import com.callcenter.lisa.quota.QuotaRules.Bucket;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The quota ledger of a single service instance: per model, the per-second buckets of the window
 * (Gemini's 60 seconds plus a margin) and a count of the current Pacific day, in the heap, the same
 * record as the database ledger's. Decisions are {@link QuotaRules}', so a decision costs at most the
 * ~62 buckets of a window whatever the budget and the rate.
 *
 * <p>Thread-safe: each model's log is guarded by its own monitor, so models do not wait for each
 * other and a check and its record happen as one step. Each grant of the window is also kept by id
 * (in a map, for {@link #correct} and {@link #release} in constant time) until it leaves the window:
 * older buckets and grants are dropped on every call.
 */
final class InMemoryQuotaLedger implements QuotaLedger {

    private final ConcurrentMap<String, ModelLog> logs = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();
    private final QuotaRules rules;

    InMemoryQuotaLedger() {
        this(QuotaRules.GEMINI_MINUTE);
    }

    InMemoryQuotaLedger(QuotaRules rules) {
        this.rules = rules;
    }

    @Override
    public Decision tryAcquire(String model, ModelBudget budget, int inputTokens, Instant now) {
        return log(model).acquire(budget, inputTokens, now);
    }

    @Override
    public void correct(String model, long id, int actualInputTokens) {
        QuotaRules.requireTokens(actualInputTokens);
        ModelLog log = logs.get(model);
        if (log != null) {
            log.correct(id, actualInputTokens);
        }
    }

    @Override
    public void release(String model, long id) {
        ModelLog log = logs.get(model);
        if (log != null) {
            log.release(id);
        }
    }

    @Override
    public Usage usage(String model, Instant now) {
        return log(model).usage(now);
    }

    @Override
    public Duration estimateWait(String model, ModelBudget budget, int position, int inputTokens, Instant now) {
        return log(model).estimateWait(budget, position, inputTokens, now);
    }

    /**
     * Records a request another ledger granted as {@code id} (its id there), without deciding: this log then
     * mirrors that ledger's record as far as this instance knows it ({@link DatabaseQuotaLedger}).
     */
    void record(String model, long id, int inputTokens, Instant now) {
        log(model).record(id, inputTokens, now);
    }

    /**
     * Replaces the model's record by {@code buckets} and the day's count as another ledger read them at
     * {@code at}: what every instance sharing it has sent. The grants known by id stay, to be corrected or
     * released in the buckets that hold them.
     */
    void replace(String model, List<Bucket> buckets, int requestsToday, Instant at) {
        log(model).replace(buckets, requestsToday, at);
    }

    /** How many buckets the model's log holds: for tests of its bound. */
    int retained(String model) {
        return log(model).retained();
    }

    private ModelLog log(String model) {
        return logs.computeIfAbsent(model, name -> new ModelLog());
    }

    /** A grant still in the window: where its tokens are counted. */
    private record Grant(long micros, long inputTokens) {}

    /** One model's record. Every method is synchronized: this object is the model's lock. */
    private final class ModelLog {

        /** The buckets that may still hold a request of the window, in order of number. */
        private final List<Bucket> buckets = new ArrayList<>();
        /** The grants of those buckets by id, in order of id and therefore of time. */
        private final Map<Long, Grant> grants = new LinkedHashMap<>();
        /** The requests and tokens of {@link #buckets}, kept up to date so that a decision far from the limits need not add them up. */
        private long requests;

        private long tokens;
        /** The latest instant any call has brought: this log's time, which never runs backwards. */
        private Instant latest;

        private LocalDate day;
        private int requestsToday;

        synchronized Decision acquire(ModelBudget budget, int inputTokens, Instant now) {
            Instant at = advance(now);
            // The totals count every bucket since firstBucket: at least what the rules count in the window.
            if (!rules.fitAtOnce(budget, requests, tokens, requestsToday, inputTokens, 1)) {
                Optional<Decision.Wait> wait = rules.check(budget, buckets, requestsToday, inputTokens, at);
                if (wait.isPresent()) {
                    return wait.get();
                }
            }
            // The id is taken under this lock, so ids grow with time within one model.
            long id = lastId.incrementAndGet();
            add(id, inputTokens, at);
            return new Decision.Granted(id);
        }

        synchronized void record(long id, int inputTokens, Instant now) {
            add(id, inputTokens, advance(now));
        }

        /** Under this log's lock: one more request sent at {@code at}, the log's time. */
        private void add(long id, int inputTokens, Instant at) {
            long micros = QuotaRules.micros(at);
            rules.add(buckets, inputTokens, micros);
            grants.put(id, new Grant(micros, inputTokens));
            requests++;
            tokens += inputTokens;
            requestsToday++;
        }

        synchronized void replace(List<Bucket> read, int today, Instant now) {
            Instant at = advance(now);
            long first = rules.firstBucket(at);
            buckets.clear();
            requests = 0;
            tokens = 0;
            for (Bucket bucket : read) {
                if (bucket.number() >= first) {
                    buckets.add(bucket);
                    requests += bucket.requests();
                    tokens += bucket.inputTokens();
                }
            }
            requestsToday = today;
        }

        synchronized void correct(long id, int actualInputTokens) {
            Grant grant = grants.get(id);
            if (grant == null) {
                return; // it has left the window, so its tokens no longer matter
            }
            int index = indexOf(rules.bucketOf(grant.micros()));
            if (index < 0) {
                return; // a mirror replaced by a record without its bucket (released elsewhere meanwhile)
            }
            Bucket bucket = buckets.get(index);
            long delta = actualInputTokens - grant.inputTokens();
            buckets.set(
                    index,
                    new Bucket(
                            bucket.number(),
                            bucket.requests(),
                            Math.max(0, bucket.inputTokens() + delta),
                            bucket.firstMicros(),
                            bucket.lastMicros()));
            tokens += delta;
            grants.put(id, new Grant(grant.micros(), actualInputTokens));
        }

        synchronized void release(long id) {
            Grant grant = grants.remove(id);
            if (grant == null) {
                return;
            }
            int index = indexOf(rules.bucketOf(grant.micros()));
            if (index >= 0) {
                Bucket bucket = buckets.get(index);
                buckets.set(index, bucket.minus(grant.inputTokens(), grant.micros()));
                requests -= bucket.requests() > 0 ? 1 : 0;
                tokens -= Math.min(bucket.inputTokens(), grant.inputTokens());
            }
            if (QuotaRules.pacificDay(QuotaRules.instant(grant.micros())).equals(day)) {
                requestsToday = Math.max(0, requestsToday - 1);
            }
        }

        /**
         * The bucket of a grant still in {@link #grants}, -1 if none (only in a mirror whose record was replaced);
         * the window holds ~62 at most.
         */
        private int indexOf(long number) {
            for (int i = buckets.size() - 1; i >= 0; i--) {
                if (buckets.get(i).number() == number) {
                    return i;
                }
            }
            return -1;
        }

        synchronized Usage usage(Instant now) {
            Instant at = advance(now);
            return rules.usage(buckets, requestsToday, at);
        }

        Duration estimateWait(ModelBudget budget, int position, int inputTokens, Instant now) {
            List<Bucket> copy;
            Instant at;
            int today;
            synchronized (this) {
                at = advance(now);
                if (rules.fitAtOnce(budget, requests, tokens, requestsToday, inputTokens, position)) {
                    return Duration.ZERO;
                }
                copy = List.copyOf(buckets);
                today = requestsToday;
            }
            // Simulated outside the lock: a long queue's estimate does not hold up acquisitions.
            return rules.estimateWait(budget, copy, today, position, inputTokens, at);
        }

        synchronized int retained() {
            return buckets.size();
        }

        /**
         * Brings this log's time to {@code now} (to the microsecond, as the database ledger stores it), or
         * keeps it if {@code now} is older, and forgets the buckets and grants that left the window.
         * Callers read the clock before they get the lock, so a caller holding an older reading can
         * arrive after one with a newer; judging it at the newer instant (and recording it there, which
         * is closer to when it is really sent anyway) keeps the log in time order and never lets it use a
         * slot whose older neighbours were already dropped.
         */
        private Instant advance(Instant now) {
            Instant at = now.truncatedTo(ChronoUnit.MICROS);
            if (latest == null || at.isAfter(latest)) {
                latest = at;
            }
            long first = rules.firstBucket(latest);
            while (!buckets.isEmpty() && buckets.getFirst().number() < first) {
                Bucket gone = buckets.removeFirst();
                requests -= gone.requests();
                tokens -= gone.inputTokens();
            }
            for (Iterator<Grant> oldest = grants.values().iterator(); oldest.hasNext(); ) {
                if (rules.bucketOf(oldest.next().micros()) >= first) {
                    break;
                }
                oldest.remove();
            }
            LocalDate today = QuotaRules.pacificDay(latest);
            if (!today.equals(day)) {
                day = today;
                requestsToday = 0;
            }
            return latest;
        }
    }
}
