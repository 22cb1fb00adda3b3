package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The contract on the database ledger, on one freshly migrated database per class (the service's own
 * Flyway migrations), plus the purge of old rows.
 */
abstract class DatabaseQuotaLedgerContract extends QuotaLedgerContract implements LedgerDatabase {

    @RegisterExtension
    final ClassDatabase classDatabase = new ClassDatabase(this);

    @Override
    QuotaLedger ledger() {
        return ledgerOn(classDatabase.dataSource());
    }

    @Override
    QuotaLedger ledgerWithWindow(Duration window) {
        return new DatabaseQuotaLedger(
                JdbcClient.create(classDatabase.dataSource()),
                new TransactionTemplate(new DataSourceTransactionManager(classDatabase.dataSource())),
                new QuotaRules(window));
    }

    static DatabaseQuotaLedger ledgerOn(DataSource dataSource) {
        return new DatabaseQuotaLedger(
                JdbcClient.create(dataSource), new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
    }

    @Test
    void purgeDeletesOnlyRowsBeforeTheCutoff() {
        DatabaseQuotaLedger database = ledgerOn(classDatabase.dataSource());
        ModelBudget budget = new ModelBudget(0, 0, 0);
        Instant now = Instant.parse("2030-01-10T12:00:00Z"); // later than any other test's rows
        String other = newModel();
        assertGranted(database.tryAcquire(model, budget, 1, now.minus(Duration.ofHours(30))));
        assertGranted(database.tryAcquire(model, budget, 1, now.minus(Duration.ofHours(26))));
        assertGranted(database.tryAcquire(other, budget, 1, now.minus(Duration.ofHours(26))));
        assertGranted(database.tryAcquire(model, budget, 1, now.minus(Duration.ofHours(2))));
        assertGranted(database.tryAcquire(model, budget, 1, now.minus(Duration.ofMinutes(30))));
        long recent = assertGranted(database.tryAcquire(model, budget, 100, now));

        Instant cutoff = now.minus(DatabaseQuotaLedger.RETENTION);
        int deleted = database.purgeBefore(cutoff);
        assertThat(deleted).isGreaterThanOrEqualTo(8); // four requests and their four buckets, and other tests' rows
        assertThat(rows(model)).isEqualTo(2);
        assertThat(rows(other)).isZero();
        // The day's count is on the model's row: its requests of 02:00 (Pacific) still count.
        assertThat(database.usage(model, now)).isEqualTo(new QuotaLedger.Usage(1, 100, 3));
        assertThat(database.purgeBefore(cutoff)).isZero();
        database.correct(model, recent, 40); // still there to be corrected
        assertThat(database.usage(model, now)).isEqualTo(new QuotaLedger.Usage(1, 40, 3));
    }

    /**
     * A caller inside a transaction of its own does not hold the model's lock until it commits: the
     * grant is committed at once, and another instance (another thread and connection) is decided
     * meanwhile, without waiting.
     */
    @Test
    void aGrantInsideACallersTransactionIsCommittedAtOnce() {
        ModelBudget budget = new ModelBudget(1, 0, 0);
        new TransactionTemplate(new DataSourceTransactionManager(classDatabase.dataSource()))
                .executeWithoutResult(status -> {
                    assertGranted(ledger.tryAcquire(model, budget, 1, T0));
                    ledger.correct(
                            model,
                            ((QuotaLedger.Decision.Granted) ledger.tryAcquire(model, new ModelBudget(0, 0, 0), 1, T0))
                                    .id(),
                            2);
                    CompletableFuture<QuotaLedger.Decision> other =
                            CompletableFuture.supplyAsync(() -> ledger.tryAcquire(model, budget, 1, T0.plusSeconds(1)));
                    assertThat(other)
                            .succeedsWithin(Duration.ofSeconds(10))
                            .isEqualTo(new QuotaLedger.Decision.Wait(
                                    Duration.ofSeconds(59), QuotaLedger.Limit.REQUESTS_PER_MINUTE));
                    status.setRollbackOnly(); // the caller's own work is undone; the ledger's stays
                });
        assertThat(ledger.usage(model, T0)).isEqualTo(new QuotaLedger.Usage(2, 3, 2));
    }

    /**
     * Two instances on one database: each estimates a wait from the record as it knows it, in memory (what
     * was stored when it first used the model, and its own grants since), without a round trip; when one of
     * its grants has to wait, it learns every instance's requests from the database, and its estimates
     * count them from then on.
     */
    @Test
    void waitsAreEstimatedInMemoryAndLearnOtherInstancesRequestsWhenAGrantWaits() {
        ModelBudget budget = new ModelBudget(3, 0, 0);
        try (HikariDataSource own = pool(classDatabase.dataSource().getJdbcUrl())) {
            DatabaseQuotaLedger first = ledgerOn(own);
            DatabaseQuotaLedger second = ledgerOn(classDatabase.dataSource());
            assertGranted(first.tryAcquire(model, budget, 1, T0));
            // The second reads the record when it first uses the model: the first's request counts.
            assertThat(second.estimateWait(model, budget, 3, 1, T0)).isEqualTo(Duration.ofSeconds(60));
            assertGranted(second.tryAcquire(model, budget, 1, T0.plusSeconds(1)));
            assertGranted(second.tryAcquire(model, budget, 1, T0.plusSeconds(2)));
            // The first knows only its own request: no wait, as far as it knows.
            assertThat(first.estimateWait(model, budget, 1, 1, T0.plusSeconds(3)))
                    .isZero();
            // Its grant is decided by the database, which has all three; the first now knows them too.
            assertWait(
                    first.tryAcquire(model, budget, 1, T0.plusSeconds(3)),
                    Duration.ofSeconds(57),
                    QuotaLedger.Limit.REQUESTS_PER_MINUTE);
            own.close(); // no connection left: the estimate needs none
            assertThat(first.estimateWait(model, budget, 1, 1, T0.plusSeconds(3)))
                    .isEqualTo(Duration.ofSeconds(57));
        }
    }

    /** A thousand requests in ten seconds are ten rows to decide from, whatever the budget. */
    @Test
    void aWindowIsRecordedAsOneRowPerSecond() {
        ModelBudget budget = new ModelBudget(1_000_000, 1_000_000_000L, 100_000_000);
        for (int i = 0; i < 1_000; i++) {
            assertGranted(ledger.tryAcquire(model, budget, 100, T0.plusMillis(10L * i)));
        }
        assertThat(JdbcClient.create(classDatabase.dataSource())
                        .sql("select count(*) from quota_bucket where model = ?")
                        .param(model)
                        .query(Long.class)
                        .single())
                .isEqualTo(10);
        assertThat(ledger.usage(model, T0.plusSeconds(10))).isEqualTo(new QuotaLedger.Usage(1_000, 100_000, 1_000));
        assertThat(rows(model)).isEqualTo(1_000); // one per request, only to correct or release it
    }

    /**
     * A database whose ledger was written before the buckets (migrations up to V3) keeps counting what
     * it holds after the migration: the window, the day, and a release of an earlier request.
     */
    @Test
    void requestsRecordedBeforeTheBucketsStillCount() {
        try (HikariDataSource old = pool(freshDatabaseUrl())) {
            Flyway.configure()
                    .dataSource(old)
                    .locations(migrations())
                    .target("3")
                    .load()
                    .migrate();
            JdbcClient sql = JdbcClient.create(old);
            sql.sql("insert into quota_model (model) values (?)").param(model).update();
            for (String at : List.of(
                    "2026-05-04T15:59:30.100Z",
                    "2026-05-04T15:59:30.600Z",
                    "2026-05-04T15:59:50Z",
                    "2026-05-02T16:00:00Z")) {
                sql.sql("insert into quota_dispatch (model, sent_at, input_tokens) values (?, ?, ?)")
                        .params(model, Instant.parse(at).atOffset(ZoneOffset.UTC), 100L)
                        .update();
            }
            long latest = sql.sql("select id from quota_dispatch where model = ? and sent_at = ?")
                    .params(model, Instant.parse("2026-05-04T15:59:50Z").atOffset(ZoneOffset.UTC))
                    .query(Long.class)
                    .single();
            migrated(old);

            QuotaLedger migrated = ledgerOn(old);
            assertThat(migrated.usage(model, T0)).isEqualTo(new QuotaLedger.Usage(3, 300, 3));
            ModelBudget budget = new ModelBudget(4, 0, 0);
            assertGranted(migrated.tryAcquire(model, budget, 100, T0));
            // The first of 15:59:30 leaves at 16:00:30.100 exactly.
            assertWait(
                    migrated.tryAcquire(model, budget, 100, T0),
                    Duration.ofMillis(30_100),
                    QuotaLedger.Limit.REQUESTS_PER_MINUTE);
            migrated.release(model, latest);
            assertThat(migrated.usage(model, T0)).isEqualTo(new QuotaLedger.Usage(3, 300, 3));
        }
    }

    long rows(String model) {
        return JdbcClient.create(classDatabase.dataSource())
                .sql("select count(*) from quota_dispatch where model = ?")
                .param(model)
                .query(Long.class)
                .single();
    }
}
