package com.callcenter.lisa.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.ServiceTest;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Counting an owner's active sessions (its limit, checked when it opens one) reads that owner's sessions only, not
 * every active session: H2 chose the status index for it before, and so each new session cost a pass over all the
 * sessions open in the call center. (What the count counts is ClientLimitsTest's, on H2 and PostgreSQL.)
 */
class ActiveSessionCountTest extends ServiceTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void theCountGoesThroughTheOwnersIndex() {
        String plan = jdbc.sql("explain " + SessionStore.COUNT_ACTIVE)
                .params("acme", "agent-1", Instant.EPOCH.atOffset(ZoneOffset.UTC))
                .query(String.class)
                .single();
        assertThat(plan).containsIgnoringCase("SESSION_OWNER_ACTIVE");
    }
}
