-- Who a session belongs to, taken from the credential that created it (never from the request).
-- Sessions stored before authentication existed belong to tenant 'default' and to no owner (null):
-- only supervisors of 'default' and admins see them, no agent does; with LISA_AUTH_MODE=none
-- every session is created this way.
alter table session add column tenant varchar(128) default 'default' not null;
alter table session add column owner varchar(256);

-- The listing (newest first, keyset pagination): an agent's own sessions, a supervisor's tenant.
create index session_tenant_owner_created on session (tenant, owner, created_at, id);
create index session_tenant_created on session (tenant, created_at, id);
-- an admin's listing over every tenant
create index session_created on session (created_at, id);

-- API keys for server-side clients. Only the SHA-256 of a key is stored: the key is 256 random bits,
-- so a hash cannot be reversed by guessing, and a lookup by hash is one indexed read per request.
create table api_key (
    id           uuid                     primary key,
    key_hash     varchar(64)              not null unique,
    tenant       varchar(128)             not null,
    name         varchar(128)             not null,
    roles        varchar(256)             not null,
    created_at   timestamp with time zone not null,
    last_used_at timestamp with time zone,
    revoked_at   timestamp with time zone
);
