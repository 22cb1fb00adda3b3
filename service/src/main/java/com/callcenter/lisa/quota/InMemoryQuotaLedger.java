package com.callcenter.lisa.quota;

import com.callcenter.lisa.quota.QuotaRules.Dispatch;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The quota ledger of a single service instance: per model, the exact requests of the window (Gemini's
 * 60 seconds plus a margin) and a count of the current Pacific day, in the heap. Decisions are {@link QuotaRules}'.
 *
 * <p>Thread-safe: each model's log is guarded by its own monitor, so models do not wait for each
 * other and a check and its record happen as one step. Memory per model is bounded by the requests of
 * one minute: older entries are dropped on every call.
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

    /** How many entries the model's log holds: for tests of its memory bound. */
    int retained(String model) {
        return log(model).retained();
    }

    private ModelLog log(String model) {
        return logs.computeIfAbsent(model, name -> new ModelLog());
    }

    /** One model's record. Every method is synchronized: this object is the model's lock. */
    private final class ModelLog {

        /** Requests still in the window, in order of {@code sentAt} and therefore of id. */
        private final List<Dispatch> window = new ArrayList<>();
        /** The input tokens of {@link #window}, kept up to date so that a decision need not add them up. */
        private long tokens;
        /** The latest instant any call has brought: this log's time, which never runs backwards. */
        private Instant latest;
        private LocalDate day;
        private int requestsToday;

        synchronized Decision acquire(ModelBudget budget, int inputTokens, Instant now) {
            Instant at = advance(now);
            if (!rules.fitAtOnce(budget, window.size(), tokens, requestsToday, inputTokens, 1)) {
                Optional<Decision.Wait> wait = rules.check(budget, window, requestsToday, inputTokens, at);
                if (wait.isPresent()) {
                    return wait.get();
                }
            }
            // The id is taken under this lock, so ids grow with sentAt within one model.
            long id = lastId.incrementAndGet();
            window.add(new Dispatch(id, at, inputTokens));
            tokens += inputTokens;
            requestsToday++;
            return new Decision.Granted(id);
        }

        synchronized void correct(long id, int actualInputTokens) {
            int index = indexOf(id);
            if (index >= 0) {
                Dispatch dispatch = window.get(index);
                window.set(index, new Dispatch(id, dispatch.sentAt(), actualInputTokens));
                tokens += actualInputTokens - dispatch.inputTokens();
            }
            // Not found: it has left the window, so its tokens no longer matter.
        }

        synchronized void release(long id) {
            int index = indexOf(id);
            if (index >= 0) {
                tokens -= window.remove(index).inputTokens();
                requestsToday = Math.max(0, requestsToday - 1);
            }
        }

        /** Ids grow along the window, so a binary search finds one. */
        private int indexOf(long id) {
            int low = 0;
            int high = window.size() - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                long found = window.get(middle).id();
                if (found < id) {
                    low = middle + 1;
                } else if (found > id) {
                    high = middle - 1;
                } else {
                    return middle;
                }
            }
            return -1;
        }

        synchronized Usage usage(Instant now) {
            Instant at = advance(now);
            return rules.usage(window, requestsToday, at);
        }

        Duration estimateWait(ModelBudget budget, int position, int inputTokens, Instant now) {
            List<Dispatch> copy;
            Instant at;
            int today;
            synchronized (this) {
                at = advance(now);
                if (rules.fitAtOnce(budget, window.size(), tokens, requestsToday, inputTokens, position)) {
                    return Duration.ZERO;
                }
                copy = List.copyOf(window);
                today = requestsToday;
            }
            // Simulated outside the lock: a long queue's estimate does not hold up acquisitions.
            return rules.estimateWait(budget, copy, today, position, inputTokens, at);
        }

        synchronized int retained() {
            return window.size();
        }

        /**
         * Brings this log's time to {@code now}, or keeps it if {@code now} is older, and forgets what
         * left the window. Callers read the clock before they get the lock, so a caller holding an
         * older reading can arrive after one with a newer; judging it at the newer instant (and
         * recording it there, which is closer to when it is really sent anyway) keeps the log in time
         * order and never lets it use a slot whose older neighbours were already dropped.
         */
        private Instant advance(Instant now) {
            if (latest == null || now.isAfter(latest)) {
                latest = now;
            }
            List<Dispatch> left = window.subList(0, rules.firstInWindow(window, latest));
            for (Dispatch dispatch : left) {
                tokens -= dispatch.inputTokens();
            }
            left.clear();
            LocalDate today = QuotaRules.pacificDay(latest);
            if (!today.equals(day)) {
                day = today;
                requestsToday = 0;
            }
            return latest;
        }
    }
}
