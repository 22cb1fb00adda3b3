package com.callcenter.lisa.quota;

import org.junit.jupiter.api.Tag;

/** The spend ledger in the database (migration V9) on file H2. */
@Tag("database")
class H2SpendLedgerTest extends DatabaseSpendLedgerContract implements LedgerDatabase.H2 {}
