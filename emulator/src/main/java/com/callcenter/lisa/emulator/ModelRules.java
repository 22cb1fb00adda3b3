package com.callcenter.lisa.emulator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Start-up settings of the Gemini 3 behaviour: which models answer as retired, whether function-call
 * parts sent back must carry the emulator's thought signatures, and the implicit-cache settings. The
 * per-model request rules themselves are data ({@link ModelProfiles}, model-profiles.json). Tests can
 * change the first three at run time on {@link GeminiEmulator}; {@link GeminiEmulator#reset()} goes
 * back to these values.
 *
 * @param retired model id (without "models/") to how it answers
 * @param requireSignatures whether a request whose model function-call parts lack the signature the
 *     emulator gave them (or carry another one) is answered 400, as Gemini 3 does
 * @param cacheMinTokens smallest prefix reported as cached for every model; 0 = each model's profile
 *     value (4,096 for Gemini 3, 1,024/2,048 for 2.5)
 * @param cacheWindow how long a request's prompt prefix stays cacheable for later requests
 */
public record ModelRules(
        Map<String, Retirement> retired, boolean requireSignatures, int cacheMinTokens, Duration cacheWindow) {

    /** Google's implicit cache is reported to keep prefixes for minutes; five is our choice. */
    public static final Duration DEFAULT_CACHE_WINDOW = Duration.ofMinutes(5);

    /** Nothing retired, signatures not checked, the profiles' cache minimums, a 5-minute window. */
    public static final ModelRules DEFAULTS = new ModelRules(Map.of(), false, 0, DEFAULT_CACHE_WINDOW);

    public ModelRules {
        retired = Map.copyOf(Objects.requireNonNull(retired, "retired"));
        Objects.requireNonNull(cacheWindow, "cacheWindow");
        if (cacheMinTokens < 0) {
            throw new IllegalArgumentException("cacheMinTokens must not be negative");
        }
        if (cacheWindow.isNegative() || cacheWindow.isZero()) {
            throw new IllegalArgumentException("cacheWindow must be positive");
        }
    }

    public ModelRules withRetired(String model, Retirement how) {
        Map<String, Retirement> more = new java.util.HashMap<>(retired);
        more.put(model.startsWith("models/") ? model.substring("models/".length()) : model, how);
        return new ModelRules(more, requireSignatures, cacheMinTokens, cacheWindow);
    }

    public ModelRules withRequireSignatures(boolean on) {
        return new ModelRules(retired, on, cacheMinTokens, cacheWindow);
    }

    public ModelRules withCacheMinTokens(int tokens) {
        return new ModelRules(retired, requireSignatures, tokens, cacheWindow);
    }

    public ModelRules withCacheWindow(Duration window) {
        return new ModelRules(retired, requireSignatures, cacheMinTokens, window);
    }
}
