package com.callcenter.lisa.quota;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Gemini's own "minute": the rolling window over which Google counts the per-minute limits, 60 s.
 * {@code lisa.quota.window} may never be shorter. Only a test (or a demo) against the project's
 * emulator started with a shorter minute ({@code --quota-window-ms}) sets it lower, so that load
 * against a saturated quota takes seconds instead of minutes while every rule stays the same.
 *
 * @param geminiMinute {@code lisa.quota.gemini-minute}; leave it at 60 s against Google
 */
@ConfigurationProperties("lisa.quota")
public record GeminiMinuteProperties(@DefaultValue("60s") Duration geminiMinute) {

    public GeminiMinuteProperties {
        if (geminiMinute.isNegative() || geminiMinute.isZero()) {
            throw new IllegalArgumentException("lisa.quota.gemini-minute must be positive: " + geminiMinute);
        }
    }
}
