-- The quota ledger decides from per-second buckets instead of reading every request of the window, so
-- a decision reads at most the ~62 buckets a window touches whatever the budget (see QuotaRules).
-- One row per model and second that had requests: their count, input tokens, and the first and last
-- instant (epoch microseconds). Written under the model's lock by grants, and by corrections and
-- releases of one request. bucket_no = epoch microseconds / the bucket's width (QuotaRules: one second,
-- or a sixtieth of a test's shorter minute).
create table quota_bucket (
    model         varchar(128) not null,
    bucket_no     bigint       not null,
    requests      integer      not null,
    input_tokens  bigint       not null,
    first_micros  bigint       not null,
    last_micros   bigint       not null,
    primary key (model, bucket_no)
);

-- The day's count lives on the row every decision locks anyway: one read and one write per grant
-- instead of counting the day's requests.
alter table quota_model add column pacific_day date;
alter table quota_model add column requests_today integer default 0 not null;

-- A request still knows its bucket, for the correction of its tokens and its release. With the day's
-- count on quota_model, a quota_dispatch row is needed only until Gemini's answer corrects or releases
-- it: rows are now purged after an hour (DatabaseQuotaLedger.RETENTION), not after a day as V2 says.
alter table quota_dispatch add column bucket_no bigint;

-- Requests recorded before this migration keep counting: into their buckets and their model's latest
-- Pacific day (the same SQL on H2 and PostgreSQL), in buckets of a second (production's window).
update quota_dispatch set bucket_no = cast(floor(extract(epoch from sent_at)) as bigint);

insert into quota_bucket (model, bucket_no, requests, input_tokens, first_micros, last_micros)
select model, bucket_no, count(*), sum(input_tokens),
       cast(floor(min(extract(epoch from sent_at)) * 1000000) as bigint),
       cast(floor(max(extract(epoch from sent_at)) * 1000000) as bigint)
from quota_dispatch
group by model, bucket_no;

update quota_model set pacific_day = (
    select max(cast(d.sent_at at time zone 'America/Los_Angeles' as date))
    from quota_dispatch d where d.model = quota_model.model);

update quota_model set requests_today = (
    select count(*) from quota_dispatch d
    where d.model = quota_model.model
      and cast(d.sent_at at time zone 'America/Los_Angeles' as date) = quota_model.pacific_day);
