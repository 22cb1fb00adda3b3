-- An API key's own limits (issue 12 point 5), set when it is created and changeable by an admin. A key stands
-- for a server that carries many conversations, so the token owners' defaults (lisa.limits.token) do not
-- apply to it: null = no limit of that kind, the default. Read with the key on each request (the same row the
-- key's hash is looked up in), so a change applies from the next request on, on every instance.
alter table api_key add column max_active_sessions integer;
alter table api_key add column sessions_per_minute integer;
alter table api_key add column messages_per_minute integer;
alter table api_key add constraint api_key_limits_positive check (
    (max_active_sessions is null or max_active_sessions > 0)
    and (sessions_per_minute is null or sessions_per_minute > 0)
    and (messages_per_minute is null or messages_per_minute > 0));
