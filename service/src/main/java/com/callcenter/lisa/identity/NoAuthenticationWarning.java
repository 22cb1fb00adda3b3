package com.callcenter.lisa.identity;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** Repeats, while authentication is off, that it is off: a forgotten LISA_AUTH_MODE=none shows in every log. */
@Component
class NoAuthenticationWarning implements DisposableBean {

    static final String TEXT = "Authentication is OFF (LISA_AUTH_MODE=none): anyone who reaches the port may read, "
            + "end and list every session and spend the whole Gemini quota. Use it only in demo mode or behind a "
            + "gateway that authenticates; set LISA_AUTH_MODE=jwt, api-key or jwt,api-key otherwise.";

    private static final Logger log = LoggerFactory.getLogger(NoAuthenticationWarning.class);

    private final ScheduledExecutorService timer;

    NoAuthenticationWarning(AuthMode mode, AuthProperties properties) {
        if (mode.none()) {
            timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofVirtual().name("lisa-auth-warning").factory());
            long every = Math.max(1, properties.noneWarning().toMillis());
            timer.scheduleAtFixedRate(() -> log.warn(TEXT), every, every, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    @Override
    public void destroy() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
