package com.callcenter.lisa.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.Latency;
import com.callcenter.lisa.support.Api;
import com.callcenter.lisa.support.ServiceJvm;
import com.callcenter.lisa.support.TestDatabases;
import com.callcenter.lisa.support.TestPostgres;
import com.callcenter.lisa.support.TestUpstream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A 200 means stored: the service process is killed with SIGKILL while several sessions chat, and
 * after a restart on the same database every turn answered 200 before the kill is there, exactly once,
 * message and reply together, and the bookkeeping around turns (turn counters, idempotency keys) agrees
 * with them. Runs on file H2 in the default pass and on PostgreSQL in the postgres pass. On H2 the
 * operator's URL asks for lazy commits ({@code WRITE_DELAY=2000}): the service must make them durable
 * whatever the URL says.
 */
@Tag("database")
class KillUnderLoadTest {

    private static final int SESSIONS = 8;
    private static final int ANSWERED_BEFORE_KILL = 200;
    static final String[] UNLIMITED_QUOTA = {
        "--lisa.quota.budget.requests-per-minute=0",
        "--lisa.quota.budget.input-tokens-per-minute=0",
        "--lisa.quota.budget.requests-per-day=0"
    };

    /** A turn the service answered with 200: what was sent, with which key (or none), and the reply. */
    record Answered(String sessionId, String message, String key, String reply) {}

    @Test
    void everyTurnAnsweredBeforeAKillIsStoredOnceAndWhole() throws Exception {
        Database database = Database.fresh();
        try (GeminiEmulator upstream = GeminiEmulator.start(EmulatorConfig.defaults()
                .withApiKey(TestUpstream.API_KEY)
                .withLatency(Latency.between(Duration.ZERO, Duration.ofMillis(20))))) {
            int port = ServiceJvm.freePort();
            List<Answered> answered = Collections.synchronizedList(new ArrayList<>());
            List<String> refused = Collections.synchronizedList(new ArrayList<>());
            List<String> sessions = new ArrayList<>();
            AtomicBoolean killed = new AtomicBoolean();
            try (ServiceJvm service = ServiceJvm.start(port, upstream.baseUrl(), database.url(), UNLIMITED_QUOTA);
                    ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < SESSIONS; i++) {
                    sessions.add(service.api().newSession());
                }
                for (int i = 0; i < SESSIONS; i++) {
                    String sessionId = sessions.get(i);
                    boolean keyed = i % 2 == 0; // half the sessions send an Idempotency-Key with each message
                    clients.submit(() -> chatUntilKilled(service.api(), sessionId, keyed, answered, refused, killed));
                }
                await("turns answered under load")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> answered.size() >= ANSWERED_BEFORE_KILL || !refused.isEmpty());
                killed.set(true);
                service.kill();
            }
            // Every 200 counted here arrived before the process died: nothing answers after SIGKILL.
            List<Answered> beforeKill = List.copyOf(answered);
            assertThat(refused).as("answers other than 200 under load").isEmpty();
            assertThat(beforeKill).hasSizeGreaterThanOrEqualTo(ANSWERED_BEFORE_KILL);

            try (ServiceJvm restarted = ServiceJvm.start(port, upstream.baseUrl(), database.url(), UNLIMITED_QUOTA)) {
                List<Answered> lost = new ArrayList<>();
                for (String sessionId : sessions) {
                    List<Answered> ofSession = beforeKill.stream()
                            .filter(a -> a.sessionId().equals(sessionId))
                            .toList();
                    lost.addAll(lostOrStoredOnceAndWhole(restarted.api(), sessionId, ofSession));
                }
                assertThat(lost)
                        .as(
                                "%d of %d turns answered with 200 before the kill, lost after it",
                                lost.size(), beforeKill.size())
                        .isEmpty();
                // A repeat of an answered keyed message gets the stored answer, without asking Gemini again.
                int calls = TestUpstream.modelCalls(upstream);
                for (Answered turn : beforeKill) {
                    if (turn.key() != null) {
                        Api.Response repeat = chat(restarted.api(), turn.sessionId(), turn.message(), turn.key());
                        assertThat(repeat.status()).as(repeat.body()).isEqualTo(200);
                        assertThat(repeat.json().get("reply").asString()).isEqualTo(turn.reply());
                    }
                }
                assertThat(TestUpstream.modelCalls(upstream)).isEqualTo(calls);
                restarted.stop();
            }
            database.assertConsistent(beforeKill);
        }
    }

    private static void chatUntilKilled(
            Api api,
            String sessionId,
            boolean keyed,
            List<Answered> answered,
            List<String> refused,
            AtomicBoolean killed) {
        for (int n = 1; !killed.get(); n++) {
            String message = "Sitzung " + sessionId.substring(0, 8) + ", Frage " + n;
            String key = keyed ? UUID.randomUUID().toString() : null;
            Api.Response response;
            try {
                response = key == null ? api.chat(sessionId, message) : chat(api, sessionId, message, key);
            } catch (UncheckedIOException connectionLost) {
                return; // the service was killed while this message was on its way
            }
            if (response.status() == 200) {
                answered.add(new Answered(
                        sessionId, message, key, response.json().get("reply").asString()));
            } else if (!killed.get()) {
                refused.add(response.status() + " " + response.body());
                return;
            }
        }
    }

    /**
     * The stored conversation holds each answered turn at most once, with its reply right after it, in the
     * order they were sent; a turn that was not answered is there at most once, and never half.
     *
     * @return the answered turns that are not there
     */
    private static List<Answered> lostOrStoredOnceAndWhole(Api api, String sessionId, List<Answered> answered) {
        Api.Response view = api.get("/api/v1/sessions/" + sessionId);
        assertThat(view.status()).as(view.body()).isEqualTo(200);
        List<JsonNode> messages = new ArrayList<>();
        view.json().get("messages").forEach(messages::add);
        assertThat(messages.size() % 2).as("whole turns only").isZero();
        Map<String, String> replyByMessage = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < messages.size(); i += 2) {
            assertThat(messages.get(i).get("role").asString()).isEqualTo("user");
            assertThat(messages.get(i + 1).get("role").asString()).isEqualTo("assistant");
            String message = messages.get(i).get("content").asString();
            assertThat(replyByMessage.put(
                            message, messages.get(i + 1).get("content").asString()))
                    .as("turn stored twice: %s", message)
                    .isNull();
            order.add(message);
        }
        List<Answered> lost = answered.stream()
                .filter(turn -> !turn.reply().equals(replyByMessage.get(turn.message())))
                .toList();
        List<String> answeredInOrder = answered.stream()
                .filter(turn -> !lost.contains(turn))
                .map(Answered::message)
                .toList();
        assertThat(order.stream()
                        .filter(new HashSet<>(answeredInOrder)::contains)
                        .toList())
                .isEqualTo(answeredInOrder);
        return lost;
    }

    static Api.Response chat(Api api, String sessionId, String message, String key) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/sessions/" + sessionId + "/chat"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("message", message)))));
    }

    /** The database the service runs on, also read directly once the service is stopped. */
    record Database(String url, String user, String password) {

        static Database fresh() {
            if (TestDatabases.postgres()) {
                return new Database(TestPostgres.freshDatabase(), "postgres", "postgres");
            }
            // An operator's URL that asks H2 for lazy commits: up to 2 s of answered turns would be lost.
            return new Database("jdbc:h2:file:" + TestDatabases.freshH2File() + ";WRITE_DELAY=2000", "sa", "");
        }

        /**
         * Turn counters equal the turns (numbered 1..n without gaps), no claim is left running, and each
         * answered keyed message's key points at the turn that holds that message.
         */
        void assertConsistent(List<Answered> answered) throws SQLException {
            try (Connection connection = DriverManager.getConnection(url, user, password);
                    Statement statement = connection.createStatement()) {
                try (ResultSet rows = statement.executeQuery("""
                        select s.id, s.turn_count, count(t.turn_number) as turns,
                               coalesce(min(t.turn_number), 1) as first_turn, coalesce(max(t.turn_number), 0) as last_turn
                        from session s left join turn t on t.session_id = s.id
                        group by s.id, s.turn_count""")) {
                    while (rows.next()) {
                        int count = rows.getInt("turn_count");
                        assertThat(rows.getInt("turns"))
                                .as("turns of %s", rows.getString("id"))
                                .isEqualTo(count);
                        assertThat(rows.getInt("last_turn")).isEqualTo(count);
                        assertThat(rows.getInt("first_turn")).isEqualTo(1);
                    }
                }
                try (ResultSet rows =
                        statement.executeQuery("select count(*) from chat_request where state <> 'DONE'")) {
                    rows.next();
                    assertThat(rows.getInt(1))
                            .as("claims left running after a restart and a graceful stop")
                            .isZero();
                }
                try (ResultSet rows = statement.executeQuery("""
                        select count(*) from chat_request r
                        left join turn t on t.session_id = r.session_id and t.turn_number = r.turn_number
                        where t.turn_number is null""")) {
                    rows.next();
                    assertThat(rows.getInt(1)).as("keys pointing at no turn").isZero();
                }
                Map<String, String> messageByKey = new HashMap<>();
                try (ResultSet rows = statement.executeQuery("""
                        select r.idempotency_key, t.user_message from chat_request r
                        join turn t on t.session_id = r.session_id and t.turn_number = r.turn_number""")) {
                    while (rows.next()) {
                        messageByKey.put(rows.getString(1), rows.getString(2));
                    }
                }
                Set<String> keys = new HashSet<>();
                for (Answered turn : answered) {
                    if (turn.key() != null) {
                        keys.add(turn.key());
                        assertThat(messageByKey).containsEntry(turn.key(), turn.message());
                    }
                }
                assertThat(keys).isNotEmpty();
            }
        }
    }
}
