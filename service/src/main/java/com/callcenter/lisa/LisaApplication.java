package com.callcenter.lisa;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The call-center backend: many isolated sales conversations with Lisa, whose words come from Gemini.
 *
 * <p>Packages follow the flow of one chat turn: {@code web} (HTTP API) → {@code chat} (one turn) →
 * {@code gemini} (the upstream) → {@code session} (the stored conversation). {@code persona} holds
 * Lisa's system prompts and {@code health} the health view.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class LisaApplication {

    /** The one source of "now", so tests can move time instead of waiting for it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    public static void main(String[] args) {
        SpringApplication.run(LisaApplication.class, args);
    }
}
