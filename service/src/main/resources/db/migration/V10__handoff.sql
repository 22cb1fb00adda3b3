-- A human agent takes a call over from Lisa and may hand it back. One row per handoff of a session
-- (a call can be taken over, resumed and taken over again); the open one has no resumed_at. The
-- session's status says whether it is handed off now ('HANDED_OFF'); this keeps why, when and by whom.
create table handoff (
    session_id     uuid                     not null references session (id) on delete cascade,
    handoff_number integer                  not null,
    reason         varchar(1000)            not null,
    handed_off_by  varchar(16)              not null,
    handed_off_at  timestamp with time zone not null,
    after_turn     integer                  not null,
    resumed_at     timestamp with time zone,
    primary key (session_id, handoff_number)
);

-- What the human agent and the customer said while a human had the call: no Gemini call, no reply,
-- so not a turn. after_turn is the number of turns the session had stored when the message was
-- stored: it places the message between turns (after turn after_turn, before the next one), and
-- message_number keeps the order within that place. Both only grow, so the history only grows at its
-- end and what Gemini is sent later starts with what it was sent before.
create table session_message (
    session_id     uuid                     not null references session (id) on delete cascade,
    message_number integer                  not null,
    after_turn     integer                  not null,
    author         varchar(16)              not null,
    content        varchar(1000000)         not null,
    created_at     timestamp with time zone not null,
    primary key (session_id, message_number)
);
