package com.callcenter.lisa;

import com.callcenter.lisa.identity.ApiKeyCommand;
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
 * Lisa's system prompts, {@code health} the health view and {@code identity} who is calling.
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
        if (ApiKeyCommand.matches(args)) { // a command-line task, not the service
            System.exit(ApiKeyCommand.run(args, System.out, System.err));
        }
        SpringApplication.run(LisaApplication.class, args);
    }
}
