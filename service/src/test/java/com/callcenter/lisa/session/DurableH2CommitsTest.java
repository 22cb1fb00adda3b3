package com.callcenter.lisa.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.callcenter.lisa.support.ServiceProcess;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestUpstream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever H2 URL the operator gives, every connection of the service commits durably ({@code
 * WRITE_DELAY} 0), also one opened after the others: H2 applies a URL's settings to the whole database
 * each time a connection opens. {@link KillUnderLoadTest} shows what that is for.
 */
class DurableH2CommitsTest {

    @BeforeEach
    void defaultPassOnly() {
        assumeThat(TestDatabases.postgres())
                .as("H2 only: runs in the default pass")
                .isFalse();
    }

    @Test
    void everyConnectionCommitsDurablyWhateverTheUrlSays() throws SQLException {
        String lazy = "jdbc:h2:file:" + TestDatabases.freshH2File() + ";write_delay=700;LOCK_TIMEOUT=10000";
        try (ServiceProcess service =
                ServiceProcess.start(TestUpstream.emulator().baseUrl(), lazy)) {
            DataSource pool = service.bean(DataSource.class);
            List<Connection> connections = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    connections.add(pool.getConnection()); // new connections, each applying its URL's settings
                    assertThat(writeDelay(connections.getFirst())).isZero();
                }
            } finally {
                for (Connection connection : connections) {
                    connection.close();
                }
            }
        }
    }

    @Test
    void theOperatorsOtherSettingsStay() {
        assertThat(DurableH2Commits.durable("jdbc:h2:file:./data/lisa;WRITE_DELAY=500;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:./data/lisa;AUTO_SERVER=TRUE;WRITE_DELAY=0");
        assertThat(DurableH2Commits.durable("jdbc:h2:./data/lisa")).isEqualTo("jdbc:h2:./data/lisa;WRITE_DELAY=0");
        assertThat(DurableH2Commits.isH2("jdbc:postgresql://db/lisa")).isFalse();
    }

    private static int writeDelay(Connection connection) throws SQLException {
        try (ResultSet row = connection
                .createStatement()
                .executeQuery(
                        "select setting_value from information_schema.settings where setting_name = 'WRITE_DELAY'")) {
            row.next();
            return Integer.parseInt(row.getString(1));
        }
    }
}
