package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The contract on the database ledger, on one freshly migrated database per class (the service's own
 * Flyway migrations), plus the purge of old rows.
 */
abstract class DatabaseQuotaLedgerContract extends QuotaLedgerContract {

    /** A JDBC URL of a new, empty database. */
    abstract String freshDatabaseUrl();

    abstract String user();

    abstract String password();

    HikariDataSource dataSource;

    @BeforeAll
    void migrate() {
        dataSource = pool(freshDatabaseUrl());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    @Override
    QuotaLedger ledger() {
        return ledgerOn(dataSource);
    }

    @Override
    QuotaLedger ledgerWithWindow(Duration window) {
        return new DatabaseQuotaLedger(JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)), new QuotaRules(window));
    }

    /** A service instance's own connection pool on the test database. */
    HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user());
        config.setPassword(password());
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    static DatabaseQuotaLedger ledgerOn(DataSource dataSource) {
        return new DatabaseQuotaLedger(JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
    }

    @Test
    void purgeDeletesOnlyRowsBeforeTheCutoff() {
        DatabaseQuotaLedger database = ledgerOn(dataSource);
        ModelBudget budget = new ModelBudget(0, 0, 0);
        Instant now = Instant.parse("2030-01-10T12:00:00Z"); // later than any other test's rows
        String other = newModel();
        assertGranted(database.tryAcquire(model, budget, 1, now.minus(Duration.ofHours(30))));
        assertGranted(database.tryAcquire(model, budget, 1, now.minus(Duration.ofHours(26))));
        assertGranted(database.tryAcquire(other, budget, 1, now.minus(Duration.ofHours(26))));
        assertGranted(database.tryAcquire(model, budget, 1, now.minus(Duration.ofHours(2))));
        assertGranted(database.tryAcquire(model, budget, 1, now));

        Instant cutoff = now.minus(DatabaseQuotaLedger.RETENTION);
        int deleted = database.purgeBefore(cutoff);
        assertThat(deleted).isGreaterThanOrEqualTo(3);
        assertThat(rows(model)).isEqualTo(2);
        assertThat(rows(other)).isZero();
        assertThat(database.usage(model, now).requestsToday()).isEqualTo(2);
        assertThat(database.purgeBefore(cutoff)).isZero();
    }

    long rows(String model) {
        return JdbcClient.create(dataSource).sql("select count(*) from quota_dispatch where model = ?")
                .param(model).query(Long.class).single();
    }
}
