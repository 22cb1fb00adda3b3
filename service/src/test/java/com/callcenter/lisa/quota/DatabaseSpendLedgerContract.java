package com.callcenter.lisa.quota;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The spend contract on the database ledger (migration V9), on one freshly migrated database per class (the
 * service's own Flyway migrations), as {@link DatabaseQuotaLedgerContract} does for the quota ledger.
 */
abstract class DatabaseSpendLedgerContract extends SpendLedgerContract implements LedgerDatabase {

    /** The URL of the class's database, for a test that connects to it as another instance. */
    String url;

    HikariDataSource dataSource;

    @BeforeAll
    void migrate() {
        url = freshDatabaseUrl();
        dataSource = migrated(pool(url));
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    @Override
    SpendLedger ledger() {
        return ledgerOn(dataSource);
    }

    static DatabaseSpendLedger ledgerOn(DataSource dataSource) {
        return new DatabaseSpendLedger(
                JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                SpendLedgerContract.RULES);
    }
}
