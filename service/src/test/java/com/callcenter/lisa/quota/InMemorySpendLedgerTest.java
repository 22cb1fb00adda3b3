package com.callcenter.lisa.quota;

/** The spend ledger of one instance. */
class InMemorySpendLedgerTest extends SpendLedgerContract {

    @Override
    SpendLedger ledger() {
        return new InMemorySpendLedger(RULES);
    }
}
