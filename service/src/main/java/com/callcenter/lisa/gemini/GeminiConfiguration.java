package com.callcenter.lisa.gemini;

import com.callcenter.lisa.emulator.EmulatorConfig;
import com.callcenter.lisa.emulator.GeminiEmulator;
import com.callcenter.lisa.emulator.Latency;
import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The one shared SDK client, and in demo mode the emulator it talks to. */
@Configuration(proxyBeanMethods = false)
class GeminiConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GeminiConfiguration.class);

    @Bean
    GeminiEndpoint geminiEndpoint(GeminiProperties properties) {
        if (properties.demo()) {
            GeminiEmulator emulator = startDemoEmulator();
            log.warn(
                    "DEMO MODE: Lisa's replies come from the built-in Gemini emulator at {}, not from Google. "
                            + "Set GEMINI_API_KEY and leave LISA_DEMO unset for real replies.",
                    emulator.baseUrl());
            return new GeminiEndpoint(emulator.baseUrl(), emulator.config().apiKey(), true, emulator);
        }
        if (properties.apiKey() == null || properties.apiKey().isBlank()) {
            throw new MissingApiKeyException();
        }
        log.info(
                "Gemini: model {} at {} (API {}), timeout {}",
                properties.model(),
                properties.baseUrl(),
                properties.apiVersion(),
                properties.timeout());
        return new GeminiEndpoint(properties.baseUrl(), properties.apiKey(), false, null);
    }

    @Bean
    ModelTable modelTable() {
        return ModelTable.load();
    }

    /**
     * The generation settings checked against the primary and every fallback model: a setting one of
     * them rejects stops the start here (see {@link GenerationSettingsFailureAnalyzer}).
     */
    @Bean
    GenerationPlan generationPlan(GeminiProperties properties, ModelTable table, Environment environment) {
        GenerationPlan plan = GenerationPlan.check(properties, fallbackModelNames(environment), table);
        plan.warnings().forEach(log::warn);
        plan.rules()
                .values()
                .forEach(rules -> log.info(
                        "Gemini model {}: thinking by {}, {}",
                        rules.model(),
                        rules.thinking(),
                        rules.listed()
                                ? "rules from the model table"
                                : rules.known() ? "rules of its family " + rules.family() : "no rules known"));
        return plan;
    }

    /**
     * The fallback models' names, read from the quota settings by name: the quota package depends on
     * this one (it calls Gemini), so this one binds only the names rather than the quota's records.
     */
    private static List<String> fallbackModelNames(Environment environment) {
        return Binder.get(environment)
                .bind("lisa.quota.fallback-models", Bindable.listOf(FallbackModelName.class))
                .orElse(List.of())
                .stream()
                .map(FallbackModelName::name)
                .filter(name -> name != null && !name.isBlank())
                .toList();
    }

    /** Only the name of an entry of {@code lisa.quota.fallback-models}; its budget is the quota's business. */
    record FallbackModelName(String name) {}

    @Bean(destroyMethod = "close")
    Client geminiSdkClient(GeminiEndpoint endpoint, GeminiProperties properties) {
        HttpOptions http = HttpOptions.builder()
                .baseUrl(endpoint.baseUrl())
                .apiVersion(properties.apiVersion())
                .timeout(Math.toIntExact(properties.timeout().toMillis()))
                // We own retries and quota; the SDK's own retries would sleep on our threads,
                // ignore Gemini's retryDelay and spend quota behind the scheduler's back. With
                // attempts(1) alone, SDK 2.0.0 still sleeps one backoff before reporting a
                // 408/429/5xx; an empty list of retryable statuses removes that too.
                .retryOptions(HttpRetryOptions.builder()
                        .attempts(1)
                        .httpStatusCodes(List.of())
                        .build())
                .build();
        return Client.builder()
                .apiKey(endpoint.apiKey())
                .vertexAI(false)
                .httpOptions(http)
                // Our own OkHttp client (TCP_NODELAY, a pool for every connection in flight): see
                // GeminiTransport. The SDK still makes every call through it, adding its timeout.
                .clientOptions(ClientOptions.builder()
                        .customHttpClient(GeminiTransport.client(properties.maxConnections()))
                        .build())
                .build();
    }

    private static GeminiEmulator startDemoEmulator() {
        try {
            // A little latency so the demo feels like the real service.
            return GeminiEmulator.start(EmulatorConfig.defaults()
                    .withLatency(Latency.between(Duration.ofMillis(150), Duration.ofMillis(450)))
                    .withChunkGap(Duration.ofMillis(80)) // curl -N shows the reply arrive piece by piece
                    // Lisa quotes a price from the sample catalogue and books a callback on the demo CRM (README
                    // "Demo").
                    .withDemoAnswers(true));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the demo Gemini emulator", e);
        }
    }
}
