-- PostgreSQL only. Quota in blocks (BlockQuotaLedger): an instance asks the shared ledger for a block of requests and
-- input tokens at once, hands them out to its own requests for a bucket's width (a second), and gives back what it did
-- not use with its next call. So the database decides once per block instead of once per request, and a correction of
-- Gemini's token count rides along with the next call instead of being a transaction of its own.
--
-- A block is recorded as sent at the end of its life (p_micros = when it was granted + its lifetime): its requests go
-- out between the grant and that moment, so they are counted in the window at least as long as Gemini counts them,
-- and every check made at or after the grant counts them (requests stamped after "now" count, QuotaRules). A block of
-- one request goes out at once: it is recorded as sent now (p_now_micros, in p_now_bucket), exactly as a single
-- grant of quota_try_acquire, with its own tokens only. A block
-- is granted only if its first request fits as a single request would (quota_try_acquire's rule), and it is never
-- larger than 1/p_share of what is left of any budget: near a limit blocks shrink to one request, so instances share
-- the rest as fairly as single grants do, and an instance that dies holding a block withholds little, for a minute.
--
-- p_owed_*: what the caller gives back first, per bucket and Pacific day of an earlier block: requests not used or
-- released (subtracted from the bucket's count and the day's), and the change of input tokens (unused tokens and
-- Gemini's counts replacing estimates; signed). Applied under the model's lock, before the decision, so that what
-- was given back counts for it. With p_requests = 0 the call only gives back.
--
-- Lock order as every ledger transaction: the model's row, then buckets.
create or replace function quota_grant_block(p_model varchar, p_micros bigint, p_bucket bigint, p_first_bucket bigint,
                                             p_window_micros bigint, p_now_micros bigint, p_now_bucket bigint,
                                             p_day date,
                                             p_first_tokens bigint, p_requests bigint, p_tokens bigint,
                                             p_rpm bigint, p_tpm bigint, p_rpd bigint, p_share bigint,
                                             p_owed_buckets bigint[], p_owed_days date[], p_owed_requests bigint[],
                                             p_owed_tokens bigint[])
returns table (granted_requests bigint, granted_tokens bigint) language plpgsql as $$
declare
    v_day      date;
    v_today    bigint;
    v_stored   bigint;
    v_start    bigint := p_now_micros - p_window_micros;
    v_requests bigint := 0;
    v_tokens   bigint := 0;
    v_n        bigint;
    v_t        bigint;
    v_stamp    bigint := p_micros;
    v_bucket   bigint := p_bucket;
    i          integer;
begin
    select pacific_day, requests_today into v_day, v_today from quota_model where model = p_model for update;
    if not found then
        raise exception 'The quota_model row of % is missing', p_model;
    end if;
    for i in 1 .. coalesce(array_length(p_owed_buckets, 1), 0) loop
        update quota_bucket
        set requests = greatest(0, requests - p_owed_requests[i]),
            input_tokens = greatest(0, input_tokens + p_owed_tokens[i]),
            -- Which requests are left is not recorded: all of them count as sent with the last (never earlier).
            first_micros = case when p_owed_requests[i] > 0 then last_micros else first_micros end
        where model = p_model and bucket_no = p_owed_buckets[i];
        if v_day is not null and p_owed_days[i] = v_day then
            v_today := greatest(0, v_today - p_owed_requests[i]);
        end if;
    end loop;
    v_stored := v_today; -- the count of the row's day, after what was given back
    if v_day is null or v_day < p_day then
        v_today := 0; -- the row still counts an earlier day
    end if;
    if p_requests > 0 and (p_rpm > 0 or p_tpm > 0) then
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
    if p_requests <= 0
            or not ((p_rpm = 0 or v_requests + 1 <= p_rpm)
                    and (p_tpm = 0 or v_tokens + least(p_first_tokens, p_tpm) <= p_tpm)
                    and (p_rpd = 0 or v_today + 1 <= p_rpd)) then
        if coalesce(array_length(p_owed_buckets, 1), 0) > 0 then
            update quota_model set requests_today = v_stored where model = p_model;
        end if;
        return query select 0::bigint, 0::bigint;
        return;
    end if;
    v_t := greatest(p_tokens, p_first_tokens);
    if p_tpm > 0 then
        v_t := least(v_t, (p_tpm - v_tokens) / p_share);
    end if;
    v_t := greatest(v_t, p_first_tokens);
    v_n := p_requests;
    if p_rpm > 0 then
        v_n := least(v_n, (p_rpm - v_requests) / p_share);
    end if;
    if p_rpd > 0 then
        v_n := least(v_n, (p_rpd - v_today) / p_share);
    end if;
    if p_first_tokens > 0 then
        v_n := least(v_n, v_t / p_first_tokens); -- no more requests than the tokens serve, each as large as the first
    end if;
    v_n := greatest(v_n, 1);
    if v_n = 1 then
        v_t := p_first_tokens;
        v_stamp := p_now_micros;
        v_bucket := p_now_bucket;
    end if;
    update quota_bucket
    set requests = requests + v_n, input_tokens = input_tokens + v_t,
        first_micros = case when requests > 0 and first_micros < v_stamp then first_micros else v_stamp end,
        last_micros = case when requests > 0 and last_micros > v_stamp then last_micros else v_stamp end
    where model = p_model and bucket_no = v_bucket;
    if not found then
        insert into quota_bucket (model, bucket_no, requests, input_tokens, first_micros, last_micros)
        values (p_model, v_bucket, v_n, v_t, v_stamp, v_stamp);
    end if;
    update quota_model
    set pacific_day = case when v_day is not null and v_day > p_day then v_day else p_day end,
        requests_today = v_today + v_n
    where model = p_model;
    return query select v_n, v_t;
end
$$;
