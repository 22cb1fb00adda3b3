-- Every turn sets its session's last_activity. With last_activity in two indexes, PostgreSQL could not update the
-- session row in place (a HOT update, which needs every indexed column unchanged): each turn wrote a new entry into
-- all six of the session's indexes, most of them on the right-most pages that every concurrent turn shares.
-- The indexes now hold activity_bucket instead: last_activity rounded down to 10 minutes (SessionStore.bucket), which a
-- turn changes at most once in 10 minutes. A query narrows by the bucket through the index and decides on the exact
-- last_activity, so what it finds is what it found before.
--
-- Invariant (kept by every statement that sets last_activity): last_activity - 10 minutes < activity_bucket <= last_activity.
-- A bucket equal to last_activity keeps it, so the rows stored before need no rounding here.
alter table session add column activity_bucket timestamp with time zone;
update session set activity_bucket = last_activity;
alter table session alter column activity_bucket set not null;

drop index session_status_activity;
create index session_status_activity on session (status, activity_bucket);

-- An owner's active sessions are counted through its open ones: nearly every open session is active (the sweep
-- expires the others within a minute), so a time in this index would narrow nothing and cost the same index writes.
drop index session_owner_active;
create index session_owner_active on session (tenant, owner, status);
