package com.callcenter.lisa.quota;

/** Quota in blocks from the database ledger on file H2 (its statements sent one by one under the model's lock). */
class H2BlockQuotaLedgerTest extends BlockQuotaLedgerContract implements LedgerDatabase.H2 {}
