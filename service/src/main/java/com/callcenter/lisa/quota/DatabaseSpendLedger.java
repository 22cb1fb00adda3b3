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
            lock();
            List<SpendRules.Bucket> buckets = buckets(at);
            var wait = rules.check(budgetMicros, buckets, micros, at);
            if (wait.isPresent()) {
                known.replace(buckets);
                loaded = true;
                return new Decision.Wait(wait.get());
            }
            add(bucket, charged, atMicros);
            return new Decision.Granted(new Charge(bucket, charged));
        });
        if (decision instanceof Decision.Granted granted) {
            known.record(granted.charge(), at);
        }
        return decision;
    }

    /** A signed change of one bucket's amount that an instance owes the record ({@link BlockSpendLedger}). */
    record Owed(long bucket, long micros) {}

    /** The outcome of {@link #chargeBlock}: a block of {@code micros} recorded in {@code bucket}, or a wait. */
    record Block(long micros, long bucket, Decision.Wait refused) {}

    /**
     * Gives back {@code owed}, then charges a block of up to {@code askMicros} for {@code lifetime} from {@code now}
     * if its first charge of {@code firstMicros} fits as {@link #tryCharge} would decide it; never more than the first
     * charge plus 1/{@code share} of what is then left of the budget, in whole charges of the first one's size. A block of more than its first charge is
     * recorded at {@code now + lifetime}: its charges are made until then, and it counts at least as long as they do.
     * What was owed is given back even when the block is refused; if the call fails, it is not (counting it longer is
     * the careful side of a failure whose outcome is unknown).
     */
    Block chargeBlock(
            long budgetMicros,
            long firstMicros,
            long askMicros,
            Duration lifetime,
            int share,
            Instant now,
            List<Owed> owed) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        long charged = SpendRules.charged(budgetMicros, firstMicros);
        return transaction.execute(status -> {
            lock();
            giveBackUnderLock(owed);
            List<SpendRules.Bucket> buckets = buckets(at);
            var wait = rules.check(budgetMicros, buckets, firstMicros, at);
            if (wait.isPresent()) {
                known.replace(buckets);
                loaded = true;
                return new Block(0, 0, new Decision.Wait(wait.get()));
            }
            long left = Math.max(0, budgetMicros - rules.spent(buckets, at) - charged);
            long extra = Math.max(0, Math.min(askMicros - charged, left / share));
            // Whole calls of the first one's size only: less than that would serve no second call.
            long micros = charged + (charged > 0 ? extra / charged * charged : 0);
            // A single charge is made at once: recorded now, as tryCharge records it.
            long stampMicros = QuotaRules.micros(micros == charged ? at : at.plus(lifetime));
            long bucket = rules.bucketOf(stampMicros);
            add(bucket, micros, stampMicros);
            return new Block(micros, bucket, null);
        });
    }

    /** Gives back {@code owed} (see {@link #chargeBlock}) without asking for a block. */
    void giveBack(List<Owed> owed) {
        if (owed.isEmpty()) {
            return;
        }
        transaction.executeWithoutResult(status -> giveBackUnderLock(owed));
    }

    /** The record as this instance knows it, for a {@link BlockSpendLedger} to keep up to date with its own charges. */
    InMemorySpendLedger known() {
        return known;
    }

    private void giveBackUnderLock(List<Owed> owed) {
        for (Owed one : owed) {
            changeInTransaction(one.bucket(), one.micros());
        }
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

    /** Waits for, then holds until commit, the one lock every charge takes. */
    private void lock() {
        jdbc.sql("select id from quota_spend_lock where id = 1 for update")
                .query((rs, row) -> 0)
                .list();
    }

    /** Under the lock: adds {@code micros} charged at {@code atMicros} to its bucket. */
    private void add(long bucket, long micros, long atMicros) {
        int updated = jdbc.sql("""
                update quota_spend set micros = micros + ?, last_micros = greatest(last_micros, ?)
                where bucket_no = ?""").params(micros, atMicros, bucket).update();
        if (updated == 0) {
            // Under the lock: nobody else can insert this bucket between the update and the insert.
            jdbc.sql("insert into quota_spend (bucket_no, micros, last_micros) values (?, ?, ?)")
                    .params(bucket, micros, atMicros)
                    .update();
        }
    }

    private void change(long bucket, long delta) {
        transaction.executeWithoutResult(status -> changeInTransaction(bucket, delta));
    }

    private void changeInTransaction(long bucket, long delta) {
        jdbc.sql("update quota_spend set micros = greatest(0, micros + ?) where bucket_no = ?")
                .params(delta, bucket)
                .update();
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
