package com.callcenter.lisa.demo;

import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The demo CRM, served in demo mode only: where the built-in sample Lisa's {@code book_callback} tool goes
 * (personas/lisa/demo-tools.yml, {@code lisa.personas.demo-crm-url}). It books nothing: it keeps the last bookings in
 * memory, answers as a CRM would ({@code booked}, a reference), and honours the tool call's {@code Idempotency-Key}
 * (the same key gets the same booking, never a second one). Not part of the API description.
 */
@Hidden
@RestController
@RequestMapping(path = "/demo/crm", produces = MediaType.APPLICATION_JSON_VALUE)
@ConditionalOnProperty(name = "lisa.gemini.demo", havingValue = "true")
class DemoCrmController {

    private static final Logger log = LoggerFactory.getLogger(DemoCrmController.class);
    /** Bookings kept: the demo shows the recent ones; older ones are forgotten so that memory stays bounded. */
    private static final int KEPT = 1000;

    /** One booking, as the demo CRM answers and lists it. */
    record Callback(
            String reference, String when, String topic, String sessionId, String idempotencyKey, Instant bookedAt) {}

    private final Clock clock;
    /** Idempotency-Key (or the reference, without one) to booking, oldest first; guarded by itself. */
    private final Map<String, Callback> bookings = new LinkedHashMap<>();

    private int numbered;

    DemoCrmController(Clock clock) {
        this.clock = clock;
    }

    @PostMapping(path = "/callbacks", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> book(
            @RequestBody JsonNode body, @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        JsonNode args = body.path("call").path("args");
        Callback callback;
        synchronized (bookings) {
            callback = key == null ? null : bookings.get(key);
            if (callback == null) {
                numbered++;
                String reference = "DEMO-CB-%04d".formatted(numbered);
                callback = new Callback(
                        reference,
                        args.path("when").asString(""),
                        args.path("topic").asString(""),
                        body.path("sessionId").asString(""),
                        key,
                        clock.instant());
                bookings.put(key == null ? reference : key, callback);
                if (bookings.size() > KEPT) {
                    bookings.remove(bookings.keySet().iterator().next());
                }
                log.info("Demo CRM: callback {} booked for session {}", reference, callback.sessionId());
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("booked", true);
        answer.put("reference", callback.reference());
        answer.put("when", callback.when());
        answer.put("note", "Demo CRM: nothing was really booked.");
        return answer;
    }

    /** The bookings kept, oldest first: what the demo's curl line shows. */
    @GetMapping("/callbacks")
    List<Callback> callbacks() {
        synchronized (bookings) {
            return new ArrayList<>(bookings.values());
        }
    }
}
