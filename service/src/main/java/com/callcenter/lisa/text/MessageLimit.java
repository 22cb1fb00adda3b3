package com.callcenter.lisa.text;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * How long one message may be: a customer's message to Lisa, and each message of the human agent's conversation
 * relayed after a handoff (one limit for both, so that what the app lets its users type is accepted either way).
 *
 * @param maxMessageChars longest message accepted, in characters; longer ones are refused with 400
 *                        {@code message-too-long} before anything is stored or sent
 */
@ConfigurationProperties("lisa.chat")
public record MessageLimit(@DefaultValue("4000") int maxMessageChars) {

    public MessageLimit {
        Assert.isTrue(maxMessageChars >= 1, "lisa.chat.max-message-chars must be at least 1");
    }
}
