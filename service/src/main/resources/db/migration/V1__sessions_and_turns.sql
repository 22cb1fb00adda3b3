-- One row per conversation. The conversation itself lives in "turn": a session row is only
-- updated for its status and its turn counter, never rewritten with its history.
create table session (
    id            uuid                     primary key,
    persona       varchar(64)              not null,
    status        varchar(16)              not null,
    metadata      varchar(20000)           not null,
    created_at    timestamp with time zone not null,
    last_activity timestamp with time zone not null,
    closed_at     timestamp with time zone,
    turn_count    integer                  not null
);

-- Finds idle active sessions to expire and closed ones to purge without scanning the table.
create index session_status_activity on session (status, last_activity);

-- A turn is the user's message and Lisa's reply, stored together in one row: a half turn cannot
-- exist, and storing a turn is one insert however long the conversation is.
create table turn (
    session_id     uuid                     not null references session (id) on delete cascade,
    turn_number    integer                  not null,
    user_message   varchar(1000000)         not null,
    received_at    timestamp with time zone not null,
    reply          varchar(1000000)         not null,
    replied_at     timestamp with time zone not null,
    finish_reason  varchar(64)              not null,
    model          varchar(128)             not null,
    prompt_tokens  integer                  not null,
    reply_tokens   integer                  not null,
    primary key (session_id, turn_number)
);
