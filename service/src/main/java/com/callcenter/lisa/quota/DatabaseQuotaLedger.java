package com.callcenter.lisa.quota;

import com.callcenter.lisa.quota.QuotaRules.Dispatch;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The quota ledger shared by several service instances through one database (PostgreSQL in
 * production; H2 when one instance runs it in tests): every grant is a row of {@code quota_dispatch},
 * and every decision on a model happens under that model's lock. Decisions are {@link QuotaRules}',
 * exactly as in the in-memory ledger.
 *
 * <p>The lock is a row lock on the model's row of {@code quota_model} ({@code select ... for update}),
 * on both databases. PostgreSQL's {@code pg_advisory_xact_lock} would serve as well there, but H2 has
 * no advisory locks, and one locking statement that both databases understand keeps a single code
 * path, tested on both, with no dialect detection. Like the advisory lock, the row lock is released by
 * the commit or rollback, so a crashed instance cannot leave it held.
 *
 * <p>Time comes only from the callers' {@code now}, never from the database's clock; it is truncated to
 * microseconds, what {@code timestamp with time zone} stores on both databases, so that what is
 * decided is what is stored.
 *
 * <p>Rows older than {@link #RETENTION} are of no use; {@code QuotaConfiguration} calls
 * {@link #purgeBefore} with {@code now.minus(RETENTION)} now and then.
 */
final class DatabaseQuotaLedger implements QuotaLedger {

    /** The longest a row can matter: a Pacific day is 25 hours at the autumn clock change. */
    static final Duration RETENTION = Duration.ofHours(25);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final QuotaRules rules;
    /** Models whose quota_model row is known to exist: at most a few, from configuration. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    DatabaseQuotaLedger(JdbcClient jdbc, TransactionTemplate transaction) {
        this(jdbc, transaction, QuotaRules.GEMINI_MINUTE);
    }

    DatabaseQuotaLedger(JdbcClient jdbc, TransactionTemplate transaction, QuotaRules rules) {
        this.jdbc = jdbc;
        this.rules = rules;
        this.transaction = new TransactionTemplate(
                Objects.requireNonNull(transaction.getTransactionManager(), "transaction manager"), transaction);
        // READ COMMITTED: every statement after the lock sees what the previous holder committed. Under
        // REPEATABLE READ or SERIALIZABLE, PostgreSQL fixes a transaction's snapshot when the lock
        // statement starts, before it waits, so the count would miss the grant it waited for.
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        // Its own transaction, committed before tryAcquire returns, even if the caller is inside one:
        // a grant must be visible to the other instances at once, and the lock must not be held longer.
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Override
    public Decision tryAcquire(String model, ModelBudget budget, int inputTokens, Instant now) {
        Instant at = storable(now);
        register(model);
        if (unlimited(budget)) {
            // Nothing to decide, so nothing to lock: the row is only for usage figures.
            QuotaRules.requireTokens(inputTokens);
            return new Decision.Granted(insert(model, at, inputTokens));
        }
        return transaction.execute(status -> {
            lock(model);
            Totals totals = totals(model, budget, at);
            if (!rules.fitAtOnce(budget, totals.requests(), totals.tokens(), totals.requestsToday(), inputTokens, 1)) {
                // Near a limit: which requests leave the window when decides the wait.
                Optional<Decision.Wait> wait =
                        rules.check(budget, window(model, at), totals.requestsToday(), inputTokens, at);
                if (wait.isPresent()) {
                    return wait.get();
                }
            }
            return new Decision.Granted(insert(model, at, inputTokens));
        });
    }

    @Override
    public void correct(String model, long id, int actualInputTokens) {
        QuotaRules.requireTokens(actualInputTokens);
        // One statement, no lock: a concurrent decision sees the old or the new count, both honest at
        // the time. A row already purged is simply not found.
        jdbc.sql("update quota_dispatch set input_tokens = ? where id = ? and model = ?")
                .params((long) actualInputTokens, id, model)
                .update();
    }

    @Override
    public void release(String model, long id) {
        // One statement, no lock: freeing a slot can only make a concurrent decision stricter than needed.
        jdbc.sql("delete from quota_dispatch where id = ? and model = ?").params(id, model).update();
    }

    @Override
    public Usage usage(String model, Instant now) {
        Instant at = storable(now);
        Snapshot snapshot = transaction.execute(status -> read(model, at));
        return rules.usage(snapshot.window(), snapshot.requestsToday(), at);
    }

    @Override
    public Duration estimateWait(String model, ModelBudget budget, int position, int inputTokens, Instant now) {
        Instant at = storable(now);
        if (unlimited(budget) && rules.fitAtOnce(budget, 0, 0, 0, inputTokens, position)) {
            return Duration.ZERO;
        }
        // No lock: an estimate changes nothing, and is stale the moment it is told anyway.
        Totals totals = totals(model, budget, at);
        if (rules.fitAtOnce(budget, totals.requests(), totals.tokens(), totals.requestsToday(), inputTokens, position)) {
            return Duration.ZERO;
        }
        Snapshot snapshot = transaction.execute(status -> read(model, at));
        return rules.estimateWait(budget, snapshot.window(), snapshot.requestsToday(), position, inputTokens,
                at);
    }

    /**
     * Deletes the rows sent before {@code cutoff}, model by model so that the (model, sent_at) index
     * finds them. Safe with any cutoff up to {@code now.minus(RETENTION)}.
     *
     * @return how many rows were deleted
     */
    int purgeBefore(Instant cutoff) {
        int deleted = 0;
        for (String model : jdbc.sql("select model from quota_model").query(String.class).list()) {
            deleted += jdbc.sql("delete from quota_dispatch where model = ? and sent_at < ?")
                    .params(model, utc(cutoff))
                    .update();
        }
        return deleted;
    }

    /**
     * Makes sure the model has its lock row. In its own transaction: if another instance inserts the
     * same row at the same moment, the loser's duplicate key only rolls back this insert.
     */
    private void register(String model) {
        if (registered.contains(model)) {
            return;
        }
        try {
            transaction.executeWithoutResult(status -> jdbc.sql("""
                            insert into quota_model (model)
                            select ? where not exists (select 1 from quota_model where model = ?)""")
                    .params(model, model)
                    .update());
        } catch (DuplicateKeyException inserted) {
            // Another instance registered the model between our check and our insert: just as good.
        }
        registered.add(model);
    }

    /** Waits for, then holds until commit, the one lock every decision on this model takes. */
    private void lock(String model) {
        List<String> locked = jdbc.sql("select model from quota_model where model = ? for update")
                .param(model)
                .query(String.class)
                .list();
        if (locked.isEmpty()) {
            throw new IllegalStateException("The quota_model row of " + model + " is missing");
        }
    }

    /** The model's requests in the window at {@code at}, oldest first, and the count of its Pacific day. */
    private Snapshot read(String model, Instant at) {
        return new Snapshot(window(model, at), requestsToday(model, at));
    }

    private List<Dispatch> window(String model, Instant at) {
        return jdbc.sql("""
                        select id, sent_at, input_tokens from quota_dispatch
                        where model = ? and sent_at > ?
                        order by sent_at, id""")
                .params(model, utc(at.minus(rules.window())))
                .query(DatabaseQuotaLedger::dispatch)
                .list();
    }

    private int requestsToday(String model, Instant at) {
        LocalDate day = QuotaRules.pacificDay(at);
        long today = jdbc.sql("select count(*) from quota_dispatch where model = ? and sent_at >= ? and sent_at < ?")
                .params(model, utc(QuotaRules.startOfPacificDay(day)),
                        utc(QuotaRules.startOfPacificDay(day.plusDays(1))))
                .query(Long.class)
                .single();
        return Math.toIntExact(today);
    }

    /**
     * The window's count and tokens, summed by the database, and the day's count; each only if a budget
     * needs it. Cheaper than reading the window's rows, which only matter near a limit.
     */
    private Totals totals(String model, ModelBudget budget, Instant at) {
        int requests = 0;
        long tokens = 0;
        if (budget.requestsPerMinute() > 0 || budget.inputTokensPerMinute() > 0) {
            Totals window = jdbc.sql("""
                            select count(*) as requests, coalesce(sum(input_tokens), 0) as tokens
                            from quota_dispatch where model = ? and sent_at > ?""")
                    .params(model, utc(at.minus(rules.window())))
                    .query((rs, row) -> new Totals(rs.getInt("requests"), rs.getLong("tokens"), 0))
                    .single();
            requests = window.requests();
            tokens = window.tokens();
        }
        int today = budget.requestsPerDay() > 0 ? requestsToday(model, at) : 0;
        return new Totals(requests, tokens, today);
    }

    private static boolean unlimited(ModelBudget budget) {
        return budget.requestsPerMinute() == 0 && budget.inputTokensPerMinute() == 0 && budget.requestsPerDay() == 0;
    }

    private record Totals(int requests, long tokens, int requestsToday) {
    }

    private long insert(String model, Instant at, int inputTokens) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("insert into quota_dispatch (model, sent_at, input_tokens) values (?, ?, ?)")
                .params(model, utc(at), (long) inputTokens)
                .update(key, "id");
        return Objects.requireNonNull(key.getKey(), "generated id").longValue();
    }

    private record Snapshot(List<Dispatch> window, int requestsToday) {
    }

    private static Dispatch dispatch(ResultSet rs, int row) throws SQLException {
        return new Dispatch(rs.getLong("id"), rs.getObject("sent_at", OffsetDateTime.class).toInstant(),
                rs.getLong("input_tokens"));
    }

    private static Instant storable(Instant now) {
        return now.truncatedTo(ChronoUnit.MICROS);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
