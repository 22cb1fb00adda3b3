package com.callcenter.lisa.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxRequestSize bodies larger than this are refused with 413 before they are read
 * @param stream         the streaming (server-sent events) chat
 */
@ConfigurationProperties("lisa.web")
public record WebProperties(
        @DefaultValue("64KB") DataSize maxRequestSize,
        @DefaultValue Stream stream) {

    /**
     * @param keepAlive     an idle stream gets a comment line this often, so that proxies do not cut a long
     *                      queue wait, and so that a client that went away is noticed (a write fails) and
     *                      its request leaves the queue
     */
    public record Stream(@DefaultValue("10s") Duration keepAlive) {}
}
