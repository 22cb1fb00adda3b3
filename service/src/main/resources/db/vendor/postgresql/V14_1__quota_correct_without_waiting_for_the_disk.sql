-- PostgreSQL only. A correction (Gemini's token count replacing the estimate) no longer waits for its WAL to reach
-- the disk: it runs after Gemini answered, on the turn's critical path, and with synchronous_commit = on (the server
-- default) that flush was one of the three a turn waited for (grant, correction, turn). What a crash of the server
-- itself could lose is the last few hundred milliseconds of corrections: those requests then count with their
-- estimate in the rolling minute instead of Gemini's count. The grant (which request was sent) and the turn (what
-- was answered) still wait for the disk. set_config(..., true) lasts to the end of this call's transaction, which is
-- its commit: the ledger calls it in a transaction of its own.
create or replace function quota_correct(p_model varchar, p_id bigint, p_tokens bigint)
returns void language plpgsql as $$
declare
    v_bucket bigint;
    v_old    bigint;
begin
    perform set_config('synchronous_commit', 'off', true);
    select bucket_no, input_tokens into v_bucket, v_old
    from quota_dispatch where id = p_id and model = p_model for update;
    if not found or v_bucket is null then
        return;
    end if;
    update quota_bucket set input_tokens = input_tokens + p_tokens - v_old
    where model = p_model and bucket_no = v_bucket;
    if found then
        update quota_dispatch set input_tokens = p_tokens where id = p_id and model = p_model;
    end if;
end
$$;
