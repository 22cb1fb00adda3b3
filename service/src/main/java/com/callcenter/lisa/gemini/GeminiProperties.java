package com.callcenter.lisa.gemini;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the service reaches Gemini.
 *
 * @param apiKey         the Gemini API key ({@code GEMINI_API_KEY}); required unless {@code demo}
 * @param baseUrl        the API's base URL ({@code GEMINI_BASE_URL}), without the version
 * @param apiVersion     pinned, because SDK 2.x changed its default from v1beta to v1
 * @param model          the model every turn uses ({@code GEMINI_MODEL}); its rules are in {@code gemini/models.yml}
 * @param timeout        the whole upstream call, streaming included; Gemini refuses deadlines under 10 s
 * @param maxConnections connections to the upstream, sized for the number of turns in flight
 * @param generation     sampling and thinking settings sent with every turn, checked at start-up against
 *                       the rules of the primary and every fallback model ({@link GenerationPlan})
 * @param safety         harm category → block threshold, e.g. {@code HARM_CATEGORY_HARASSMENT: BLOCK_ONLY_HIGH}
 * @param demo           start the built-in Gemini emulator and talk to it instead of Google ({@code LISA_DEMO})
 */
@ConfigurationProperties("lisa.gemini")
public record GeminiProperties(
        String apiKey,

        @DefaultValue("https://generativelanguage.googleapis.com")
        String baseUrl,

        @DefaultValue("v1beta") String apiVersion,
        @DefaultValue("gemini-3.5-flash-lite") String model,
        @DefaultValue("30s") Duration timeout,
        @DefaultValue("64") int maxConnections,
        @DefaultValue Generation generation,
        Map<String, String> safety,
        @DefaultValue("false") boolean demo) {

    public GeminiProperties {
        safety = safety == null ? Map.of() : Map.copyOf(safety);
    }

    /** Never prints the key, whoever logs these settings. */
    @Override
    public String toString() {
        return "GeminiProperties[apiKey=" + (apiKey == null || apiKey.isBlank() ? "unset" : "[redacted]")
                + ", baseUrl=" + baseUrl + ", apiVersion=" + apiVersion + ", model=" + model + ", timeout=" + timeout
                + ", maxConnections=" + maxConnections + ", generation=" + generation + ", safety=" + safety
                + ", demo=" + demo + "]";
    }

    /**
     * Each model is sent only what it takes (see {@link GenerationPlan}): a setting a configured model
     * rejects stops the start, one it ignores is left out for it with a warning.
     *
     * @param temperature      unset = the model's default; ignored by gemini-3.5-flash-lite
     * @param maxOutputTokens  caps the length (and cost) of one reply; thinking counts against it
     * @param thinkingLevel    {@code MINIMAL|LOW|MEDIUM|HIGH}, sent to Gemini 3 models only; unset = the
     *                         model's default
     * @param thinkingBudget   thinking tokens, sent to Gemini 2.5 models only; unset = the model's default.
     *                         Both may be set when the primary and a fallback are of different families
     * @param topP             nucleus sampling; unset = the model's default; ignored by gemini-3.5-flash-lite
     * @param topK             unset = the model's default; ignored by gemini-3.5-flash-lite
     * @param frequencyPenalty unset = none; an error for gemini-3.5-flash-lite
     * @param presencePenalty  unset = none; an error for gemini-3.5-flash-lite
     */
    public record Generation(
            Double temperature,
            @DefaultValue("1024") Integer maxOutputTokens,
            String thinkingLevel,
            Integer thinkingBudget,
            Double topP,
            Integer topK,
            Double frequencyPenalty,
            Double presencePenalty) {}
}
