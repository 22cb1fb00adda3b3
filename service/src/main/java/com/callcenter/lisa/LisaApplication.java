package com.callcenter.lisa;

import com.callcenter.lisa.identity.ApiKeyCommand;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
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

    private static final Logger log = LoggerFactory.getLogger(LisaApplication.class);

    /** The one source of "now", so tests can move time instead of waiting for it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    public static void main(String[] args) {
        if (ApiKeyCommand.matches(args)) { // a command-line task, not the service
            System.exit(ApiKeyCommand.run(args, System.out, System.err));
        }
        VirtualThreadCarriers.applyDefault(); // before the first virtual thread: the JDK reads it once
        SpringApplication.run(LisaApplication.class, args);
    }

    @EventListener(ApplicationReadyEvent.class)
    void reportCarriers() {
        log.info(
                "Virtual threads run on {} carrier threads for {} cores ({} per core unless -D{} says otherwise)",
                VirtualThreadCarriers.inForce(),
                Runtime.getRuntime().availableProcessors(),
                VirtualThreadCarriers.PER_CORE,
                VirtualThreadCarriers.PARALLELISM);
    }
}
