-- How many turns a wrap-up waits for before it is made: the session's turns when it was made due, or one more if a
-- turn of the session was being answered then (by Gemini, on the instance that ended or handed off the call). That
-- turn's message came before the end or the handoff, so the wrap-up is about it, but it is stored only once Gemini
-- has answered. Null: made due before this column existed (then only Lisa's own handoff waits, as before).
alter table wrap_up add column turns_awaited integer;
