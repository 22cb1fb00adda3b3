package com.callcenter.lisa.quota;

import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The spend contract on the database ledger (migration V9), on one freshly migrated database per class (the
 * service's own Flyway migrations), as {@link DatabaseQuotaLedgerContract} does for the quota ledger.
 */
abstract class DatabaseSpendLedgerContract extends SpendLedgerContract implements LedgerDatabase {

    @RegisterExtension
    final ClassDatabase classDatabase = new ClassDatabase(this);

    @Override
    SpendLedger ledger() {
        return ledgerOn(classDatabase.dataSource());
    }

    static DatabaseSpendLedger ledgerOn(DataSource dataSource) {
        return new DatabaseSpendLedger(
                JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                SpendLedgerContract.RULES);
    }
}
