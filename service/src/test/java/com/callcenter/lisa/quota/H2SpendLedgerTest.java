package com.callcenter.lisa.quota;

import com.callcenter.lisa.support.TestDatabases;
import org.junit.jupiter.api.Tag;

/** The spend ledger in the database (migration V9) on file H2. */
@Tag("database")
class H2SpendLedgerTest extends DatabaseSpendLedgerContract {

    @Override
    String freshDatabaseUrl() {
        return "jdbc:h2:file:" + TestDatabases.freshH2File();
    }

    @Override
    String[] migrations() {
        return new String[] {"classpath:db/migration", "classpath:db/vendor/h2"};
    }

    @Override
    String user() {
        return "sa";
    }

    @Override
    String password() {
        return "";
    }
}
