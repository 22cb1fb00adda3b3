package com.callcenter.lisa.quota;

/** The spend ledger charged in blocks, on file H2. */
class H2BlockSpendLedgerTest extends BlockSpendLedgerContract implements LedgerDatabase.H2 {}
