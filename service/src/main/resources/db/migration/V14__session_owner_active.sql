-- An owner's active sessions, counted when it opens one (its active-sessions limit): without this index H2 counted
-- through the status index, i.e. through every active session of every owner, on each new session (in the overhead
-- benchmark, with thousands of sessions open, that was most of what authentication seemed to cost on H2).
create index session_owner_active on session (tenant, owner, status, last_activity);
