package com.callcenter.lisa.support;

import java.time.Instant;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Gives the service a {@link MutableClock}, for tests that move time instead of waiting for it. */
@TestConfiguration
public class MovableTime {

    @Bean
    @Primary
    MutableClock testClock() {
        return new MutableClock(Instant.now());
    }
}
