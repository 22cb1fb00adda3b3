package com.callcenter.lisa.quota;

import com.callcenter.lisa.support.TestDatabases;

/** The database ledger on file H2, as one instance runs it with the embedded default database. */
class H2QuotaLedgerTest extends DatabaseQuotaLedgerContract {

    @Override
    String freshDatabaseUrl() {
        return "jdbc:h2:file:" + TestDatabases.freshH2File();
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
