-- (SQLite.) Keep in step with ../postgres/0008_recovery.sql: the same tables and columns;
-- only identity columns are spelled differently.

-- Re-evaluations and Art. 27 cancellation and recovery. Money is whole fen, dates ISO text,
-- times epoch milliseconds.

-- Every evaluation after the frozen one on `talents` (which stays as it was decided): a
-- change of facts (title, assessment, end) evaluated anew, with the reason and who.
create table talent_evaluations (
    id integer primary key,
    talent_id bigint not null references talents(id),
    seq bigint not null check (seq >= 1),
    policy_id text not null,
    policy_version text not null,
    facts text not null,
    report text not null,
    change_summary text not null,
    reason text not null,
    actor_id bigint not null references users(id),
    created_at bigint not null,
    unique (talent_id, seq)
);

-- 追回 (Art. 27): one per talent whose relation was ended for cause.
create table recoveries (
    id integer primary key,
    talent_id bigint not null unique references talents(id),
    org_id bigint not null references organisations(id),
    ended_on text not null,
    reason text not null,
    document text not null,
    -- the policy file's interpretation used (id and chosen reading)
    interpretation_id text not null,
    reading text not null,
    basis text not null,
    paid_fen bigint not null check (paid_fen >= 0),
    amount_fen bigint not null check (amount_fen >= 0),
    recovered_fen bigint not null default 0 check (recovered_fen >= 0 and recovered_fen <= amount_fen),
    cancelled_count bigint not null default 0,
    cancelled_fen bigint not null default 0,
    -- open | partially_recovered | settled
    status text not null check (status in ('open', 'partially_recovered', 'settled')),
    created_by bigint not null references users(id),
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1
);
create index recoveries_status on recoveries(status);

create table recovery_repayments (
    id integer primary key,
    recovery_id bigint not null references recoveries(id),
    paid_on text not null,
    amount_fen bigint not null check (amount_fen > 0),
    note text not null,
    posting_id bigint references fund_ledger(id),
    recorded_by bigint not null references users(id),
    recorded_at bigint not null
);
create index recovery_repayments_recovery on recovery_repayments(recovery_id, id);
