package com.callcenter.lisa.quota;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What each tenant (call center) is entitled to, by its name as the credential says it
 * ({@code lisa.tenants.<tenant>.weight}). Tenants not listed have weight 1.
 *
 * @param tenants by name
 */
@ConfigurationProperties("lisa")
public record TenantProperties(Map<String, Tenant> tenants) {

    public TenantProperties {
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
    }

    /**
     * @param weight the tenant's share of the Gemini quota when demand exceeds it, relative to the
     *               others: a tenant of weight 2 gets two slots for every one of a tenant of weight 1
     *               (while both have requests waiting). At least 1; default 1
     */
    public record Tenant(Integer weight) {

        public Tenant {
            if (weight != null && weight < 1) {
                throw new IllegalArgumentException("lisa.tenants.<tenant>.weight must be at least 1, not " + weight);
            }
        }
    }

    /** The weight of {@code tenant} in the round robin over tenants. */
    public int weight(String tenant) {
        Tenant configured = tenants.get(tenant);
        return configured == null || configured.weight() == null ? 1 : configured.weight();
    }
}
