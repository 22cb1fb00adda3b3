package com.callcenter.lisa.health;

import com.callcenter.lisa.gemini.GeminiClient;
import com.callcenter.lisa.gemini.GeminiFailure;
import com.callcenter.lisa.gemini.GeminiGateway;
import com.callcenter.lisa.gemini.ModelAvailability;
import com.callcenter.lisa.gemini.UpstreamState;
import com.callcenter.lisa.health.HealthReport.Status;
import com.callcenter.lisa.identity.AuthMode;
import com.callcenter.lisa.quota.ModelQuotaState;
import com.callcenter.lisa.quota.SpendState;
import com.callcenter.lisa.session.StoreState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Assembles the health view. Gemini's side comes from the outcomes of real calls: a probe that
 * called the model would spend the quota the customers need.
 *
 * <p>Health must answer within a second whatever the store does, because that is when it matters: the
 * database part is the {@link StoreState background check}'s last outcome, and the quota figures (read
 * from the ledger, which may be the database) are waited for {@link #QUOTA_READ_BOUND briefly}; if
 * they do not come in time, the last figures read are shown with the time they are from. At most one
 * read of them is in flight, so a dead store cannot pile up threads behind health checks.
 */
@Service
public class HealthService {

    private static final Logger log = LoggerFactory.getLogger(HealthService.class);
    /** Well within the one second a health answer may take, well beyond a healthy ledger read. */
    static final Duration QUOTA_READ_BOUND = Duration.ofMillis(300);

    private record QuotaFigures(List<ModelQuotaState> models, SpendState spend, Instant readAt) {}

    private final StoreState store;
    private final UpstreamState upstream;
    private final GeminiClient gemini;
    private final GeminiGateway gateway;
    private final ModelAvailability availability;
    private final Clock clock;
    private final AuthMode auth;
    private final AtomicReference<CompletableFuture<QuotaFigures>> quotaRead = new AtomicReference<>();
    private volatile QuotaFigures lastQuota;

    HealthService(
            StoreState store,
            UpstreamState upstream,
            GeminiClient gemini,
            GeminiGateway gateway,
            ModelAvailability availability,
            Clock clock,
            AuthMode auth) {
        this.availability = availability;
        this.store = store;
        this.auth = auth;
        this.upstream = upstream;
        this.gemini = gemini;
        this.gateway = gateway;
        this.clock = clock;
    }

    public HealthReport report() {
        HealthReport.Database database = database();
        QuotaFigures quota = quota();
        List<ModelQuotaState> models = quota == null ? List.of() : quota.models();
        boolean modelBlocked =
                models.stream().anyMatch(model -> !"CLOSED".equals(model.circuit()) || model.exhaustedUntil() != null);
        // Read from memory: which models Gemini said are gone (404) and when they are looked up again.
        List<ModelAvailability.View> availabilityView = availability.state();
        boolean modelGone = availabilityView.stream().anyMatch(model -> "UNAVAILABLE".equals(model.status()));
        Status upstreamStatus = upstream.failingNow() || modelBlocked || modelGone ? Status.DEGRADED : Status.UP;
        HealthReport.Upstream upstreamView = new HealthReport.Upstream(
                upstreamStatus,
                gemini.demo() ? "demo" : "google",
                gemini.modelName(),
                upstream.lastSuccess().orElse(null),
                upstream.lastError()
                        .map(e -> new HealthReport.LastError(
                                e.at(), e.kind(), e.upstreamStatus(), inWords(e.kind(), e.upstreamStatus())))
                        .orElse(null));
        Status overall = database.status() == Status.DOWN ? Status.DOWN : upstreamStatus;
        return new HealthReport(
                overall,
                database,
                upstreamView,
                models,
                quota == null ? null : quota.spend(),
                quota == null ? null : quota.readAt(),
                auth.wireName(),
                availabilityView);
    }

    private HealthReport.Database database() {
        StoreState.Check check = store.current();
        if (check.up()) {
            return new HealthReport.Database(Status.UP, check.latencyMs(), null, check.checkedAt(), null);
        }
        return new HealthReport.Database(
                Status.DOWN,
                check.latencyMs(),
                "The conversation store is unavailable: " + check.reason() + ".",
                check.checkedAt(),
                check.since());
    }

    /** Fresh figures if the ledger answers within the bound, else the last ones read (or none yet). */
    private QuotaFigures quota() {
        if (store.isDown()) {
            // A database ledger cannot answer now, and a read would hold the model's lane while it waits.
            return lastQuota;
        }
        CompletableFuture<QuotaFigures> read = quotaRead.get();
        if (read == null || read.isDone()) {
            CompletableFuture<QuotaFigures> fresh = new CompletableFuture<>();
            if (quotaRead.compareAndSet(read, fresh)) {
                Thread.ofVirtual().name("health-quota-read").start(() -> {
                    try {
                        QuotaFigures figures = new QuotaFigures(gateway.state(), gateway.spend(), clock.instant());
                        lastQuota = figures;
                        fresh.complete(figures);
                    } catch (RuntimeException e) {
                        fresh.completeExceptionally(e);
                    }
                });
            }
            read = quotaRead.get();
        }
        try {
            return read.get(QUOTA_READ_BOUND.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return lastQuota;
        } catch (ExecutionException e) {
            log.debug("Quota figures could not be read for health", e.getCause());
            return lastQuota;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lastQuota;
        }
    }

    /** What the last failed call showed, in words: a failure's own message may name exception classes. */
    static String inWords(GeminiFailure.Kind kind, int upstreamStatus) {
        String status = upstreamStatus > 0 ? " (HTTP " + upstreamStatus + ")" : "";
        return switch (kind) {
            case REJECTED -> "Gemini rejected the request" + status + ".";
            case QUOTA_MINUTE -> "Gemini's per-minute quota was used up" + status + ".";
            case QUOTA_DAY -> "Gemini's daily quota is used up until midnight Pacific time" + status + ".";
            case UNAVAILABLE ->
                upstreamStatus > 0
                        ? "Gemini answered that it is unavailable" + status + "."
                        : "Gemini could not be reached.";
            case TIMEOUT -> "Gemini did not answer in time" + status + ".";
            case MODEL_UNAVAILABLE -> "Gemini does not serve the model" + status + "; see availability.";
        };
    }
}
