package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.quota.QuotaLedger.Decision;
import com.callcenter.lisa.quota.QuotaLedger.Decision.Granted;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database ledger on a real PostgreSQL server, and several service instances sharing it. Runs in
 * both passes of the suite: it starts its own server whatever {@code lisa.test.database} says.
 */
class PostgresQuotaLedgerTest extends DatabaseQuotaLedgerContract implements LedgerDatabase.Postgres {

    /** Every test of the contract here runs the one-round-trip functions of db/vendor/postgresql. */
    @Test
    void grantsAndCorrectsInOneRoundTrip() {
        assertThat(((DatabaseQuotaLedger) ledger).inOneRoundTrip()).isTrue();
    }

    /**
     * A correction's commit does not wait for the disk (it is on the turn's critical path, and losing one in a crash
     * of the server leaves the estimate counted); a grant's waits as the server is set. (The test server runs with
     * synchronous_commit off, so each transaction here sets it on first.)
     */
    @Test
    void aCorrectionCommitsWithoutWaitingForTheDiskAndAGrantAsTheServerIsSet() {
        long id = ((Granted) ledger.tryAcquire(model, new ModelBudget(10, 0, 0), 100, T0)).id();
        TransactionTemplate transaction =
                new TransactionTemplate(new DataSourceTransactionManager(classDatabase.dataSource()));
        JdbcClient sql = JdbcClient.create(classDatabase.dataSource());
        String afterCorrection = transaction.execute(status -> {
            sql.sql("set local synchronous_commit = on").update();
            sql.sql(DatabaseQuotaLedger.CORRECT)
                    .params(model, id, 80L)
                    .query((rs, row) -> 0)
                    .list();
            return sql.sql("show synchronous_commit").query(String.class).single();
        });
        assertThat(afterCorrection).isEqualTo("off");
        List<Object> grant =
                ((DatabaseQuotaLedger) ledger).grantParameters(model, new ModelBudget(10, 0, 0), 1, T0.plusSeconds(1));
        String afterGrant = transaction.execute(status -> {
            sql.sql("set local synchronous_commit = on").update();
            Long granted = sql.sql(DatabaseQuotaLedger.GRANT)
                    .params(grant)
                    .query(Long.class)
                    .single();
            assertThat(granted).isNotNull();
            return sql.sql("show synchronous_commit").query(String.class).single();
        });
        assertThat(afterGrant).isEqualTo("on");
    }

    /**
     * Two instances, each with its own connection pool and three threads, ask for the same model
     * concurrently, sixty times in all within one minute: exactly the budget is granted, in the
     * ledger's answers and in the table.
     */
    @Test
    void twoInstancesTogetherNeverGrantMoreThanTheBudget() throws Exception {
        ModelBudget budget = new ModelBudget(20, 0, 0);
        int threadsPerInstance = 3;
        int attemptsPerThread = 10;
        try (HikariDataSource first = pool(classDatabase.url());
                HikariDataSource second = pool(classDatabase.url());
                ExecutorService threads = Executors.newFixedThreadPool(2 * threadsPerInstance)) {
            List<QuotaLedger> instances = List.of(ledgerOn(first), ledgerOn(second));
            CountDownLatch ready = new CountDownLatch(2 * threadsPerInstance);
            List<Future<List<Long>>> granted = new ArrayList<>();
            for (int thread = 0; thread < 2 * threadsPerInstance; thread++) {
                QuotaLedger instance = instances.get(thread % 2);
                int offset = thread;
                Callable<List<Long>> caller = () -> {
                    ready.countDown();
                    ready.await();
                    List<Long> ids = new ArrayList<>();
                    for (int attempt = 0; attempt < attemptsPerThread; attempt++) {
                        // Every thread's clock within the same second, a little apart and not in order.
                        Instant now = T0.plusMillis(attempt * 50L + offset * 7L);
                        Decision decision = instance.tryAcquire(model, budget, 1, now);
                        if (decision instanceof Granted(long id)) {
                            ids.add(id);
                        }
                    }
                    return ids;
                };
                granted.add(threads.submit(caller));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<List<Long>> future : granted) {
                ids.addAll(future.get());
            }
            assertThat(ids).hasSize(budget.requestsPerMinute()).doesNotHaveDuplicates();
        }
        assertThat(rows(model)).isEqualTo(budget.requestsPerMinute());
        assertThat(ledger.usage(model, T0.plusSeconds(1)).requestsLastMinute()).isEqualTo(budget.requestsPerMinute());
    }
}
