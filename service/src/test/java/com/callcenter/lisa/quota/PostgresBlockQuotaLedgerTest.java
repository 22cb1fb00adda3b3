package com.callcenter.lisa.quota;

/**
 * Quota in blocks from the database ledger on a real PostgreSQL server (one call of quota_grant_block per block,
 * migration V15_1). Runs in both passes of the suite, as {@link PostgresQuotaLedgerTest} does.
 */
class PostgresBlockQuotaLedgerTest extends BlockQuotaLedgerContract implements LedgerDatabase.Postgres {}
