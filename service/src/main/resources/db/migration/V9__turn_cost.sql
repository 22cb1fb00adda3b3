-- What a turn cost (issue 11): Gemini's counts beyond prompt and reply tokens, and the cost by the price
-- table (gemini/prices.yml) when the turn was stored. cost_usd is null when the model had no price
-- (unknown, not free) and for turns stored before this migration. DECIMAL, not a float: a session's
-- cost is a sum of many small amounts. The same SQL on H2 and PostgreSQL.
alter table turn add column cached_tokens integer default 0 not null;
alter table turn add column thought_tokens integer default 0 not null;
alter table turn add column cost_usd numeric(20, 12);

-- The spend budget (lisa.quota.spend-per-10min) of the Google project, shared by every instance and
-- every model: micro-dollars charged per 10-second bucket (bucket_no = epoch microseconds / 10^7) and
-- the instant of the bucket's latest charge (epoch microseconds). See quota/DatabaseSpendLedger.
create table quota_spend (
    bucket_no    bigint primary key,
    micros       bigint not null,
    last_micros  bigint not null
);

-- The one row every spend decision locks (select ... for update), on both databases.
create table quota_spend_lock (
    id integer primary key
);
insert into quota_spend_lock (id) values (1);
