-- How many turns a wrap-up waits for before it is made: the session's turns when it was made due, or one more if a
-- turn of the session was being answered then (by Gemini, on the instance that ended or handed off the call). That
-- turn's message came before the end or the handoff, so the wrap-up is about it, but it is stored only once Gemini
-- has answered. 0 and anything up to the stored turns: no wait.
alter table wrap_up add column turns_awaited integer;
-- The wrap-ups made due before: only Lisa's own handoff (request_human, not resumed) waited, for the turn after the
-- one it came after.
update wrap_up set turns_awaited = coalesce(
    (select h.after_turn + 1 from handoff h
     where h.session_id = wrap_up.session_id and h.handed_off_by = 'TOOL' and h.resumed_at is null), 0);
alter table wrap_up alter column turns_awaited set not null;
