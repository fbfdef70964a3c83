-- (SQLite.) Keep in step with ../postgres/0009_benefit_fixings.sql.

-- 待遇额度核定 (Art. 14(1), 14(2), 14(7)): the amount of a range entitlement (项目启动资金
-- 50-300 万元) or of one left to the leading group, proposed by the coordination office for
-- one talent's project and fixed by the leading group in a meeting (the workflow item
-- 'benefit_fixing' holds the state and the 批复文号). Once fixed, installment_id points at
-- the lump-sum installment it created, which the release gate then handles.
create table benefit_fixings (
    id integer primary key,
    talent_id bigint not null references talents(id),
    -- the talent's unit (scope of who sees the fixing)
    org_id bigint not null references organisations(id),
    benefit_code text not null,
    benefit_name text not null,
    article text not null,
    -- the policy's range in fen; both null when the amount is at the group's discretion
    min_fen bigint,
    max_fen bigint,
    project text not null,
    reason text not null,
    amount_fen bigint not null check (amount_fen > 0),
    installment_id bigint references installments(id),
    created_by bigint not null references users(id),
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1,
    check ((min_fen is null) = (max_fen is null)),
    check (min_fen is null or (amount_fen >= min_fen and amount_fen <= max_fen))
);
create index benefit_fixings_talent on benefit_fixings(talent_id, benefit_code);
create unique index benefit_fixings_installment on benefit_fixings(installment_id) where installment_id is not null;
