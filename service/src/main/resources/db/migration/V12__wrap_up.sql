-- The wrap-up of a conversation for the CRM (package wrapup). A row is inserted PENDING in the same
-- transaction that ends a session with at least one turn (DELETE, expiry), so a wrap-up that is due
-- survives a restart. A worker claims a due row with a lease (lease_owner = the instance, lease_until),
-- the same SQL on H2 and PostgreSQL: a dead instance's claim frees when the lease runs out. The worker
-- renews the lease while its request waits for a background slot of the quota. Due times are written at
-- millisecond precision (never rounded up past the instant they are due). DONE rows hold the
-- result (JSON valid against the wrap-up schema); FAILED rows the reason. attempts counts Gemini answers.
create table wrap_up (
    session_id      uuid                     not null primary key references session (id) on delete cascade,
    state           varchar(16)              not null,
    result          varchar(100000),
    reason          varchar(2000),
    attempts        integer                  not null,
    created_at      timestamp with time zone not null,
    updated_at      timestamp with time zone not null,
    next_attempt_at timestamp with time zone not null,
    lease_owner     varchar(255),
    lease_until     timestamp with time zone
);

create index wrap_up_due on wrap_up (state, next_attempt_at);

-- The transactional outbox of the CRM webhook (LISA_WRAPUP_WEBHOOK_URL): a row per finished wrap-up,
-- inserted in the transaction that stores the result; delivered_at is set once the
-- receiver answered 2xx. Retries back off exponentially (next_attempt_at); claims are leases as above.
-- The receiver gets Idempotency-Key = session id, so an at-least-once repeat changes nothing there.
create table wrap_up_delivery (
    session_id      uuid                     not null primary key references session (id) on delete cascade,
    payload         varchar(100000)          not null,
    attempts        integer                  not null,
    created_at      timestamp with time zone not null,
    next_attempt_at timestamp with time zone not null,
    delivered_at    timestamp with time zone,
    last_error      varchar(2000),
    lease_owner     varchar(255),
    lease_until     timestamp with time zone
);

create index wrap_up_delivery_due on wrap_up_delivery (delivered_at, next_attempt_at);
