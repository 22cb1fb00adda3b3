package com.callcenter.lisa.wrapup;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Wrap-ups for the CRM ({@code lisa.wrapup.*}).
 *
 * @param enabled       whether this instance makes wrap-ups and delivers them; when false, ended sessions still get
 *                      theirs due (PENDING), made once an instance with it on runs
 * @param model         the model that writes wrap-ups; empty = the primary ({@code lisa.gemini.model}). It must
 *                      be a model of the pool (primary or fallback): its quota is where the background slots come from
 * @param pollInterval  how often a worker looks for due wrap-ups besides being woken when a session ends here
 *                      (sessions ended by other instances, the session sweep: expiry and its catch-up, restarts)
 * @param lease         how long a claim on a wrap-up (or a delivery) holds without renewal; renewed while waiting
 * @param retryDelay    first wait before trying again after Gemini failed (doubles per failure, up to 32 times)
 * @param webhook       the CRM webhook
 */
@Validated
@ConfigurationProperties("lisa.wrapup")
public record WrapUpProperties(
        @DefaultValue("true") boolean enabled,
        String model,
        @NotNull @DefaultValue("2s") Duration pollInterval,
        @NotNull @DefaultValue("2m") Duration lease,
        @NotNull @DefaultValue("30s") Duration retryDelay,
        @Valid @DefaultValue Webhook webhook) {

    /**
     * @param url       where each wrap-up is POSTed ({@code LISA_WRAPUP_WEBHOOK_URL}); empty = no webhook. Credentials
     *                  in it ({@code https://user:secret@host/...}) are sent as Basic authentication, never logged
     * @param timeout   for one delivery
     * @param baseDelay first wait after a failed delivery; doubles per failure
     * @param maxDelay  longest wait between deliveries
     */
    public record Webhook(
            String url,
            @NotNull @DefaultValue("10s") Duration timeout,
            @NotNull @DefaultValue("1s") Duration baseDelay,
            @NotNull @DefaultValue("10m") Duration maxDelay) {}
}
