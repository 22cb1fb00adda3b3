package com.callcenter.lisa.quota;

import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestPostgres;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/**
 * The database a ledger test class runs on ({@link DatabaseQuotaLedgerContract}, {@link
 * DatabaseSpendLedgerContract}): how to get a new, empty one and how the service migrates it. A test class says
 * which by implementing {@link H2} or {@link Postgres}.
 */
interface LedgerDatabase {

    /** A JDBC URL of a new, empty database. */
    String freshDatabaseUrl();

    /** The service's migration locations on this database (spring.flyway.locations with its {vendor}). */
    String[] migrations();

    String user();

    String password();

    /** A service instance's own small connection pool on the database at {@code url}. */
    default HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user());
        config.setPassword(password());
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    /** {@code pool}, its database migrated as the service migrates it. */
    default HikariDataSource migrated(HikariDataSource pool) {
        Flyway.configure().dataSource(pool).locations(migrations()).load().migrate();
        return pool;
    }

    /** File H2, as one instance runs it with the embedded default database. */
    interface H2 extends LedgerDatabase {

        @Override
        default String freshDatabaseUrl() {
            return "jdbc:h2:file:" + TestDatabases.freshH2File();
        }

        @Override
        default String[] migrations() {
            return new String[] {"classpath:db/migration", "classpath:db/vendor/h2"};
        }

        @Override
        default String user() {
            return "sa";
        }

        @Override
        default String password() {
            return "";
        }
    }

    /**
     * A real PostgreSQL server, whatever {@code lisa.test.database} says: such a test runs in both passes of the
     * suite.
     */
    interface Postgres extends LedgerDatabase {

        @Override
        default String freshDatabaseUrl() {
            return TestPostgres.freshDatabase();
        }

        @Override
        default String[] migrations() {
            return new String[] {"classpath:db/migration", "classpath:db/vendor/postgresql"};
        }

        @Override
        default String user() {
            return "postgres";
        }

        @Override
        default String password() {
            return "postgres";
        }
    }
}
