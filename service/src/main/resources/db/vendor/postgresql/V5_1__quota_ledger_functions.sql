-- PostgreSQL only (Flyway location db/vendor/{vendor}): the quota ledger's grant and correction as
-- one round trip each. The portable path (DatabaseQuotaLedger's own statements, used on H2) runs the
-- same statements one by one under the model's row lock; in production that lock would be held across
-- four round trips per grant, which under load serialises every turn of the model behind the network
-- and the scheduler. Here the lock is held only while PostgreSQL runs these few statements itself.
-- Each statement of a PL/pgSQL function takes a new snapshot under READ COMMITTED, so the reads after
-- the lock see what the previous holder committed, exactly as the portable path's statements do.
-- The decision is QuotaRules.fitAtOnce on the totals QuotaRules.usage computes: the same verdict as
-- the portable path (a bucket of several requests counts its first one at first_micros, the others
-- and all its tokens at last_micros; a lone request at last_micros).

-- Grants one request if every budget (0 = none) allows it: records it in its bucket, in the
-- model's day count and as a quota_dispatch row, and returns that row's id; returns null if refused,
-- having changed nothing.
create or replace function quota_try_acquire(p_model varchar, p_micros bigint, p_bucket bigint,
                                             p_first_bucket bigint, p_window_micros bigint, p_day date, p_tokens bigint,
                                             p_rpm bigint, p_tpm bigint, p_rpd bigint, p_sent_at timestamptz)
returns bigint language plpgsql as $$
declare
    v_day      date;
    v_today    bigint;
    v_start    bigint := p_micros - p_window_micros;
    v_requests bigint := 0;
    v_tokens   bigint := 0;
    v_id       bigint;
begin
    select pacific_day, requests_today into v_day, v_today from quota_model where model = p_model for update;
    if not found then
        raise exception 'The quota_model row of % is missing', p_model;
    end if;
    if v_day is null or v_day < p_day then
        v_today := 0; -- the row still counts an earlier day
    end if;
    if p_rpm > 0 or p_tpm > 0 then
        select coalesce(sum(case
                       when requests >= 2 then (case when first_micros > v_start then 1 else 0 end)
                                             + (case when last_micros > v_start then requests - 1 else 0 end)
                       when requests = 1 and last_micros > v_start then 1
                       else 0 end), 0),
               coalesce(sum(case when (requests >= 1 or input_tokens > 0) and last_micros > v_start
                                 then input_tokens else 0 end), 0)
        into v_requests, v_tokens
        from quota_bucket where model = p_model and bucket_no >= p_first_bucket;
    end if;
    if not ((p_rpm = 0 or v_requests + 1 <= p_rpm)
            and (p_tpm = 0 or v_tokens + least(p_tokens, p_tpm) <= p_tpm)
            and (p_rpd = 0 or v_today + 1 <= p_rpd)) then
        return null;
    end if;
    update quota_bucket
    set requests = requests + 1, input_tokens = input_tokens + p_tokens,
        first_micros = case when requests > 0 and first_micros < p_micros then first_micros else p_micros end,
        last_micros = case when requests > 0 and last_micros > p_micros then last_micros else p_micros end
    where model = p_model and bucket_no = p_bucket;
    if not found then
        insert into quota_bucket (model, bucket_no, requests, input_tokens, first_micros, last_micros)
        values (p_model, p_bucket, 1, p_tokens, p_micros, p_micros);
    end if;
    update quota_model
    set pacific_day = case when v_day is not null and v_day > p_day then v_day else p_day end,
        requests_today = v_today + 1
    where model = p_model;
    insert into quota_dispatch (model, sent_at, bucket_no, input_tokens)
    values (p_model, p_sent_at, p_bucket, p_tokens)
    returning id into v_id;
    return v_id;
end
$$;

-- Replaces a granted request's input tokens by Gemini's count, in its row and in its bucket; nothing if
-- the request is unknown or purged. Locks the request's row, then its bucket (the order every ledger
-- transaction follows: request, model, bucket).
create or replace function quota_correct(p_model varchar, p_id bigint, p_tokens bigint)
returns void language plpgsql as $$
declare
    v_bucket bigint;
    v_old    bigint;
begin
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
