package com.callcenter.lisa.emulator;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Standalone entry point: {@code java -jar emulator/target/gemini-emulator.jar --port 8089 [--rpm
 * N] [--tpm N] [--rpd N] [--quota-window-ms N] [--latency-ms A[-B]] [--chunk-gap-ms N]
 * [--stamp-chunks] [--models a,b] [--host H] [--api-key K]}. Prints one line with the URL and the settings, then serves until the process is
 * stopped.
 */
public final class EmulatorMain {

    static final int DEFAULT_PORT = 8089;

    static final String USAGE = """
      usage: java -jar gemini-emulator.jar [--port N] [--host H] [--api-key K] [--models a,b]
                                           [--rpm N] [--tpm N] [--rpd N] [--quota-window-ms N]
                                           [--latency-ms A[-B]] [--chunk-gap-ms N] [--stamp-chunks]
        --port          TCP port, 0 = any free port (default 8089)
        --host          address to bind (default 127.0.0.1)
        --api-key       the accepted API key (default emulator-key)
        --models        comma-separated model names to serve (default: any name)
        --rpm/--tpm/--rpd  requests/minute, input tokens/minute, requests/day per model (default off)
        --quota-window-ms  the "minute" of --rpm/--tpm: a rolling window of N ms (default 60000)
        --latency-ms    wait before the first byte: fixed A, or uniform between A and B
        --chunk-gap-ms  pause between streamed chunks (default 0)
        --stamp-chunks  start each streamed chunk's text with "[emu-t=<System.nanoTime()>] "
      Gemini 3 (model rules come from model-profiles.json):
        --retired M[:new-users]  M answers Google's 404 (repeatable); :new-users for the
                                 "no longer available to new users" form
        --require-signatures     400 when a model functionCall part comes back without the
                                 thoughtSignature the emulator gave it (Gemini 3 models)
        --cache-min-tokens N     smallest prompt prefix reported as cached, all models
                                 (default: each model's profile, 4096 for Gemini 3)
        --cache-window-s N       how long a prompt prefix stays cached (default 300)\
      """;

    private EmulatorMain() {}

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        EmulatorConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gemini-emulator: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        GeminiEmulator emulator;
        try {
            emulator = GeminiEmulator.start(config);
        } catch (IOException e) {
            System.err.println(
                    "gemini-emulator: cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "emulator-shutdown"));
        System.out.println(startLine(emulator) + modelRulesLine(config.modelRules()));
        // the JDK server's dispatcher thread is not a daemon: the process serves until it is stopped
    }

    /**
     * The settings from the command line, on top of {@link EmulatorConfig#defaults()} and port 8089.
     */
    static EmulatorConfig parse(String... args) {
        EmulatorConfig config = EmulatorConfig.defaults().withPort(DEFAULT_PORT);
        Quota quota = Quota.NONE;
        Duration quotaWindow = Quota.GEMINI_MINUTE;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--stamp-chunks")) { // a flag: takes no value
                config = config.withStampChunks(true);
                continue;
            }
            if (option.equals("--require-signatures")) { // a flag: takes no value
                config = config.withModelRules(config.modelRules().withRequireSignatures(true));
                continue;
            }
            String value;
            int eq = option.indexOf('=');
            if (option.startsWith("--") && eq > 0) { // --port=8089
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + option);
                }
                value = args[++i];
            }
            switch (option) {
                case "--port" -> config = config.withPort(integer(option, value));
                case "--host" -> config = config.withHost(value);
                case "--api-key" -> config = config.withApiKey(value);
                case "--models" -> config = config.withModels(models(value));
                case "--rpm" ->
                    quota = new Quota(integer(option, value), quota.inputTokensPerMinute(), quota.requestsPerDay());
                case "--tpm" ->
                    quota = new Quota(quota.requestsPerMinute(), number(option, value), quota.requestsPerDay());
                case "--rpd" ->
                    quota = new Quota(quota.requestsPerMinute(), quota.inputTokensPerMinute(), integer(option, value));
                case "--quota-window-ms" -> {
                    long window = number(option, value);
                    if (window == 0) {
                        throw new IllegalArgumentException(option + " must be positive");
                    }
                    quotaWindow = Duration.ofMillis(window);
                }
                case "--latency-ms" -> config = config.withLatency(latency(value));
                case "--chunk-gap-ms" -> config = config.withChunkGap(Duration.ofMillis(number(option, value)));
                case "--retired" -> {
                    var retired = Retirement.parse(value);
                    config = config.withModelRules(
                            config.modelRules().withRetired(retired.getKey(), retired.getValue()));
                }
                case "--cache-min-tokens" ->
                    config = config.withModelRules(config.modelRules().withCacheMinTokens(integer(option, value)));
                case "--cache-window-s" -> {
                    long seconds = number(option, value);
                    if (seconds == 0) {
                        throw new IllegalArgumentException(option + " must be positive");
                    }
                    config = config.withModelRules(config.modelRules().withCacheWindow(Duration.ofSeconds(seconds)));
                }
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return config.withQuota(quota.withWindow(quotaWindow));
    }

    /** One line: where it listens and with which settings. */
    static String startLine(GeminiEmulator emulator) {
        EmulatorConfig c = emulator.config();
        String key = c.apiKey().equals(EmulatorConfig.DEFAULT_API_KEY) ? c.apiKey() : "<as given>";
        String models = c.models().isEmpty()
                ? "any"
                : String.join(",", c.models().stream().sorted().toList());
        return "Gemini emulator listening on %s (/v1beta and /v1) api-key=%s models=%s rpm=%s tpm=%s rpd=%s%s latency=%s chunk-gap=%d ms%s"
                .formatted(
                        emulator.baseUrl(),
                        key,
                        models,
                        limit(c.quota().requestsPerMinute()),
                        limit(c.quota().inputTokensPerMinute()),
                        limit(c.quota().requestsPerDay()),
                        c.quota().window().equals(Quota.GEMINI_MINUTE)
                                ? ""
                                : " quota-window=" + c.quota().window().toMillis() + " ms",
                        c.latency(),
                        c.chunkGap().toMillis(),
                        c.stampChunks() ? " stamp-chunks" : "");
    }

    /** The Gemini 3 settings that differ from the defaults, for the end of the start line. */
    static String modelRulesLine(ModelRules rules) {
        StringBuilder line = new StringBuilder();
        rules.retired().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> line.append(" retired=")
                        .append(e.getKey())
                        .append(e.getValue() == Retirement.NEW_USERS ? ":new-users" : ""));
        if (rules.requireSignatures()) {
            line.append(" require-signatures");
        }
        if (rules.cacheMinTokens() > 0) {
            line.append(" cache-min-tokens=").append(rules.cacheMinTokens());
        }
        if (!rules.cacheWindow().equals(ModelRules.DEFAULT_CACHE_WINDOW)) {
            line.append(" cache-window=")
                    .append(rules.cacheWindow().toSeconds())
                    .append(" s");
        }
        return line.toString();
    }

    private static String limit(long value) {
        return value == 0 ? "off" : Long.toString(value);
    }

    private static Latency latency(String value) {
        String[] bounds = value.split("-", -1);
        if (bounds.length == 1) {
            return Latency.fixed(Duration.ofMillis(number("--latency-ms", bounds[0])));
        }
        if (bounds.length == 2) {
            return Latency.between(
                    Duration.ofMillis(number("--latency-ms", bounds[0])),
                    Duration.ofMillis(number("--latency-ms", bounds[1])));
        }
        throw new IllegalArgumentException("--latency-ms wants A or A-B (milliseconds), got " + value);
    }

    private static Set<String> models(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static int integer(String option, String value) {
        long n = number(option, value);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(option + " is too large: " + value);
        }
        return (int) n;
    }

    private static long number(String option, String value) {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new IllegalArgumentException(option + " must not be negative: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " wants a whole number, got " + value);
        }
    }
}
