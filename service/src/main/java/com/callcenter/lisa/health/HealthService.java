package com.callcenter.lisa.health;

import com.callcenter.lisa.gemini.GeminiClient;
import com.callcenter.lisa.gemini.GeminiGateway;
import com.callcenter.lisa.gemini.UpstreamState;
import com.callcenter.lisa.health.HealthReport.Status;
import com.callcenter.lisa.quota.ModelQuotaState;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Assembles the health view. Gemini's side comes from the outcomes of real calls: a probe that
 * called the model would spend the quota the customers need.
 */
@Service
public class HealthService {

    private final JdbcTemplate jdbc;
    private final UpstreamState upstream;
    private final GeminiClient gemini;
    private final GeminiGateway gateway;

    HealthService(JdbcTemplate jdbc, UpstreamState upstream, GeminiClient gemini, GeminiGateway gateway) {
        this.jdbc = jdbc;
        this.upstream = upstream;
        this.gemini = gemini;
        this.gateway = gateway;
    }

    public HealthReport report() {
        HealthReport.Database database = database();
        List<ModelQuotaState> quota = gateway.state();
        boolean modelBlocked = quota.stream()
                .anyMatch(model -> !"CLOSED".equals(model.circuit()) || model.exhaustedUntil() != null);
        Status upstreamStatus = upstream.failingNow() || modelBlocked ? Status.DEGRADED : Status.UP;
        HealthReport.Upstream upstreamView = new HealthReport.Upstream(
                upstreamStatus,
                gemini.demo() ? "demo" : "google",
                gemini.modelName(),
                upstream.lastSuccess().orElse(null),
                upstream.lastError()
                        .map(e -> new HealthReport.LastError(e.at(), e.kind(), e.upstreamStatus(), e.message()))
                        .orElse(null));
        Status overall = database.status() == Status.DOWN ? Status.DOWN : upstreamStatus;
        return new HealthReport(overall, database, upstreamView, quota);
    }

    private HealthReport.Database database() {
        long start = System.nanoTime();
        try {
            jdbc.queryForObject("select 1", Integer.class);
            return new HealthReport.Database(Status.UP, (System.nanoTime() - start) / 1_000_000, null);
        } catch (DataAccessException e) {
            // The exception's class says enough; its message may carry connection details.
            String reason = e.getMostSpecificCause().getClass().getSimpleName();
            return new HealthReport.Database(Status.DOWN, (System.nanoTime() - start) / 1_000_000,
                    "Database check failed: " + reason);
        }
    }
}
