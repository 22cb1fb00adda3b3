package com.callcenter.lisa.handoff;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * How the human agent's conversation is taken in.
 *
 * @param repeatWindow a message of the human agent's conversation that repeats the session's last one (same
 *                     role, same words) within this time is taken for a double submit (a double click, a
 *                     retry after a dropped answer) and not stored again; 0 stores every repeat
 * @param maxReasonChars longest reason of a handoff, in characters
 */
@ConfigurationProperties("lisa.handoff")
public record HandoffProperties(
        @DefaultValue("10s") Duration repeatWindow,
        @DefaultValue("1000") int maxReasonChars) {

    public HandoffProperties {
        Assert.isTrue(!repeatWindow.isNegative(), "lisa.handoff.repeat-window must not be negative");
        Assert.isTrue(
                maxReasonChars >= 1 && maxReasonChars <= 1000,
                "lisa.handoff.max-reason-chars must be between 1 and 1000 (the store's column)");
    }
}
