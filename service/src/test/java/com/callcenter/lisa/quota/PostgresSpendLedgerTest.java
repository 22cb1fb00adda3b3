package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The spend ledger in the database (migration V9) on a real PostgreSQL server, and two service
 * instances sharing it: together they never charge more than the budget.
 */
@Tag("database")
class PostgresSpendLedgerTest extends DatabaseSpendLedgerContract implements LedgerDatabase.Postgres {

    /**
     * Two instances, each with its own pool and three threads, charge 100 micro-dollars each, 60
     * times in all within a few seconds against a budget of 1,000: exactly ten are granted.
     */
    @Test
    void twoInstancesTogetherNeverChargeMoreThanTheBudget() throws Exception {
        Instant t = day();
        try (HikariDataSource first = pool(classDatabase.url());
                HikariDataSource second = pool(classDatabase.url());
                ExecutorService threads = Executors.newFixedThreadPool(6)) {
            List<SpendLedger> instances = List.of(ledgerOn(first), ledgerOn(second));
            CountDownLatch ready = new CountDownLatch(6);
            List<Future<Integer>> granted = new ArrayList<>();
            for (int thread = 0; thread < 6; thread++) {
                SpendLedger instance = instances.get(thread % 2);
                int offset = thread;
                granted.add(threads.submit(() -> {
                    ready.countDown();
                    ready.await();
                    int count = 0;
                    for (int attempt = 0; attempt < 10; attempt++) {
                        if (instance.tryCharge(1_000, 100, t.plusMillis(attempt * 300L + offset * 7L))
                                instanceof SpendLedger.Decision.Granted) {
                            count++;
                        }
                    }
                    return count;
                }));
            }
            int total = 0;
            for (Future<Integer> future : granted) {
                total += future.get();
            }
            assertThat(total).isEqualTo(10);
            assertThat(instances.get(0).spentMicros(t.plusSeconds(10))).isEqualTo(1_000);
        }
    }
}
