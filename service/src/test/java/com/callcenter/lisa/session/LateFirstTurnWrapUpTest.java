package com.callcenter.lisa.session;

import static com.callcenter.lisa.web.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.RecordedRequest;
import com.callcenter.lisa.emulator.ScriptedAnswer;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.MovableTime;
import com.callcenter.lisa.support.MutableClock;
import com.callcenter.lisa.support.ServiceTest;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.WrapUps;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A session ended, handed off or expired while its first turn was still being answered: the close found no stored
 * turn and made no wrap-up due; the turn was stored after it (a paid reply is kept). The sweep's catch-up makes its
 * wrap-up due, once, and the wrap-up covers that turn. Over HTTP through the SDK and the emulator, whose reply to
 * the first turn is held back 2 s so the session can be closed meanwhile.
 *
 * <p>The sweep is run by the test (its schedule is an hour here, so only the pass at start-up runs by itself): the
 * state between the late turn and the next pass, a closed session with a turn and no wrap-up, is asserted first.
 */
@Tag("database")
@TestPropertySource(
        properties = {"lisa.wrapup.enabled=true", "lisa.wrapup.poll-interval=200ms", "lisa.session.sweep-interval=1h"})
@Import(MovableTime.class)
class LateFirstTurnWrapUpTest extends ServiceTest {

    @Autowired
    SessionSweeper sweeper;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void aSessionEndedWhileItsFirstTurnIsAnsweredGetsItsWrapUpOnce() throws Exception {
        String id = api.newSession();
        CompletableFuture<Api.Response> turn = firstTurnInFlight(id, "Was kostet der Tarif, fragt die Abbrecherin?");

        assertThat(api.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

        assertStoredWithoutWrapUp(turn, id, "ended");
        assertWrapUpMadeOnceBySweep(id, "Abbrecherin");
    }

    @Test
    void aSessionHandedOffWhileItsFirstTurnIsAnsweredGetsItsWrapUpOnce() throws Exception {
        String id = api.newSession();
        CompletableFuture<Api.Response> turn =
                firstTurnInFlight(id, "Ich habe eine Frage zur Rechnung, sagt der Übergebene.");

        Api.Response handedOff =
                api.post("/api/v1/sessions/" + id + "/handoff", "{\"reason\": \"Supervisor übernimmt\"}");
        assertThat(handedOff.status()).as(handedOff.body()).isBetween(200, 299);

        assertStoredWithoutWrapUp(turn, id, "handed_off");
        assertWrapUpMadeOnceBySweep(id, "Übergebene");
    }

    @Test
    void aSessionExpiredWhileItsFirstTurnIsAnsweredGetsItsWrapUpOnce() throws Exception {
        String id = api.newSession();
        CompletableFuture<Api.Response> turn = firstTurnInFlight(id, "Hallo, hier spricht die Verstummte.");

        clock.advance(Duration.ofMinutes(31)); // idle past the timeout since the session was opened
        sweeper.sweep(); // expires it: no stored turn yet, so no wrap-up

        assertStoredWithoutWrapUp(turn, id, "expired");
        assertWrapUpMadeOnceBySweep(id, "Verstummte");
    }

    /**
     * Each pass is cheap however many sessions were closed within the retention: it reads, through the status index,
     * only the closed and handed-off sessions with a turn stored within its window (on PostgreSQL asked with
     * sequential scans off, so that the plan does not depend on how few rows this test's database has).
     */
    @Test
    void theCatchUpReadsOnlyRecentSessionsThroughTheStatusIndex() {
        Object since = OffsetDateTime.now(ZoneOffset.UTC);
        String plan = transaction.execute(tx -> {
            if (TestDatabases.postgres()) {
                jdbc.sql("set local enable_seqscan = off").update();
            }
            return String.join(
                    "\n",
                    jdbc.sql("explain " + SessionStore.LATE_FIRST_TURNS)
                            .params(since, since)
                            .query(String.class)
                            .list());
        });
        assertThat(plan)
                .as(plan)
                .containsPattern(
                        TestDatabases.postgres()
                                ? "session_status_activity[^\\n]*\\n\\s*Index Cond: .*activity_bucket >"
                                : "SESSION_STATUS_ACTIVITY: STATUS IN\\(.*\\)\\s+AND ACTIVITY_BUCKET >");
    }

    /** Sends the session's first message and returns once Gemini has it; its reply comes 2 s later. */
    private CompletableFuture<Api.Response> firstTurnInFlight(String id, String message) {
        upstream.script(ScriptedAnswer.text("Einen Moment, ich sehe nach.").delayed(Duration.ofSeconds(2)));
        CompletableFuture<Api.Response> turn = CompletableFuture.supplyAsync(() -> api.chat(id, message));
        await("the first turn at Gemini")
                .atMost(Duration.ofSeconds(10))
                .until(() -> turn.isDone() || !requestsWith(message).isEmpty());
        assertThat(turn).as("answered before the session was closed").isNotDone();
        return turn;
    }

    /** The race's outcome: the session closed (or handed off) with its one turn stored, and no wrap-up. */
    private void assertStoredWithoutWrapUp(CompletableFuture<Api.Response> turn, String id, String status)
            throws Exception {
        Api.Response reply = turn.get();
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode session = api.get("/api/v1/sessions/" + id).json();
        assertThat(session.get("status").asString()).isEqualTo(status);
        assertThat(session.get("messages")).hasSize(2);
        assertProblem(api.get("/api/v1/sessions/" + id + "/wrap-up"), 404, "wrap-up-not-found");
    }

    /** The next sweep makes the wrap-up due; it covers the late turn, and later sweeps make no second one. */
    private void assertWrapUpMadeOnceBySweep(String id, String words) {
        sweeper.sweep();

        JsonNode done = WrapUps.awaitFinished(api, id);
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("done");
        assertThat(done.get("wrapUp").get("summary").asString()).contains(words);
        sweeper.sweep();
        sweeper.sweep();
        assertThat(api.get("/api/v1/sessions/" + id + "/wrap-up").json()).isEqualTo(done);
        assertThat(WrapUps.requests(upstream))
                .filteredOn(request -> request.body().contains(words))
                .hasSize(1);
    }

    private static List<RecordedRequest> requestsWith(String words) {
        return upstream.requests().stream()
                .filter(r -> r.body().contains(words))
                .toList();
    }
}
