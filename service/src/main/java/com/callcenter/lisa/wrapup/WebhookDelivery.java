package com.callcenter.lisa.wrapup;

import com.callcenter.lisa.chat.ServiceInstance;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Delivers finished wrap-ups from the outbox (table wrap_up_delivery) to {@code LISA_WRAPUP_WEBHOOK_URL}: a POST
 * of the wrap-up with {@code Idempotency-Key} = the session id, until the receiver answers 2xx. A failed delivery
 * (an error status, no answer in time, no connection) is tried again after a wait that doubles each time, from
 * {@code base-delay} to {@code max-delay}; the outbox is in the database, so deliveries survive restarts. That is
 * at-least-once delivery: a receiver that answered 2xx while this instance died is sent the same wrap-up again,
 * with the same key, which it uses to take it once.
 *
 * <p>The URL's credentials ({@code user:secret@}) are sent as Basic authentication and never written to the log:
 * the log names the webhook by scheme, host, port and path only.
 */
@Component
class WebhookDelivery {

    private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);

    private final WrapUpStore store;
    private final WrapUpProperties.Webhook properties;
    private final Duration lease;
    private final Duration pollInterval;
    private final Clock clock;
    private final String instance;
    private final URI target;
    private final String authorization;
    private final String shownAs;
    private final HttpClient http;
    private final boolean enabled;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread thread;
    private volatile boolean running = true;

    WebhookDelivery(
            WrapUpStore store,
            WrapUpProperties properties,
            Clock clock,
            ServiceInstance instance,
            MeterRegistry metrics) {
        this.store = store;
        this.properties = properties.webhook();
        this.lease = properties.lease();
        this.pollInterval = properties.pollInterval();
        this.clock = clock;
        this.instance = instance.id();
        this.enabled = properties.enabled();
        String url = properties.webhook().url();
        if (url == null || url.isBlank()) {
            target = null;
            authorization = null;
            shownAs = null;
        } else {
            URI given = URI.create(url.strip());
            if (!"http".equals(given.getScheme()) && !"https".equals(given.getScheme())) {
                throw new IllegalStateException("LISA_WRAPUP_WEBHOOK_URL must be an http or https URL");
            }
            String userInfo = given.getRawUserInfo();
            authorization = userInfo == null
                    ? null
                    : "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(URLDecoder.decode(userInfo, StandardCharsets.UTF_8)
                                            .getBytes(StandardCharsets.UTF_8));
            try {
                target = new URI(
                        given.getScheme(),
                        null,
                        given.getHost(),
                        given.getPort(),
                        given.getPath(),
                        given.getQuery(),
                        null);
                shownAs = new URI(
                                given.getScheme(), null, given.getHost(), given.getPort(), given.getPath(), null, null)
                        .toString();
            } catch (URISyntaxException e) {
                throw new IllegalStateException("LISA_WRAPUP_WEBHOOK_URL is not a valid URL");
            }
        }
        this.http = HttpClient.newBuilder()
                .connectTimeout(this.properties.timeout())
                .build();
        Gauge.builder("lisa.wrapup.webhook.pending", pending, AtomicInteger::get)
                .description("Wrap-ups not yet delivered to the CRM webhook")
                .register(metrics);
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!enabled) {
            return;
        }
        if (target != null) {
            log.info("Wrap-ups are delivered to {}", shownAs);
            thread = Thread.ofVirtual().name("wrap-up-webhook").start(this::run);
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        WrapUpStore.stop(thread, () -> store.releaseDeliveryClaims(instance), log);
    }

    private void run() {
        while (running) {
            try {
                pending.set(store.pendingDeliveries());
                boolean worked = false;
                for (UUID sessionId : store.dueDeliveries(clock.instant(), 10)) {
                    Instant now = clock.instant();
                    Optional<WrapUpStore.Delivery> claimed =
                            store.claimDelivery(sessionId, instance, now, now.plus(lease));
                    if (claimed.isPresent()) {
                        deliver(claimed.get());
                        worked = true;
                    }
                }
                if (!worked) {
                    Thread.sleep(Math.min(
                            pollInterval.toMillis(), properties.baseDelay().toMillis()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Wrap-up webhook delivery failed, trying again in {}: {}", pollInterval, e.toString());
                try {
                    Thread.sleep(pollInterval);
                } catch (InterruptedException stopped) {
                    return;
                }
            }
        }
    }

    private void deliver(WrapUpStore.Delivery delivery) throws InterruptedException {
        int attempts = delivery.attempts() + 1;
        String error;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .timeout(properties.timeout())
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", delivery.sessionId().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                store.delivered(delivery.sessionId(), instance, attempts, clock.instant());
                pending.set(store.pendingDeliveries());
                return;
            }
            error = "HTTP " + response.statusCode();
        } catch (java.io.IOException e) {
            // Never the exception's message: it may quote the address.
            error = e instanceof java.net.http.HttpTimeoutException
                    ? "no answer within " + properties.timeout()
                    : "no connection (" + e.getClass().getSimpleName() + ")";
        }
        Duration wait = backoff(attempts);
        store.deliveryFailed(
                delivery.sessionId(), instance, attempts, error, clock.instant().plus(wait));
        log.warn(
                "Wrap-up of session {} not delivered to {} ({}), attempt {}; next in {}",
                delivery.sessionId(),
                shownAs,
                error,
                attempts,
                wait);
    }

    private Duration backoff(int attempts) {
        Duration wait = properties.baseDelay().multipliedBy(1L << Math.min(20, attempts - 1));
        return wait.compareTo(properties.maxDelay()) > 0 ? properties.maxDelay() : wait;
    }
}
