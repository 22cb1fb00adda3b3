package com.callcenter.lisa.quota;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

/** One lane per model of the pool (the primary first), all counting in one ledger. */
@Configuration(proxyBeanMethods = false)
class QuotaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(QuotaConfiguration.class);

    /** After a 429 lowered a budget, one more request per minute is tried after this much quiet. */
    private static final Duration RECOVERY = Duration.ofMinutes(10);

    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

    @Bean
    QuotaLedger quotaLedger(
            QuotaProperties properties,
            GeminiMinuteProperties gemini,
            DataSource dataSource,
            JdbcClient jdbc,
            TransactionTemplate transaction) {
        boolean database = switch (properties.ledger()) {
            case "memory" -> false;
            case "database" -> true;
            case "auto" -> isPostgres(dataSource);
            default ->
                throw new IllegalStateException(
                        "lisa.quota.ledger must be auto, memory or database, not '" + properties.ledger() + "'");
        };
        log.info(
                "Gemini quota counted {}",
                database ? "in the database: instances sharing it share the budget" : "in this process only");
        QuotaRules rules = new QuotaRules(properties.window(), gemini.geminiMinute());
        if (!database) {
            return new InMemoryQuotaLedger(rules);
        }
        DatabaseQuotaLedger ledger = new DatabaseQuotaLedger(jdbc, transaction, rules);
        if (properties.blockRequests() == 1) {
            return ledger;
        }
        log.info("Gemini quota taken from the database in blocks of up to {} requests", properties.blockRequests());
        return new BlockQuotaLedger(ledger, rules, properties.blockRequests());
    }

    /**
     * The project's spend record: in the database exactly when the quota ledger is (so instances that
     * share one budget share the other), in memory otherwise.
     */
    @Bean
    SpendLedger spendLedger(
            QuotaProperties properties, QuotaLedger quotaLedger, JdbcClient jdbc, TransactionTemplate transaction) {
        SpendRules rules = new SpendRules(properties.window().minus(QuotaRules.WINDOW));
        return switch (quotaLedger) {
            case BlockQuotaLedger blocks ->
                // Charged in blocks that last as long as the quota's: one database charge per block of calls.
                new BlockSpendLedger(
                        new DatabaseSpendLedger(jdbc, transaction, rules),
                        blocks.lifetime(),
                        properties.blockRequests());
            case DatabaseQuotaLedger alone -> new DatabaseSpendLedger(jdbc, transaction, rules);
            default -> new InMemorySpendLedger(rules);
        };
    }

    @Bean(destroyMethod = "close")
    QuotaScheduler quotaScheduler(
            QuotaProperties properties,
            @Value("${lisa.gemini.model:gemini-2.5-flash-lite}") String primaryModel,
            QuotaLedger ledger,
            SpendLedger spendLedger,
            Clock clock,
            MeterRegistry metrics,
            TenantProperties tenants) {
        SpendRules rules = new SpendRules(properties.window().minus(QuotaRules.WINDOW));
        SpendBudget spend = new SpendBudget(properties.spendPer10minMicros(), spendLedger, rules.window());
        if (spend.limited()) {
            log.info(
                    "Gemini spend budget: USD {} per rolling {} s, for all models together",
                    properties.spendPer10min(),
                    rules.window().toSeconds());
        }
        List<ModelLane> lanes = new ArrayList<>();
        lanes.add(lane(primaryModel, properties.budget(), properties, ledger, spend, clock, tenants));
        for (QuotaProperties.FallbackModel fallback : properties.fallbackModels()) {
            lanes.add(lane(fallback.name(), fallback.budget(), properties, ledger, spend, clock, tenants));
        }
        return new QuotaScheduler(lanes, properties.maxWait(), clock, metrics);
    }

    /** The database ledger keeps a row per request and per second; rows older than an hour are deleted now and then. */
    @Bean
    ApplicationRunner quotaLedgerPurge(
            QuotaLedger ledger, SpendLedger spendLedger, TaskScheduler scheduler, Clock clock) {
        return args -> {
            if (spendLedger instanceof BlockSpendLedger blocks) {
                scheduler.scheduleWithFixedDelay(() -> blocks.giveBackExpired(clock.instant()), blocks.lifetime());
            }
            DatabaseSpendLedger spend = switch (spendLedger) {
                case BlockSpendLedger blocks -> blocks.database();
                case DatabaseSpendLedger alone -> alone;
                default -> null;
            };
            if (spend != null) {
                purgeEvery(
                        scheduler,
                        "spend ledger",
                        () -> spend.purgeBefore(clock.instant().minus(DatabaseSpendLedger.RETENTION)));
            }
            if (ledger instanceof BlockQuotaLedger blocks) {
                // What a block did not use counts for the other instances within a second, even if no request follows.
                scheduler.scheduleWithFixedDelay(() -> blocks.giveBackExpired(clock.instant()), blocks.lifetime());
            }
            DatabaseQuotaLedger database = switch (ledger) {
                case BlockQuotaLedger blocks -> blocks.database();
                case DatabaseQuotaLedger alone -> alone;
                default -> null;
            };
            if (database != null) {
                purgeEvery(
                        scheduler,
                        "quota ledger",
                        () -> database.purgeBefore(clock.instant().minus(DatabaseQuotaLedger.RETENTION)));
            }
        };
    }

    /** Deletes a ledger's old rows every {@link #PURGE_INTERVAL}; a failed run is logged, and the next catches up. */
    private static void purgeEvery(TaskScheduler scheduler, String ledger, IntSupplier purge) {
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        log.debug("Purged {} old {} rows", purge.getAsInt(), ledger);
                    } catch (RuntimeException e) {
                        // the rows only cost space meanwhile
                        log.warn("Purging the {} failed: {}", ledger, e.toString());
                    }
                },
                PURGE_INTERVAL);
    }

    private static ModelLane lane(
            String model,
            QuotaProperties.Budget budget,
            QuotaProperties properties,
            QuotaLedger ledger,
            SpendBudget spend,
            Clock clock,
            TenantProperties tenants) {
        log.info(
                "Gemini quota for {}: {} requests/min, {} input tokens/min, {} requests/day (0 = unlimited)",
                model,
                budget.requestsPerMinute(),
                budget.inputTokensPerMinute(),
                budget.requestsPerDay());
        return new ModelLane(
                model,
                budget.toModelBudget(),
                ledger,
                clock,
                properties.maxQueue(),
                new AdaptiveLimit(budget.requestsPerMinute(), RECOVERY),
                tenants::weight,
                spend);
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the database to choose the quota ledger", e);
        }
    }
}
