package com.callcenter.lisa.quota;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The spend record in the database (migration V9: {@code quota_spend} buckets and the one
 * {@code quota_spend_lock} row), shared by every instance using it: the project's spend budget holds
 * for all of them together.
 *
 * <p>A charge locks the one row of {@code quota_spend_lock} ({@code select ... for update}, the same
 * statement on H2 and PostgreSQL, released by the commit, so a crashed instance cannot leave it held),
 * reads the ~61 buckets of the window, decides by {@link SpendRules}, and adds to its bucket, all in one
 * short transaction of its own. Corrections and releases change one bucket's row in one statement,
 * without the lock: a concurrent decision sees the amount before or after, both honest at the time.
 * Plain statements on both databases: a charge is a handful of round trips, fine next to a Gemini call
 * that costs money, and one code path tested on both.
 */
final class DatabaseSpendLedger implements SpendLedger {

    /** Buckets matter for one window; older rows are purged with the quota ledger's. */
    static final Duration RETENTION = Duration.ofHours(1);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final SpendRules rules;
    /**
     * The record as this instance knows it, in memory, for estimates ({@link #estimateWait}): read once when
     * first needed, then kept up to date with this instance's charges, corrections and releases, and
     * replaced by the database's buckets whenever a charge reads them and must wait (near the budget, where
     * estimates matter, it then counts every instance's charges). An admission asks the database nothing.
     */
    private final InMemorySpendLedger known;

    private volatile boolean loaded;

    DatabaseSpendLedger(JdbcClient jdbc, TransactionTemplate transaction, SpendRules rules) {
        this.jdbc = jdbc;
        this.rules = rules;
        this.known = new InMemorySpendLedger(rules);
        this.transaction = new TransactionTemplate(
                Objects.requireNonNull(transaction.getTransactionManager(), "transaction manager"), transaction);
        // Committed before tryCharge returns, even inside a caller's transaction: a charge must be seen
        // by the other instances at once, and the lock must not be held longer. READ COMMITTED (both
        // databases' default): every statement after the lock sees what the previous holder committed.
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    @Override
    public Decision tryCharge(long budgetMicros, long micros, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        long atMicros = QuotaRules.micros(at);
        long charged = SpendRules.charged(budgetMicros, micros);
        long bucket = rules.bucketOf(atMicros);
        Decision decision = transaction.execute(status -> {
            jdbc.sql("select id from quota_spend_lock where id = 1 for update")
                    .query((rs, row) -> 0)
                    .list();
            List<SpendRules.Bucket> buckets = buckets(at);
            var wait = rules.check(budgetMicros, buckets, micros, at);
            if (wait.isPresent()) {
                known.replace(buckets);
                loaded = true;
                return new Decision.Wait(wait.get());
            }
            int updated = jdbc.sql("""
                    update quota_spend set micros = micros + ?, last_micros = greatest(last_micros, ?)
                    where bucket_no = ?""").params(charged, atMicros, bucket).update();
            if (updated == 0) {
                // Under the lock: nobody else can insert this bucket between the update and the insert.
                jdbc.sql("insert into quota_spend (bucket_no, micros, last_micros) values (?, ?, ?)")
                        .params(bucket, charged, atMicros)
                        .update();
            }
            return new Decision.Granted(new Charge(bucket, charged));
        });
        if (decision instanceof Decision.Granted granted) {
            known.record(granted.charge(), at);
        }
        return decision;
    }

    @Override
    public void correct(Charge charge, long actualMicros) {
        change(charge.bucket(), actualMicros - charge.micros());
        known.correct(charge, actualMicros);
    }

    @Override
    public void release(Charge charge) {
        change(charge.bucket(), -charge.micros());
        known.release(charge);
    }

    private void change(long bucket, long delta) {
        transaction.executeWithoutResult(
                status -> jdbc.sql("""
                update quota_spend set micros = greatest(0, micros + ?) where bucket_no = ?""").params(delta, bucket).update());
    }

    @Override
    public long spentMicros(Instant now) {
        return rules.spent(buckets(now), now);
    }

    /** From the record as this instance knows it ({@link #known}): no round trip after the first. */
    @Override
    public Duration estimateWait(long budgetMicros, int position, long micros, Instant now) {
        if (!loaded) {
            // What was spent before this instance started counts too: read once.
            known.replace(buckets(now));
            loaded = true;
        }
        return known.estimateWait(budgetMicros, position, micros, now);
    }

    /** Deletes buckets that ended before {@code cutoff}. */
    int purgeBefore(Instant cutoff) {
        return jdbc.sql("delete from quota_spend where bucket_no < ?")
                .param(rules.bucketOf(QuotaRules.micros(cutoff)))
                .update();
    }

    private List<SpendRules.Bucket> buckets(Instant now) {
        return jdbc.sql(
                        "select bucket_no, micros, last_micros from quota_spend where bucket_no >= ? order by bucket_no")
                .param(rules.firstBucket(now))
                .query((rs, row) -> new SpendRules.Bucket(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .list();
    }
}
