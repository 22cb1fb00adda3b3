package com.callcenter.lisa.quota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The database ledger on file H2, as one instance runs it with the embedded default database. */
class H2QuotaLedgerTest extends DatabaseQuotaLedgerContract implements LedgerDatabase.H2 {

    /** H2 has no PL/pgSQL: the ledger sends its statements one by one, under the model's row lock. */
    @Test
    void sendsTheStatementsOneByOne() {
        assertThat(((DatabaseQuotaLedger) ledger).inOneRoundTrip()).isFalse();
    }
}
