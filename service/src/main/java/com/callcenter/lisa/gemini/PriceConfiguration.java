package com.callcenter.lisa.gemini;

import com.callcenter.lisa.quota.QuotaProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The price table, and at start-up a warning for every model of the pool it has no price for. */
@Configuration(proxyBeanMethods = false)
class PriceConfiguration {

    @Bean
    PriceTable priceTable(
            Environment environment,
            Clock clock,
            QuotaProperties quota,
            @Value("${lisa.gemini.model:gemini-2.5-flash-lite}") String primaryModel) {
        PriceTable table = PriceTable.load(environment, clock);
        List<String> models = new ArrayList<>();
        models.add(primaryModel);
        quota.fallbackModels().forEach(fallback -> models.add(fallback.name()));
        table.warnAboutUnpriced(models);
        return table;
    }
}
