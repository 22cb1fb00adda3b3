-- The call context a session was created with ({"customer": {...}, "campaign": {...}}, canonical JSON:
-- keys sorted, checked against the persona's schemas). The session's system instruction is rendered
-- from it and the persona on every turn, the same bytes each time. Null for sessions created before.
alter table session add column context varchar(100000);
