package com.callcenter.lisa.session;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/** Idle sessions expire, closed ones are purged after the retention; time is moved, not waited for. */
@Tag("database")
@Import(MovableTime.class)
class SessionLifecycleTest extends ServiceTest {

    @Autowired
    MutableClock clock;

    @Autowired
    SessionService sessions;

    @Test
    void idleSessionExpiresAndKeepsItsHistory() {
        String id = api.newSession();
        api.chat(id, "Hallo");
        clock.advance(Duration.ofMinutes(29));
        assertThat(status(id)).isEqualTo("active");

        clock.advance(Duration.ofMinutes(2));

        JsonNode session = api.get("/api/v1/sessions/" + id).json();
        assertThat(session.get("status").asString()).isEqualTo("expired");
        assertThat(session.get("messages")).hasSize(2);
        assertProblem(api.chat(id, "Noch da?"), 409, "session-closed");
        assertThat(api.chat(id, "Noch da?").json().get("sessionStatus").asString())
                .isEqualTo("expired");
        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);
        assertThat(status(id)).isEqualTo("expired");
    }

    @Test
    void activityKeepsASessionAlive() {
        String id = api.newSession();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(api.chat(id, "Hallo " + i).status()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(20));
        assertThat(status(id)).isEqualTo("active");
    }

    @Test
    void sweepExpiresIdleSessionsAndPurgesOldClosedOnes() {
        String idle = api.newSession();
        String ended = api.newSession();
        api.chat(ended, "Tschüss");
        api.delete("/api/v1/sessions/" + ended);
        clock.advance(Duration.ofMinutes(31));
        String fresh = api.newSession();

        sessions.sweep();

        // The sweep marked it expired in the database, before anyone read it.
        assertThat(sessions.get(java.util.UUID.fromString(idle)).status()).isEqualTo(SessionStatus.EXPIRED);
        assertThat(status(fresh)).isEqualTo("active");

        clock.advance(Duration.ofDays(29));
        sessions.sweep();
        assertThat(status(ended)).isEqualTo("ended");

        clock.advance(Duration.ofDays(2));
        sessions.sweep();
        assertProblem(api.get("/api/v1/sessions/" + ended), 404, "session-not-found");
        assertProblem(api.get("/api/v1/sessions/" + idle), 404, "session-not-found");
        assertThat(status(fresh)).isEqualTo("expired");
    }

    private String status(String id) {
        return api.get("/api/v1/sessions/" + id).json().get("status").asString();
    }
}
