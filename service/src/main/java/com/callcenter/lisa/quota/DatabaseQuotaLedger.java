package com.callcenter.lisa.quota;

import com.callcenter.lisa.quota.QuotaRules.Bucket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The quota ledger shared by several service instances through one database (PostgreSQL in
 * production; H2 when one instance runs it in tests). Decisions are {@link QuotaRules}', exactly as in
 * the in-memory ledger, on the same record: per model, one {@code quota_bucket} row per second that had
 * requests ({@link QuotaRules#bucketWidth}), and the Pacific day's count on the model's {@code quota_model} row. Every grant also gets a
 * {@code quota_dispatch} row, its id, so that Gemini's token count can correct it and a 429 release it.
 *
 * <p>What one decision costs does not depend on the budget or the rate: under the model's lock it reads
 * the model's row and at most the ~62 buckets of the window, then updates one bucket and the model's
 * row and inserts the request's row. On PostgreSQL that is one call of the PL/pgSQL function
 * {@code quota_try_acquire} (migration V5_1 in {@code db/vendor/postgresql}), so the lock is held only
 * while the server runs it; a correction is one call of {@code quota_correct}. Elsewhere (H2) the same
 * statements are sent one by one (4 in one transaction, 5 near a limit; the request's row is inserted
 * after the commit, outside the lock: if the instance dies in between, the grant stays counted and
 * simply cannot be corrected). Both paths reach the same verdict, {@link QuotaRules#fitAtOnce} on the totals
 * {@link QuotaRules#usage} counts, and are tested against the same contract.
 *
 * <p>The lock is a row lock on the model's row of {@code quota_model} ({@code select ... for update}),
 * on both databases. PostgreSQL's {@code pg_advisory_xact_lock} would serve as well there, but H2 has
 * no advisory locks, and one locking statement that both databases understand keeps a single code
 * path, tested on both, with no dialect detection. Like the advisory lock, the row lock is released by
 * the commit or rollback, so a crashed instance cannot leave it held. Rows are always locked in the
 * order request row, model row, bucket row (a grant: model, bucket; a correction: bucket, then its own
 * request row, which no grant touches; a release: request, model, bucket), so no two ledger
 * transactions can wait for each other in a circle.
 *
 * <p>Time comes only from the callers' {@code now}, never from the database's clock; it is truncated to
 * microseconds, what {@code timestamp with time zone} stores on both databases, so that what is
 * decided is what is stored.
 *
 * <p>A busy instance asks it for blocks of requests instead ({@link #grantBlock}, used by {@link BlockQuotaLedger}):
 * the same lock, the same totals and the same verdict for the block's first request, one call per block (function
 * {@code quota_grant_block}, migration V15_1, on PostgreSQL), and no {@code quota_dispatch} row: the instance
 * remembers where each of its requests counts and gives back what it owes with its next call.
 *
 * <p>Rows older than {@link #RETENTION} are of no use; {@code QuotaConfiguration} calls
 * {@link #purgeBefore} with {@code now.minus(RETENTION)} now and then.
 */
final class DatabaseQuotaLedger implements QuotaLedger {

    private static final Logger log = LoggerFactory.getLogger(DatabaseQuotaLedger.class);

    /**
     * How long rows are kept. A bucket matters for one window (a minute); a request's row until Gemini's
     * answer corrects or releases it (one call: seconds, at most the configured timeout). The day's
     * count lives on the model's row, which is never purged. An hour is far beyond both, and keeps the
     * request table at an hour of traffic instead of a day's (a day at 800 grants/s would be 69 million
     * rows); a correction or release later than that changes nothing, which is the careful side.
     */
    static final Duration RETENTION = Duration.ofHours(1);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final QuotaRules rules;
    /**
     * Whether the database has the ledger's functions (PostgreSQL, migration V5_1 in db/vendor/postgresql):
     * then a grant and a correction are one round trip each, and the model's lock is held only while
     * the server runs them. Otherwise (H2) the same statements are sent one by one.
     */
    private final boolean functions;
    /** Models whose quota_model row is known to exist: at most a few, from configuration. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /**
     * The record as this instance knows it, in memory, for estimates ({@link #estimateWait}): read once per
     * model when it is first used, then kept up to date with this instance's grants, corrections and
     * releases, and replaced by what the database holds whenever a decision reads it anyway (a request that
     * must wait: near a limit, where estimates matter, it then counts every instance's requests). So telling
     * a client its wait costs no round trip, and an admission asks the database nothing but its one grant.
     * Far from the limits it may miss what other instances sent since; the estimate there is "no wait"
     * either way, and the grant itself is always decided by the database.
     */
    private final InMemoryQuotaLedger known;

    DatabaseQuotaLedger(JdbcClient jdbc, TransactionTemplate transaction) {
        this(jdbc, transaction, QuotaRules.GEMINI_MINUTE);
    }

    DatabaseQuotaLedger(JdbcClient jdbc, TransactionTemplate transaction, QuotaRules rules) {
        this.jdbc = jdbc;
        this.rules = rules;
        this.known = new InMemoryQuotaLedger(rules);
        this.transaction = new TransactionTemplate(
                Objects.requireNonNull(transaction.getTransactionManager(), "transaction manager"), transaction);
        // READ COMMITTED: every statement after the lock sees what the previous holder committed. Under
        // REPEATABLE READ or SERIALIZABLE, PostgreSQL fixes a transaction's snapshot when the lock
        // statement starts, before it waits, so the count would miss the grant it waited for. It is
        // both databases' default; asked for explicitly only if this one's default differs, because
        // asking costs PostgreSQL's driver a round trip on every transaction ("show transaction
        // isolation level").
        Database database = inspect(this.transaction.getTransactionManager());
        if (!database.readCommittedByDefault()) {
            this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        }
        this.functions = database.hasFunctions();
        // Its own transaction, committed before tryAcquire returns, even if the caller is inside one:
        // a grant must be visible to the other instances at once, and the lock must not be held longer.
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Override
    public Decision tryAcquire(String model, ModelBudget budget, int inputTokens, Instant now) {
        QuotaRules.requireValid(budget);
        QuotaRules.requireTokens(inputTokens);
        Instant at = storable(now);
        long micros = QuotaRules.micros(at);
        long bucket = rules.bucketOf(micros);
        LocalDate day = QuotaRules.pacificDay(at);
        register(model, at);
        if (functions) {
            return tryAcquireInOneRoundTrip(model, budget, inputTokens, at);
        }
        Decision decision = transaction.execute(status -> {
            Today stored = lock(model);
            int today = stored.countOn(day);
            if (!unlimited(budget)) {
                Usage usage = totals(model, at);
                if (!rules.fitAtOnce(
                        budget, usage.requestsLastMinute(), usage.inputTokensLastMinute(), today, inputTokens, 1)) {
                    Optional<Decision.Wait> wait = waitNearALimit(model, budget, today, inputTokens, at);
                    if (wait.isPresent()) {
                        return wait.get();
                    }
                }
            }
            addToBucket(model, bucket, 1, inputTokens, micros);
            Today after = stored.plusOne(day);
            jdbc.sql("update quota_model set pacific_day = ?, requests_today = ? where model = ?")
                    .params(after.day(), after.requests(), model)
                    .update();
            return null;
        });
        if (decision != null) {
            return decision;
        }
        long id = alone(() -> insert(model, at, bucket, inputTokens));
        known.record(model, id, inputTokens, at);
        return new Decision.Granted(id);
    }

    /**
     * The grant as {@code quota_try_acquire} decides it on the server, with the same verdict as the
     * statements of {@link #tryAcquire}; only a refusal's wait is worked out here, from a snapshot read
     * just after it (the wait is advice: the earliest moment, if nobody else asks).
     */
    /** One grant on PostgreSQL: the function of migration V5_1, with {@link #grantParameters}. */
    static final String GRANT = "select quota_try_acquire(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** One correction on PostgreSQL (migrations V5_1, V14_1): model, request id, Gemini's input tokens. */
    static final String CORRECT = "select quota_correct(?, ?, ?)";

    /** What {@link #GRANT} is asked: the request, its bucket and window, the day, and the budget. */
    List<Object> grantParameters(String model, ModelBudget budget, int inputTokens, Instant at) {
        long micros = QuotaRules.micros(at);
        return List.of(
                model,
                micros,
                rules.bucketOf(micros),
                rules.firstBucket(at),
                QuotaRules.micros(Instant.EPOCH.plus(rules.window())),
                QuotaRules.pacificDay(at),
                (long) inputTokens,
                (long) budget.requestsPerMinute(),
                budget.inputTokensPerMinute(),
                (long) budget.requestsPerDay(),
                utc(at));
    }

    private Decision tryAcquireInOneRoundTrip(String model, ModelBudget budget, int inputTokens, Instant at) {
        List<Object> grant = grantParameters(model, budget, inputTokens, at);
        for (int attempt = 1; ; attempt++) {
            long id = alone(() -> jdbc.sql(GRANT)
                    .params(grant)
                    .query((rs, row) -> {
                        long granted = rs.getLong(1);
                        return rs.wasNull() ? -1L : granted;
                    })
                    .single());
            if (id >= 0) {
                known.record(model, id, inputTokens, at);
                return new Decision.Granted(id);
            }
            Optional<Decision.Wait> wait = waitAfterRefusal(model, budget, inputTokens, at);
            if (wait.isPresent()) {
                return wait.get();
            }
            if (attempt == 3) {
                // Released and taken again in between, three times: ask again in a moment.
                return new Decision.Wait(Duration.ofMillis(1), QuotaLedger.Limit.REQUESTS_PER_MINUTE);
            }
            // A slot was freed (a release, or a correction downwards) between the refusal and the read.
        }
    }

    /**
     * What an instance gives back to the record of an earlier block ({@link BlockQuotaLedger}): {@code requests} not
     * used or released, subtracted from the bucket's count and from the day's if {@code day} is still the day the
     * model's row counts, and a change of the bucket's input tokens (signed: unused tokens, Gemini's counts replacing
     * estimates).
     */
    record Owed(long bucket, LocalDate day, int requests, long tokens) {}

    /** The outcome of {@link #grantBlock}. */
    sealed interface BlockDecision {}

    /**
     * A block recorded in {@code bucket} as {@code requests} sent at {@code stamp} with {@code tokens} input tokens:
     * its requests may go out until {@code stamp}, and count in the window until {@code stamp} plus the window.
     */
    record Block(int requests, long tokens, long bucket, LocalDate day, Instant stamp) implements BlockDecision {}

    /** No block: not even its first request fits now. */
    record Refused(Decision.Wait until) implements BlockDecision {}

    /** One block on PostgreSQL: the function of migration V15_1. */
    static final String GRANT_BLOCK = "select granted_requests, granted_tokens from quota_grant_block("
            + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " cast(? as bigint[]), cast(? as date[]), cast(? as bigint[]), cast(? as bigint[]))";

    /**
     * Gives back {@code owed}, then grants a block of up to {@code requests} requests and {@code tokens} input tokens
     * for {@code lifetime} from {@code now}, if its first request of {@code firstTokens} fits as a single request
     * would; never more than {@code 1/share} of what is left of a budget, never less than that first request. The
     * block is recorded as sent at {@code now + lifetime} (see V15_1__quota_blocks.sql for why that is safe). What was
     * owed is given back even when the block is refused; if the call fails, it is not given back (counting it a
     * minute longer is the careful side of a failure whose outcome is unknown).
     */
    BlockDecision grantBlock(
            String model,
            ModelBudget budget,
            int firstTokens,
            int requests,
            long tokens,
            Duration lifetime,
            int share,
            Instant now,
            List<Owed> owed) {
        QuotaRules.requireValid(budget);
        QuotaRules.requireTokens(firstTokens);
        Instant at = storable(now);
        register(model, at);
        BlockAsk ask =
                new BlockAsk(model, budget, firstTokens, Math.max(1, requests), tokens, at, at.plus(lifetime), share);
        if (!functions) {
            return Objects.requireNonNull(transaction.execute(status -> blockInStatements(ask, owed)));
        }
        List<Owed> back = owed;
        for (int attempt = 1; ; attempt++) {
            List<Object> parameters = blockParameters(ask, back);
            long[] granted = alone(() -> jdbc.sql(GRANT_BLOCK)
                    .params(parameters)
                    .query((rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)})
                    .single());
            back = List.of(); // given back by that call, whatever it decided
            if (granted[0] > 0) {
                return ask.granted(Math.toIntExact(granted[0]), granted[1], rules);
            }
            Optional<Decision.Wait> wait = waitAfterRefusal(model, budget, firstTokens, at);
            if (wait.isPresent()) {
                return new Refused(wait.get());
            }
            if (attempt == 3) {
                return new Refused(new Decision.Wait(Duration.ofMillis(1), QuotaLedger.Limit.REQUESTS_PER_MINUTE));
            }
        }
    }

    /** Gives back {@code owed} (see {@link #grantBlock}) without asking for a block. */
    void giveBack(String model, List<Owed> owed, Instant now) {
        if (owed.isEmpty()) {
            return;
        }
        Instant at = storable(now);
        register(model, at);
        if (functions) {
            List<Object> parameters =
                    blockParameters(new BlockAsk(model, new ModelBudget(0, 0, 0), 0, 0, 0, at, at, 1), owed);
            alone(() -> jdbc.sql(GRANT_BLOCK)
                    .params(parameters)
                    .query((rs, row) -> 0)
                    .list());
            return;
        }
        transaction.executeWithoutResult(status -> {
            Today settled = giveBackInStatements(model, lock(model), owed);
            jdbc.sql("update quota_model set requests_today = ? where model = ?")
                    .params(settled.requests(), model)
                    .update();
        });
    }

    /** A grant of a block as {@link #grantBlock} was asked for it, {@code stamp} being the end of the block's time. */
    private record BlockAsk(
            String model,
            ModelBudget budget,
            int firstTokens,
            int requests,
            long tokens,
            Instant at,
            Instant stamp,
            int share) {

        /** The block granted: a single request goes out at once, recorded now as tryAcquire records it. */
        Block granted(int requests, long tokens, QuotaRules rules) {
            Instant sent = requests == 1 ? at : stamp;
            return new Block(
                    requests, tokens, rules.bucketOf(QuotaRules.micros(sent)), QuotaRules.pacificDay(at), sent);
        }
    }

    /** What {@link #GRANT_BLOCK} is asked. */
    private List<Object> blockParameters(BlockAsk ask, List<Owed> owed) {
        long stampMicros = QuotaRules.micros(ask.stamp());
        long atMicros = QuotaRules.micros(ask.at());
        return List.of(
                ask.model(),
                stampMicros,
                rules.bucketOf(stampMicros),
                rules.firstBucket(ask.at()),
                QuotaRules.micros(Instant.EPOCH.plus(rules.window())),
                atMicros,
                rules.bucketOf(atMicros),
                QuotaRules.pacificDay(ask.at()),
                (long) ask.firstTokens(),
                (long) ask.requests(),
                ask.tokens(),
                (long) ask.budget().requestsPerMinute(),
                ask.budget().inputTokensPerMinute(),
                (long) ask.budget().requestsPerDay(),
                (long) ask.share(),
                array(owed, Owed::bucket),
                array(owed, Owed::day),
                array(owed, Owed::requests),
                array(owed, Owed::tokens));
    }

    /** A PostgreSQL array literal ({@code {1,2}}), cast by the statement: numbers and ISO dates need no quoting. */
    private static String array(List<Owed> owed, java.util.function.Function<Owed, Object> field) {
        StringBuilder literal = new StringBuilder("{");
        for (Owed one : owed) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            literal.append(field.apply(one));
        }
        return literal.append('}').toString();
    }

    /** {@link #grantBlock}'s decision as statements sent one by one, in a transaction under the model's lock (H2). */
    private BlockDecision blockInStatements(BlockAsk ask, List<Owed> owed) {
        String model = ask.model();
        ModelBudget budget = ask.budget();
        int firstTokens = ask.firstTokens();
        int share = ask.share();
        Instant at = ask.at();
        LocalDate day = QuotaRules.pacificDay(at);
        Today stored = giveBackInStatements(model, lock(model), owed);
        int today = stored.countOn(day);
        int n = ask.requests();
        long t = Math.max(ask.tokens(), firstTokens);
        if (!unlimited(budget)) {
            Usage usage = totals(model, at);
            if (!rules.fitAtOnce(
                    budget, usage.requestsLastMinute(), usage.inputTokensLastMinute(), today, firstTokens, 1)) {
                Optional<Decision.Wait> wait = waitNearALimit(model, budget, today, firstTokens, at);
                if (wait.isPresent()) {
                    jdbc.sql("update quota_model set requests_today = ? where model = ?")
                            .params(stored.requests(), model)
                            .update();
                    return new Refused(wait.get());
                }
                n = 1;
                t = firstTokens;
            }
            if (budget.requestsPerMinute() > 0) {
                n = (int) Math.min(n, (budget.requestsPerMinute() - usage.requestsLastMinute()) / share);
            }
            if (budget.inputTokensPerMinute() > 0) {
                t = Math.min(t, (budget.inputTokensPerMinute() - usage.inputTokensLastMinute()) / share);
            }
        }
        if (budget.requestsPerDay() > 0) {
            n = Math.min(n, (budget.requestsPerDay() - today) / share);
        }
        t = Math.max(t, firstTokens);
        if (firstTokens > 0) {
            n = (int)
                    Math.min(n, t / firstTokens); // no more requests than the tokens serve, each as large as the first
        }
        n = Math.max(n, 1);
        Block block = ask.granted(n, n == 1 ? firstTokens : Math.max(t, firstTokens), rules);
        addToBucket(model, block.bucket(), n, block.tokens(), QuotaRules.micros(block.stamp()));
        Today after = stored.plus(day, n);
        jdbc.sql("update quota_model set pacific_day = ?, requests_today = ? where model = ?")
                .params(after.day(), after.requests(), model)
                .update();
        return block;
    }

    /**
     * After the server refused (PostgreSQL): the wait, worked out from a snapshot read just after, which becomes what
     * this instance knows. None if a slot was freed in between (a release, or a correction downwards).
     */
    private Optional<Decision.Wait> waitAfterRefusal(String model, ModelBudget budget, long inputTokens, Instant at) {
        Snapshot snapshot = snapshot(model, at);
        known.replace(model, snapshot.buckets(), snapshot.requestsToday(), at);
        return rules.check(budget, snapshot.buckets(), snapshot.requestsToday(), inputTokens, at);
    }

    /**
     * Under the model's lock, when the totals say no: which buckets leave the window when decides the wait (none if
     * the buckets' exact instants let the request go after all); what was read becomes what this instance knows.
     */
    private Optional<Decision.Wait> waitNearALimit(
            String model, ModelBudget budget, int today, long inputTokens, Instant at) {
        List<Bucket> buckets = buckets(model, rules.firstBucket(at));
        Optional<Decision.Wait> wait = rules.check(budget, buckets, today, inputTokens, at);
        if (wait.isPresent()) {
            known.replace(model, buckets, today, at);
        }
        return wait;
    }

    /** Under the model's lock: applies {@code owed} to the buckets; returns the model's row as it must then be. */
    private Today giveBackInStatements(String model, Today stored, List<Owed> owed) {
        int requests = stored.requests();
        for (Owed one : owed) {
            jdbc.sql("""
                            update quota_bucket
                            set requests = case when requests > ? then requests - ? else 0 end,
                                input_tokens = case when input_tokens + ? > 0 then input_tokens + ? else 0 end,
                                first_micros = case when ? > 0 then last_micros else first_micros end
                            where model = ? and bucket_no = ?""")
                    .params(
                            one.requests(),
                            one.requests(),
                            one.tokens(),
                            one.tokens(),
                            one.requests(),
                            model,
                            one.bucket())
                    .update();
            if (one.day().equals(stored.day())) {
                requests = Math.max(0, requests - one.requests());
            }
        }
        return new Today(stored.day(), requests);
    }

    @Override
    public void correct(String model, long id, int actualInputTokens) {
        QuotaRules.requireTokens(actualInputTokens);
        if (functions) {
            alone(() -> jdbc.sql(CORRECT)
                    .params(model, id, (long) actualInputTokens)
                    .query((rs, row) -> 0)
                    .list());
            known.correct(model, id, actualInputTokens);
            return;
        }
        // No model lock: the rows' locks make the change atomic, and a concurrent decision sees the old
        // or the new count, both honest at the time. A request already purged is not found.
        transaction.executeWithoutResult(status -> {
            List<Long[]> found = jdbc.sql("""
                            select bucket_no, input_tokens from quota_dispatch
                            where id = ? and model = ? for update""")
                    .params(id, model)
                    .query((rs, row) -> new Long[] {rs.getObject("bucket_no", Long.class), rs.getLong("input_tokens")})
                    .list();
            if (found.isEmpty() || found.getFirst()[0] == null) {
                return;
            }
            int corrected = jdbc.sql(
                            "update quota_bucket set input_tokens = input_tokens + ? where model = ? and bucket_no = ?")
                    .params(actualInputTokens - found.getFirst()[1], model, found.getFirst()[0])
                    .update();
            if (corrected > 0) {
                jdbc.sql("update quota_dispatch set input_tokens = ? where id = ? and model = ?")
                        .params((long) actualInputTokens, id, model)
                        .update();
            }
        });
        known.correct(model, id, actualInputTokens);
    }

    @Override
    public void release(String model, long id) {
        // No model lock for the decision, only the rows it changes: freeing a slot can only make a
        // concurrent decision stricter than needed.
        transaction.executeWithoutResult(status -> {
            List<Released> found = jdbc.sql("""
                            select bucket_no, sent_at, input_tokens from quota_dispatch
                            where id = ? and model = ? for update""")
                    .params(id, model)
                    .query((rs, row) -> new Released(
                            rs.getObject("bucket_no", Long.class),
                            rs.getObject("sent_at", OffsetDateTime.class).toInstant(),
                            rs.getLong("input_tokens")))
                    .list();
            if (found.isEmpty()) {
                return; // unknown, already released, or purged
            }
            Released released = found.getFirst();
            jdbc.sql("delete from quota_dispatch where id = ? and model = ?")
                    .params(id, model)
                    .update();
            jdbc.sql("""
                            update quota_model set requests_today = requests_today - 1
                            where model = ? and pacific_day = ? and requests_today > 0""")
                    .params(model, QuotaRules.pacificDay(released.sentAt()))
                    .update();
            if (released.bucket() != null) {
                // As Bucket.minus: without its first request, all the others count as sent with its last.
                jdbc.sql("""
                                update quota_bucket
                                set requests = case when requests > 0 then requests - 1 else 0 end,
                                    input_tokens = case when input_tokens > ? then input_tokens - ? else 0 end,
                                    first_micros = case when first_micros = ? or requests <= 2 then last_micros
                                                        else first_micros end
                                where model = ? and bucket_no = ?""")
                        .params(
                                released.tokens(),
                                released.tokens(),
                                QuotaRules.micros(released.sentAt()),
                                model,
                                released.bucket())
                        .update();
            }
        });
        known.release(model, id);
    }

    @Override
    public Usage usage(String model, Instant now) {
        return totals(model, storable(now));
    }

    /** From the record as this instance knows it ({@link #known}): no round trip. */
    @Override
    public Duration estimateWait(String model, ModelBudget budget, int position, int inputTokens, Instant now) {
        Instant at = storable(now);
        register(model, at);
        return known.estimateWait(model, budget, position, inputTokens, at);
    }

    /** From the record as this instance knows it ({@link #known}): no round trip. */
    @Override
    public Usage knownUsage(String model, Instant now) {
        Instant at = storable(now);
        register(model, at);
        return known.usage(model, at);
    }

    /**
     * Runs one call as a transaction of its own: as it is (autocommitted: one round trip) unless the
     * caller is inside a transaction, which it must not join (the model's lock would be held until the
     * caller commits, and the grant invisible to the other instances until then).
     */
    private <T> T alone(Supplier<T> call) {
        return TransactionSynchronizationManager.isActualTransactionActive()
                ? transaction.execute(status -> call.get())
                : call.get();
    }

    /** The record as this instance knows it, for a {@link BlockQuotaLedger} to keep up to date with its own grants. */
    InMemoryQuotaLedger known() {
        return known;
    }

    /** Whether grants and corrections are one round trip each (PostgreSQL with the ledger's functions). */
    boolean inOneRoundTrip() {
        return functions;
    }

    /**
     * Deletes the requests sent and the buckets that ended before {@code cutoff}, model by model so that
     * the indexes find them. Safe with any cutoff up to {@code now.minus(RETENTION)}.
     *
     * @return how many rows were deleted
     */
    int purgeBefore(Instant cutoff) {
        int deleted = 0;
        long firstKept = rules.bucketOf(QuotaRules.micros(cutoff));
        for (String model :
                jdbc.sql("select model from quota_model").query(String.class).list()) {
            deleted += jdbc.sql("delete from quota_dispatch where model = ? and sent_at < ?")
                    .params(model, utc(cutoff))
                    .update();
            deleted += jdbc.sql("delete from quota_bucket where model = ? and bucket_no < ?")
                    .params(model, firstKept)
                    .update();
        }
        return deleted;
    }

    /**
     * Makes sure the model has its lock row, and reads the model's record into {@link #known}, once per model.
     * In its own transaction: if another instance inserts the same row at the same moment, the loser's
     * duplicate key only rolls back this insert.
     */
    private void register(String model, Instant at) {
        if (registered.contains(model)) {
            return;
        }
        try {
            transaction.executeWithoutResult(
                    status -> jdbc.sql("""
                            insert into quota_model (model)
                            select ? where not exists (select 1 from quota_model where model = ?)""").params(model, model).update());
        } catch (DuplicateKeyException inserted) {
            // Another instance registered the model between our check and our insert: just as good.
        }
        // What the instances sent before this one started (or used the model) counts in its estimates.
        Snapshot snapshot = snapshot(model, at);
        known.replace(model, snapshot.buckets(), snapshot.requestsToday(), at);
        registered.add(model);
    }

    /**
     * Waits for, then holds until commit, the one lock every decision on this model takes; returns the
     * day's count as the previous holder left it (a row locked for update is read as last committed).
     */
    private Today lock(String model) {
        List<Today> locked = jdbc.sql("select pacific_day, requests_today from quota_model where model = ? for update")
                .param(model)
                .query((rs, row) ->
                        new Today(rs.getObject("pacific_day", LocalDate.class), rs.getInt("requests_today")))
                .list();
        if (locked.isEmpty()) {
            throw new IllegalStateException("The quota_model row of " + model + " is missing");
        }
        return locked.getFirst();
    }

    /** The model's buckets from {@code firstBucket} on, in order. */
    private List<Bucket> buckets(String model, long firstBucket) {
        return jdbc.sql("""
                        select bucket_no, requests, input_tokens, first_micros, last_micros from quota_bucket
                        where model = ? and bucket_no >= ?
                        order by bucket_no""")
                .params(model, firstBucket)
                .query(DatabaseQuotaLedger::bucket)
                .list();
    }

    /**
     * What {@link QuotaRules#usage} would count in the model's buckets at {@code at}, summed by the
     * database (the same rule: a bucket of several requests counts its first one at first_micros, the
     * others and all its tokens at last_micros; a lone request at last_micros), with the day's count:
     * one row instead of the window's buckets. One statement, so one consistent snapshot.
     */
    private Usage totals(String model, Instant at) {
        long start = QuotaRules.micros(at.minus(rules.window()));
        return jdbc.sql("""
                        select coalesce(sum(case
                                   when requests >= 2 then (case when first_micros > ? then 1 else 0 end)
                                                         + (case when last_micros > ? then requests - 1 else 0 end)
                                   when requests = 1 and last_micros > ? then 1
                                   else 0 end), 0) as requests,
                               coalesce(sum(case when (requests >= 1 or input_tokens > 0) and last_micros > ?
                                                 then input_tokens else 0 end), 0) as tokens,
                               coalesce((select requests_today from quota_model where model = ? and pacific_day = ?), 0)
                                   as today
                        from quota_bucket where model = ? and bucket_no >= ?""")
                .params(start, start, start, start, model, QuotaRules.pacificDay(at), model, rules.firstBucket(at))
                .query((rs, row) ->
                        new Usage(Math.toIntExact(rs.getLong("requests")), rs.getLong("tokens"), rs.getInt("today")))
                .single();
    }

    /**
     * The buckets of the window and the day's count in one statement, without a lock: one consistent
     * snapshot, as of some moment during the call.
     */
    private Snapshot snapshot(String model, Instant at) {
        LocalDate day = QuotaRules.pacificDay(at);
        List<Bucket> buckets = new ArrayList<>();
        int[] today = {0};
        jdbc.sql("""
                        select 'b' as kind, bucket_no, requests, input_tokens, first_micros, last_micros
                        from quota_bucket where model = ? and bucket_no >= ?
                        union all
                        select 'd', 0, requests_today, 0, 0, 0 from quota_model where model = ? and pacific_day = ?""").params(model, rules.firstBucket(at), model, day).query(rs -> {
            if ("d".equals(rs.getString("kind"))) {
                today[0] = rs.getInt("requests");
            } else {
                buckets.add(bucket(rs, 0));
            }
        });
        buckets.sort(Comparator.comparingLong(Bucket::number));
        return new Snapshot(buckets, today[0]);
    }

    /**
     * Counts {@code requests} requests of {@code inputTokens} in all, sent at {@code micros}, in their bucket. Under the model's
     * lock, so nobody else can create that bucket between the update and the insert.
     */
    private void addToBucket(String model, long bucket, int requests, long inputTokens, long micros) {
        int updated = jdbc.sql("""
                        update quota_bucket
                        set requests = requests + ?, input_tokens = input_tokens + ?,
                            first_micros = case when requests > 0 and first_micros < ? then first_micros else ? end,
                            last_micros = case when requests > 0 and last_micros > ? then last_micros else ? end
                        where model = ? and bucket_no = ?""")
                .params(requests, inputTokens, micros, micros, micros, micros, model, bucket)
                .update();
        if (updated == 0) {
            jdbc.sql("""
                            insert into quota_bucket (model, bucket_no, requests, input_tokens, first_micros, last_micros)
                            values (?, ?, ?, ?, ?, ?)""")
                    .params(model, bucket, requests, inputTokens, micros, micros)
                    .update();
        }
    }

    private static boolean unlimited(ModelBudget budget) {
        return budget.requestsPerMinute() == 0 && budget.inputTokensPerMinute() == 0 && budget.requestsPerDay() == 0;
    }

    private long insert(String model, Instant at, long bucket, int inputTokens) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("insert into quota_dispatch (model, sent_at, bucket_no, input_tokens) values (?, ?, ?, ?)")
                .params(model, utc(at), bucket, (long) inputTokens)
                .update(key, "id");
        return Objects.requireNonNull(key.getKey(), "generated id").longValue();
    }

    /** The day's count as stored on the model's row. */
    private record Today(LocalDate day, int requests) {

        /** The count of {@code today}: none if the row still counts an earlier day. */
        int countOn(LocalDate today) {
            // A later stored day: another instance's clock is ahead. Its count is the closest we know.
            return day != null && !day.isBefore(today) ? requests : 0;
        }

        /** The row after one more request on {@code today}; the day never moves back. */
        Today plusOne(LocalDate today) {
            return plus(today, 1);
        }

        /** The row after {@code requests} more on {@code today}; the day never moves back. */
        Today plus(LocalDate today, int requests) {
            return new Today(day != null && day.isAfter(today) ? day : today, countOn(today) + requests);
        }
    }

    private record Snapshot(List<Bucket> buckets, int requestsToday) {}

    private record Released(Long bucket, Instant sentAt, long tokens) {}

    private static Bucket bucket(ResultSet rs, int row) throws SQLException {
        return new Bucket(
                rs.getLong("bucket_no"),
                rs.getInt("requests"),
                rs.getLong("input_tokens"),
                rs.getLong("first_micros"),
                rs.getLong("last_micros"));
    }

    /** What the ledger needs to know of its database, asked once. */
    private record Database(boolean readCommittedByDefault, boolean hasFunctions) {}

    /**
     * Whether the transactions of this manager's database run READ COMMITTED unless told otherwise,
     * and whether it is a PostgreSQL with the ledger's functions.
     */
    private static Database inspect(PlatformTransactionManager manager) {
        if (!(manager instanceof DataSourceTransactionManager dataSource) || dataSource.getDataSource() == null) {
            return new Database(false, false);
        }
        try (Connection connection = dataSource.getDataSource().getConnection()) {
            boolean readCommitted = connection.getTransactionIsolation() == Connection.TRANSACTION_READ_COMMITTED;
            boolean functions = false;
            if ("PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
                try (var statement = connection.prepareStatement(
                                "select count(*) from pg_proc where proname in ('quota_try_acquire', 'quota_correct')");
                        ResultSet rs = statement.executeQuery()) {
                    functions = rs.next() && rs.getInt(1) == 2;
                }
                if (!functions) {
                    log.warn("The quota ledger's functions are missing from this PostgreSQL database (Flyway location "
                            + "classpath:db/vendor/postgresql not migrated): every grant takes five round trips under "
                            + "the model's lock instead of one");
                }
            }
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            return new Database(readCommitted, functions);
        } catch (SQLException e) {
            // Then READ COMMITTED is asked for on every transaction and the statements are sent one by
            // one: slower, always right.
            return new Database(false, false);
        }
    }

    private static Instant storable(Instant now) {
        return now.truncatedTo(ChronoUnit.MICROS);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
