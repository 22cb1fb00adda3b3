-- Who holds a RUNNING request. A running turn renews its short lease (lisa.chat.idempotency.lease)
-- every lisa.chat.idempotency.renew-interval, so a dead instance's claim frees within one lease
-- instead of outliving the longest possible turn. instance_id (lisa.instance-id) lets a restarted
-- instance release its dead predecessor's claims at once; claim_id tells two claims of one key apart,
-- so that only the claim's own turn can mark it done or release it (never a later claim of the key).
-- Rows written before this migration have neither; they free when their lease runs out.
alter table chat_request add column instance_id varchar(255);
alter table chat_request add column claim_id uuid;

-- Serves the renewal and the start-up release: the RUNNING rows of one instance.
create index chat_request_instance_state on chat_request (instance_id, state);
