package com.callcenter.lisa.quota;

/** The spend ledger charged in blocks, on a real PostgreSQL server (runs in both passes of the suite). */
class PostgresBlockSpendLedgerTest extends BlockSpendLedgerContract implements LedgerDatabase.Postgres {}
