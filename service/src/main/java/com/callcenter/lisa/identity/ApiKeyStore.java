package com.callcenter.lisa.identity;

import com.callcenter.lisa.limits.OwnerLimits;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** API keys in the database (table {@code api_key}); the same SQL on H2 and PostgreSQL. */
@Repository
class ApiKeyStore {

    private static final String COLUMNS = "id, tenant, name, roles, max_active_sessions, sessions_per_minute,"
            + " messages_per_minute, created_at, last_used_at, revoked_at";

    private final JdbcClient jdbc;

    ApiKeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(ApiKey key, String hash) {
        OwnerLimits limits = key.limits();
        jdbc.sql("insert into api_key (id, key_hash, tenant, name, roles, max_active_sessions, sessions_per_minute,"
                        + " messages_per_minute, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        key.id(),
                        hash,
                        key.tenant(),
                        key.name(),
                        roles(key.roles()),
                        limits.activeSessions(),
                        limits.sessionsPerMinute(),
                        limits.messagesPerMinute(),
                        utc(key.createdAt()))
                .update();
    }

    /** Replaces a key's limits (revoked or not). @return the key as it is now, empty if there is no such key */
    Optional<ApiKey> changeLimits(UUID id, OwnerLimits limits) {
        int changed = jdbc.sql("update api_key set max_active_sessions = ?, sessions_per_minute = ?,"
                        + " messages_per_minute = ? where id = ?")
                .params(limits.activeSessions(), limits.sessionsPerMinute(), limits.messagesPerMinute(), id)
                .update();
        return changed == 0
                ? Optional.empty()
                : jdbc.sql("select " + COLUMNS + " from api_key where id = ?")
                        .param(id)
                        .query(ApiKeyStore::key)
                        .optional();
    }

    Optional<ApiKey> findByHash(String hash) {
        return jdbc.sql("select " + COLUMNS + " from api_key where key_hash = ?")
                .param(hash)
                .query(ApiKeyStore::key)
                .optional();
    }

    /** Every key, or a tenant's, newest first. */
    List<ApiKey> list(String tenant) {
        return tenant == null
                ? jdbc.sql("select " + COLUMNS + " from api_key order by created_at desc, id")
                        .query(ApiKeyStore::key)
                        .list()
                : jdbc.sql("select " + COLUMNS + " from api_key where tenant = ? order by created_at desc, id")
                        .param(tenant)
                        .query(ApiKeyStore::key)
                        .list();
    }

    /** Revokes a key; a revoked one keeps its first revocation time. */
    boolean revoke(UUID id, Instant at) {
        jdbc.sql("update api_key set revoked_at = ? where id = ? and revoked_at is null")
                .params(utc(at), id)
                .update();
        return jdbc.sql("select count(*) from api_key where id = ?")
                        .param(id)
                        .query(Integer.class)
                        .single()
                == 1;
    }

    /** Records a use unless one was recorded since {@code notBefore}: at most one write per interval. */
    void recordUse(UUID id, Instant at, Instant notBefore) {
        jdbc.sql("update api_key set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)")
                .params(utc(at), id, utc(notBefore))
                .update();
    }

    private static String roles(Set<Role> roles) {
        return roles.stream().map(Role::claimValue).sorted().collect(Collectors.joining(","));
    }

    private static ApiKey key(ResultSet rs, int row) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(rs.getString("roles").split(","))
                .map(Role::fromClaim)
                .flatMap(Optional::stream)
                .forEach(roles::add);
        return new ApiKey(
                rs.getObject("id", UUID.class),
                rs.getString("tenant"),
                rs.getString("name"),
                roles,
                new OwnerLimits(
                        rs.getObject("max_active_sessions", Integer.class),
                        rs.getObject("sessions_per_minute", Integer.class),
                        rs.getObject("messages_per_minute", Integer.class)),
                instant(rs, "created_at"),
                instant(rs, "last_used_at"),
                instant(rs, "revoked_at"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
