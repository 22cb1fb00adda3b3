package com.callcenter.lisa.gemini;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * What each model costs: the dated prices of {@code gemini/prices.yml}, with the configuration's
 * overrides ({@code lisa.gemini.prices.[MODEL].input|cached-input|output}) applied on top as the price in
 * force from the start. A model without a price has an unknown cost ({@code null}), never 0: a cost of 0
 * would read as "free" in every sum and every budget.
 *
 * <p>Money is {@link BigDecimal} throughout: a session's cost is the sum of many small amounts, which
 * doubles would drift on.
 */
public final class PriceTable {

    private static final Logger log = LoggerFactory.getLogger(PriceTable.class);

    static final String RESOURCE = "gemini/prices.yml";

    /** Decimal places a stored cost keeps: prices of up to 6 decimals per million tokens stay exact. */
    public static final int COST_SCALE = 12;

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** A configuration override: any field left out keeps the table's price. */
    record Override(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {}

    /** A price as written in prices.yml. */
    record Listed(LocalDate since, BigDecimal input, BigDecimal cachedInput, BigDecimal output, String source) {}

    /** Each model's prices, oldest first. */
    private final Map<String, List<Price>> prices;

    private final Clock clock;

    PriceTable(Map<String, List<Price>> prices, Clock clock) {
        Map<String, List<Price>> sorted = new HashMap<>();
        prices.forEach((model, list) -> sorted.put(
                model, list.stream().sorted(Comparator.comparing(Price::since)).toList()));
        this.prices = Map.copyOf(sorted);
        this.clock = clock;
    }

    /** The table of prices.yml with the environment's overrides. */
    static PriceTable load(Environment environment, Clock clock) {
        Map<String, List<Listed>> listed = listed();
        Map<String, Override> overrides = Binder.get(environment)
                .bind("lisa.gemini.prices", Bindable.mapOf(String.class, Override.class))
                .orElse(Map.of());
        Map<String, List<Price>> prices = new LinkedHashMap<>();
        listed.forEach((model, list) -> prices.put(
                model,
                list.stream()
                        .map(p -> new Price(p.since(), p.input(), p.cachedInput(), p.output(), p.source()))
                        .toList()));
        overrides.forEach((model, override) -> prices.put(model, overridden(model, prices.get(model), override)));
        return new PriceTable(prices, clock);
    }

    private static Map<String, List<Listed>> listed() {
        try {
            List<PropertySource<?>> sources =
                    new YamlPropertySourceLoader().load(RESOURCE, new ClassPathResource(RESOURCE));
            ResolvableType type = ResolvableType.forClassWithGenerics(
                    Map.class,
                    ResolvableType.forClass(String.class),
                    ResolvableType.forClassWithGenerics(List.class, Listed.class));
            return new Binder(ConfigurationPropertySources.from(sources))
                    .bind("prices", Bindable.<Map<String, List<Listed>>>of(type))
                    .orElse(Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    /**
     * An override replaces the given fields of every dated price of the model (so a customer's own
     * contract price holds whatever the date), or is the model's only price when the table has none;
     * then all three fields are needed.
     */
    private static List<Price> overridden(String model, List<Price> listed, Override override) {
        String source = "configuration (lisa.gemini.prices.[" + model + "])";
        if (listed == null || listed.isEmpty()) {
            if (override.input() == null || override.cachedInput() == null || override.output() == null) {
                throw new IllegalStateException("lisa.gemini.prices.[" + model + "] needs input, cached-input and "
                        + "output: the price table has no price for " + model + " to fill in the rest");
            }
            return List.of(new Price(
                    LocalDate.of(2000, 1, 1), override.input(), override.cachedInput(), override.output(), source));
        }
        List<Price> result = new ArrayList<>();
        for (Price price : listed) {
            result.add(new Price(
                    price.since(),
                    override.input() != null ? override.input() : price.input(),
                    override.cachedInput() != null ? override.cachedInput() : price.cachedInput(),
                    override.output() != null ? override.output() : price.output(),
                    source + " over " + price.source()));
        }
        return result;
    }

    /** The price of {@code model} in force today (UTC), if the table has one. */
    public Optional<Price> price(String model) {
        return price(model, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    }

    Optional<Price> price(String model, LocalDate day) {
        List<Price> list = prices.get(model);
        if (list == null) {
            return Optional.empty();
        }
        Price inForce = null;
        for (Price price : list) {
            if (!price.since().isAfter(day)) {
                inForce = price;
            }
        }
        // A day before the first listed price: the first is the best known.
        return Optional.of(inForce != null ? inForce : list.getFirst());
    }

    /** Whether the table has a price for the model. */
    public boolean knows(String model) {
        return prices.containsKey(model);
    }

    /**
     * What one call cost, in USD, from Gemini's counts: uncached prompt tokens at the input price,
     * cached ones at the cached price, reply and thinking tokens at the output price.
     *
     * @return empty when the model has no price (unknown, not free)
     */
    public Optional<BigDecimal> cost(String model, TokenUsage usage) {
        return price(model).map(price -> {
            long uncached = Math.max(0, (long) usage.promptTokens() - usage.cachedTokens());
            BigDecimal perMillion = price.input()
                    .multiply(BigDecimal.valueOf(uncached))
                    .add(price.cachedInput().multiply(BigDecimal.valueOf(usage.cachedTokens())))
                    .add(price.output()
                            .multiply(BigDecimal.valueOf((long) usage.replyTokens() + usage.thoughtTokens())));
            // exactly divide(MILLION), without BigDecimal's general exact division (10x the time, 2-3 times a turn)
            return perMillion.movePointLeft(6).setScale(COST_SCALE, RoundingMode.HALF_UP);
        });
    }

    /**
     * The most a call can cost before it is sent, in micro-dollars (rounded up): its estimated input
     * tokens at the full input price (nothing assumed cached) and the reply cap at the output price.
     * Tokens × USD per million tokens is exactly micro-dollars. 0 for a model without a price.
     */
    public long estimateMicros(String model, int inputTokens, int maxOutputTokens) {
        return price(model)
                .map(price -> micros(price.input()
                        .multiply(BigDecimal.valueOf(inputTokens))
                        .add(price.output().multiply(BigDecimal.valueOf(maxOutputTokens)))))
                .orElse(0L);
    }

    /** What a call cost in micro-dollars (rounded up), from Gemini's counts; 0 for a model without a price. */
    public long actualMicros(String model, TokenUsage usage) {
        return cost(model, usage).map(usd -> micros(usd.multiply(MILLION))).orElse(0L);
    }

    private static long micros(BigDecimal micros) {
        return micros.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Warns once per model without a price: its cost will be reported as unknown. */
    void warnAboutUnpriced(List<String> models) {
        for (String model : models) {
            if (!knows(model)) {
                log.warn(
                        "No price for Gemini model {} in {} or lisa.gemini.prices.[{}]: the cost of its turns is "
                                + "reported as unknown (null), and the spend budget cannot count them",
                        model,
                        RESOURCE,
                        model);
            } else {
                Price price = price(model).orElseThrow();
                log.info(
                        "Price of {}: USD {} input, {} cached input, {} output per 1M tokens (since {}; {})",
                        model,
                        price.input(),
                        price.cachedInput(),
                        price.output(),
                        price.since(),
                        price.source());
            }
        }
    }
}
