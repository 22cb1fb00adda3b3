package com.callcenter.lisa.quota;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The database of a ledger test class (one test instance per class): a new one of the class's {@link
 * LedgerDatabase} kind, migrated before the class's first test, its pool closed after the last.
 */
final class ClassDatabase implements BeforeAllCallback, AfterAllCallback {

    private final LedgerDatabase kind;
    private String url;
    private HikariDataSource dataSource;

    ClassDatabase(LedgerDatabase kind) {
        this.kind = kind;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        url = kind.freshDatabaseUrl();
        dataSource = kind.migrated(kind.pool(url));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        dataSource.close();
    }

    /** Where it is, for a test that connects to it as another instance. */
    String url() {
        return url;
    }

    /** The class's own pool on it. */
    HikariDataSource dataSource() {
        return dataSource;
    }
}
