-- Chat requests sent with an Idempotency-Key: a repeat of the key returns the stored turn instead of
-- asking Gemini again. A row is RUNNING while its turn is being taken (others with the key wait for
-- it) and DONE, pointing at the stored turn, from the same transaction that stores the turn. A failed
-- turn deletes its row, so a retry with the key runs anew. Rows are purged after lisa.chat.idempotency.ttl.
create table chat_request (
    session_id      uuid                     not null references session (id) on delete cascade,
    idempotency_key varchar(255)             not null,
    message_sha256  varchar(64)              not null,
    state           varchar(16)              not null,
    created_at      timestamp with time zone not null,
    lease_until     timestamp with time zone not null,
    turn_number     integer,
    total_tokens    integer,
    queue_wait_ms   bigint,
    attempts        integer,
    primary key (session_id, idempotency_key)
);

create index chat_request_created_at on chat_request (created_at);
