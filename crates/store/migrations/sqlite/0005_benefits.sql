-- (SQLite.) Keep in step with ../postgres/0005_benefits.sql: the same tables and columns;
-- only identity columns and triggers are spelled differently.

-- Benefits, the release gate and the special fund (Art. 13-15, 19, 27, 29).
-- Money is whole fen (bigint), dates ISO text, times epoch milliseconds.

-- 支付批次: installments paid together and exported together for the bank.
create table payment_batches (
    id integer primary key,
    number text not null unique,
    -- open | paid
    status text not null check (status in ('open', 'paid')),
    total_fen bigint not null default 0 check (total_fen >= 0),
    note text not null default '',
    created_by bigint not null references users(id),
    created_at bigint not null,
    paid_at bigint,
    version bigint not null default 1
);

-- What becomes due and when: one row per schedule entry of an entitlement with money in the
-- talent's frozen report (a lump sum is seq 1). The release gate (Art. 19) fills
-- assessment_ok, resolution_number (批复文号) and certificate_number (证明编号); the fund
-- approves (commitment) and pays (payment). The unique key makes scheduling idempotent.
create table installments (
    id integer primary key,
    talent_id bigint not null references talents(id),
    org_id bigint not null references organisations(id),
    benefit_code text not null,
    benefit_name text not null,
    article text not null,
    seq bigint not null,
    service_year bigint,
    due_on text not null,
    amount_fen bigint not null check (amount_fen >= 0),
    -- scheduled | approved | certified | paid | cancelled
    status text not null check (status in ('scheduled', 'approved', 'certified', 'paid', 'cancelled')),
    assessment_ok boolean,
    resolution_number text,
    approved_by bigint references users(id),
    approved_at bigint,
    certificate_number text,
    certified_at bigint,
    paid_at bigint,
    payment_batch_id bigint references payment_batches(id),
    cancelled_at bigint,
    cancel_reason text,
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1,
    unique (talent_id, benefit_code, seq)
);
create index installments_status on installments(status, due_on);
create index installments_org on installments(org_id);
create index installments_batch on installments(payment_batch_id);

-- 专项资金年度预算 (Art. 29), one per year, entered by finance.
create table fund_budgets (
    id integer primary key,
    year bigint not null unique,
    amount_fen bigint not null check (amount_fen >= 0),
    note text not null,
    entered_by bigint not null references users(id),
    entered_at bigint not null,
    version bigint not null default 1
);

-- The fund's ledger, double entry and append-only. A posting (budget | commitment | payment |
-- release_of_commitment | recovery) has legs on accounts (appropriation, available,
-- committed, paid) whose amounts sum to zero. The available balance of a year is the sum of
-- its legs on `available` = budget - open commitments - payments.
create table fund_ledger (
    id integer primary key,
    year bigint not null,
    at bigint not null,
    kind text not null check (kind in ('budget', 'commitment', 'payment', 'release_of_commitment', 'recovery')),
    installment_id bigint references installments(id),
    amount_fen bigint not null,
    actor_id bigint references users(id),
    memo text not null
);
create index fund_ledger_year on fund_ledger(year, id);
create index fund_ledger_installment on fund_ledger(installment_id);

create table fund_ledger_legs (
    posting_id bigint not null references fund_ledger(id),
    leg bigint not null,
    account text not null check (account in ('appropriation', 'available', 'committed', 'paid')),
    amount_fen bigint not null,
    primary key (posting_id, leg)
);
create index fund_ledger_legs_account on fund_ledger_legs(account, posting_id);

create trigger fund_ledger_append_only_update before update on fund_ledger
begin select raise(abort, 'fund_ledger is append-only'); end;
create trigger fund_ledger_append_only_delete before delete on fund_ledger
begin select raise(abort, 'fund_ledger is append-only'); end;
create trigger fund_ledger_legs_append_only_update before update on fund_ledger_legs
begin select raise(abort, 'fund_ledger_legs is append-only'); end;
create trigger fund_ledger_legs_append_only_delete before delete on fund_ledger_legs
begin select raise(abort, 'fund_ledger_legs is append-only'); end;

-- Payments: UNIQUE (installment_id) is the permanent guard that nothing is paid twice.
create table payments (
    id integer primary key,
    installment_id bigint not null unique references installments(id),
    batch_id bigint references payment_batches(id),
    fund_year bigint not null,
    amount_fen bigint not null check (amount_fen > 0),
    paid_by bigint not null references users(id),
    paid_at bigint not null,
    idempotency_key text
);
create index payments_batch on payments(batch_id);

-- Idempotency keys of the API (the polite guard): the same key with the same request
-- answers the first response; with another request it is refused.
create table idempotency_keys (
    key text primary key,
    scope text not null,
    user_id bigint not null,
    request_hash text not null,
    response text not null,
    created_at bigint not null
);
