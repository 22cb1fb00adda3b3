package com.callcenter.lisa.gemini;

import com.callcenter.lisa.quota.QuotaScheduler;
import com.google.genai.Client;
import com.google.genai.errors.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Which models of the pool Gemini still serves. A model Gemini answered 404 NOT_FOUND for (shut down, or
 * "no longer available to new users") is unavailable: the attempt loop skips it at once, without retries,
 * and it is looked up again with the free {@code models.get} call every
 * {@link ModelCheckProperties#recheckInterval()} until Gemini finds it again. A look-up never generates
 * anything, so it costs no quota and no money.
 *
 * <p>At start-up every configured model is looked up once: a missing one is logged as an error and shown in
 * health, and the service still starts (its fallback models serve).
 */
@Component
public class ModelAvailability {

    private static final Logger log = LoggerFactory.getLogger(ModelAvailability.class);
    /** Google's named replacement for the retired 2.x models (deprecations page, 2026-11). */
    private static final String SUGGESTED = "gemini-3.5-flash-lite";

    /**
     * One model as health shows it.
     *
     * @param status        AVAILABLE, or UNAVAILABLE while Gemini says the model is not found
     * @param reason        Gemini's own words when it refused the model
     * @param whatToSet     the setting that names the model, to change when it does not come back
     * @param since         when Gemini first said it is gone
     * @param lastCheckedAt the last look-up with {@code models.get}
     * @param nextCheckAt   when it is looked up again
     */
    public record View(
            String model,
            String status,
            String reason,
            String whatToSet,
            Instant since,
            Instant lastCheckedAt,
            Instant nextCheckAt) {}

    private record Gone(String reason, Instant since, Instant checkedAt, Instant nextCheckAt) {}

    /** The look-up of one model; throws the SDK's exception when Gemini does not find it. */
    @FunctionalInterface
    interface LookUp {
        void find(String model);
    }

    private final LookUp lookUp;
    private final ModelCheckProperties properties;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final GeminiErrors errors;
    private final List<String> models;
    private final Map<String, Gone> gone = new ConcurrentHashMap<>();
    private final Map<String, Instant> checked = new ConcurrentHashMap<>();
    /** Models whose re-check is running now. */
    private final Set<String> checking = ConcurrentHashMap.newKeySet();

    @Autowired
    ModelAvailability(
            Client sdk,
            ModelCheckProperties properties,
            QuotaScheduler quota,
            GeminiEndpoint endpoint,
            TaskScheduler scheduler,
            Clock clock) {
        // models.get: the free look-up, never a generation request
        this(model -> sdk.models.get(model, null), properties, quota.models(), endpoint.apiKey(), scheduler, clock);
    }

    ModelAvailability(
            LookUp lookUp,
            ModelCheckProperties properties,
            List<String> models,
            String apiKey,
            TaskScheduler scheduler,
            Clock clock) {
        this.lookUp = lookUp;
        this.properties = properties;
        this.scheduler = scheduler;
        this.clock = clock;
        this.errors = new GeminiErrors(clock, apiKey);
        this.models = List.copyOf(models);
    }

    /** Looks every configured model up once, then starts the re-checks of the ones Gemini does not find. */
    @EventListener(ApplicationReadyEvent.class)
    void checkAtStartUp() {
        List<CompletableFuture<Void>> lookUps = new ArrayList<>();
        for (String model : models) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread.ofVirtual().name("model-check-" + model).start(() -> {
                try {
                    check(model);
                } finally {
                    done.complete(null);
                }
            });
            lookUps.add(done);
        }
        try {
            CompletableFuture.allOf(lookUps.toArray(CompletableFuture[]::new))
                    .get(properties.startupWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn(
                    "The start-up look-up of the Gemini models took longer than {}; it finishes in the background",
                    properties.startupWait());
        } catch (ExecutionException e) {
            log.warn(
                    "The start-up look-up of the Gemini models failed: {}",
                    e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.scheduleWithFixedDelay(this::recheckDue, properties.poll());
    }

    /** Whether the attempt loop may send to {@code model}. */
    public boolean isAvailable(String model) {
        return !gone.containsKey(model);
    }

    /**
     * Gemini answered 404 NOT_FOUND for a generation request to {@code model}: it is skipped from now on,
     * and looked up again after the re-check interval.
     */
    void markUnavailable(String model, String reason) {
        Instant now = clock.instant();
        Gone before = gone.putIfAbsent(
                model, new Gone(reason, now, checked.get(model), now.plus(properties.recheckInterval())));
        if (before == null) {
            log.error(
                    "Gemini no longer serves the model {}. {} Requests go to the next model of the pool, if any; "
                            + "it is looked up again every {}. {}",
                    model,
                    sentence(reason),
                    properties.recheckInterval(),
                    whatToSet(model));
        }
    }

    /**
     * Looks up the unavailable models whose re-check is due: the free models.get call, never a generation.
     * Each on a thread of its own, so that a slow Google (up to the call timeout) holds neither the shared
     * scheduler nor another model's look-up; a model is looked up by one thread at a time.
     */
    void recheckDue() {
        Instant now = clock.instant();
        for (Map.Entry<String, Gone> entry : gone.entrySet()) {
            String model = entry.getKey();
            if (!entry.getValue().nextCheckAt().isAfter(now) && checking.add(model)) {
                Thread.ofVirtual().name("model-recheck-" + model).start(() -> {
                    try {
                        check(model);
                    } catch (RuntimeException e) {
                        log.warn("Re-check of the Gemini model {} failed: {}", model, e.toString());
                    } finally {
                        checking.remove(model);
                    }
                });
            }
        }
    }

    /**
     * Looks up every unavailable model now, without waiting for its re-check: for tests that share one
     * service, so that a model one test made Gemini refuse does not stay refused for the next.
     */
    public void recheckNow() {
        for (String model : List.copyOf(gone.keySet())) {
            check(model);
        }
    }

    /**
     * Asks Gemini whether it knows {@code model}. Found: available (again). 404: unavailable. Anything
     * else (network, 5xx, a bad key) says nothing about the model: its state stays as it was.
     */
    void check(String model) {
        Instant now = clock.instant();
        try {
            lookUp.find(model);
            checked.put(model, now);
            if (gone.remove(model) != null) {
                log.warn("Gemini serves the model {} again; requests go to it again", model);
            } else {
                log.info("Gemini model {} is available", model);
            }
        } catch (ApiException e) {
            checked.put(model, now);
            if (e.code() == 404) {
                String reason = errors.classify(e).getMessage();
                Gone before = gone.get(model);
                gone.put(
                        model,
                        new Gone(
                                before == null ? reason : before.reason(),
                                before == null ? now : before.since(),
                                now,
                                now.plus(properties.recheckInterval())));
                if (before == null) {
                    log.error(
                            "Gemini does not serve the configured model {}. {} It is not used until a look-up "
                                    + "finds it (every {}). {}",
                            model,
                            sentence(reason),
                            properties.recheckInterval(),
                            whatToSet(model));
                } else {
                    log.info(
                            "Gemini still does not serve the model {}; next look-up in {}",
                            model,
                            properties.recheckInterval());
                }
            } else {
                log.warn(
                        "Could not look up the Gemini model {} ({} {}); its state is unchanged",
                        model,
                        e.code(),
                        e.status());
                postpone(model, now);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Could not look up the Gemini model {}: {}; its state is unchanged",
                    model,
                    errors.classify(e).getMessage());
            postpone(model, now);
        }
    }

    /** A look-up that said nothing: try again after the interval, not at every poll. */
    private void postpone(String model, Instant now) {
        gone.computeIfPresent(
                model, (name, g) -> new Gone(g.reason(), g.since(), now, now.plus(properties.recheckInterval())));
    }

    /** Every model of the pool, in the order they are tried. */
    public List<View> state() {
        List<View> views = new ArrayList<>(models.size());
        for (String model : models) {
            Gone g = gone.get(model);
            views.add(
                    g == null
                            ? new View(model, "AVAILABLE", null, null, null, checked.get(model), null)
                            : new View(
                                    model,
                                    "UNAVAILABLE",
                                    g.reason(),
                                    whatToSet(model),
                                    g.since(),
                                    g.checkedAt(),
                                    g.nextCheckAt()));
        }
        return views;
    }

    /**
     * The failure of a turn that no model of the pool can take because Gemini does not serve them: says
     * which, in Gemini's words, and what to set.
     */
    GeminiFailure noneAvailable() {
        StringBuilder message = new StringBuilder("No configured Gemini model is available.");
        Instant next = null;
        for (String model : models) {
            Gone g = gone.get(model);
            if (g != null) {
                message.append(' ')
                        .append(model)
                        .append(": ")
                        .append(sentence(g.reason()))
                        .append(' ')
                        .append(whatToSet(model));
                next = next == null || g.nextCheckAt().isBefore(next) ? g.nextCheckAt() : next;
            }
        }
        message.append(" The models are looked up again every ")
                .append(humane(properties.recheckInterval()))
                .append(".");
        Duration retryAfter = next == null ? Duration.ofMinutes(1) : Duration.between(clock.instant(), next);
        return new GeminiFailure(
                GeminiFailure.Kind.MODEL_UNAVAILABLE,
                404,
                message.toString(),
                retryAfter.isNegative() || retryAfter.isZero() ? Duration.ofSeconds(1) : retryAfter,
                null);
    }

    /** The setting that names {@code model}: the primary's, or its place among the fallback models. */
    String whatToSet(String model) {
        int index = models.indexOf(model);
        if (index <= 0) {
            return "Set GEMINI_MODEL (lisa.gemini.model) to a model your project can use"
                    + (model.equals(SUGGESTED) ? "." : ", e.g. " + SUGGESTED + ".");
        }
        return "Change or remove lisa.quota.fallback-models[" + (index - 1) + "].name (now " + model + ").";
    }

    private static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }

    private static String humane(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
