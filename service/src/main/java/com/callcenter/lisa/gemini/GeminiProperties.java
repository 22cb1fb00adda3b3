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
 * @param model          the model every turn uses ({@code GEMINI_MODEL})
 * @param timeout        the whole upstream call, streaming included; Gemini refuses deadlines under 10 s
 * @param maxConnections connections to the upstream, sized for the number of turns in flight
 * @param generation     sampling and thinking settings sent with every turn
 * @param safety         harm category → block threshold, e.g. {@code HARM_CATEGORY_HARASSMENT: BLOCK_ONLY_HIGH}
 * @param demo           start the built-in Gemini emulator and talk to it instead of Google ({@code LISA_DEMO})
 */
@ConfigurationProperties("lisa.gemini")
public record GeminiProperties(
        String apiKey,
        @DefaultValue("https://generativelanguage.googleapis.com") String baseUrl,
        @DefaultValue("v1beta") String apiVersion,
        @DefaultValue("gemini-2.5-flash-lite") String model,
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
     * @param temperature     unset = the model's default
     * @param maxOutputTokens caps the length (and cost) of one reply; thinking counts against it
     * @param thinkingLevel   {@code MINIMAL|LOW|MEDIUM|HIGH} for Gemini 3 models; unset = the model's default
     * @param thinkingBudget  thinking tokens for Gemini 2.5 models; unset = the model's default. Gemini
     *                        refuses a request that sets both this and {@code thinkingLevel}
     */
    public record Generation(
            Double temperature,
            @DefaultValue("1024") Integer maxOutputTokens,
            String thinkingLevel,
            Integer thinkingBudget) {
    }
}
