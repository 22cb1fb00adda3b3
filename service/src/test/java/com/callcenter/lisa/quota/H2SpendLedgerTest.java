package com.callcenter.lisa.quota;

import com.callcenter.lisa.support.TestDatabases;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The spend ledger in the database (migration V9), on file H2 and on a real PostgreSQL server, and
 * two service instances sharing one PostgreSQL: together they never charge more than the budget.
 */
/** The spend ledger in the database (migration V9) on file H2. */
@Tag("database")
class H2SpendLedgerTest extends SpendLedgerContract {

    static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    static DatabaseSpendLedger ledgerOn(DataSource dataSource) {
        return new DatabaseSpendLedger(
                JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                SpendLedgerContract.RULES);
    }

    HikariDataSource dataSource;

    @BeforeAll
    void migrate() {
        dataSource = pool("jdbc:h2:file:" + TestDatabases.freshH2File(), "sa", "");
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration", "classpath:db/vendor/h2")
                .load()
                .migrate();
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    @Override
    SpendLedger ledger() {
        return ledgerOn(dataSource);
    }
}
