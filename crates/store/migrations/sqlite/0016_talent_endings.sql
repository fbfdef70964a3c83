-- (SQLite.) Keep in step with ../postgres/0016_talent_endings.sql: the same tables and columns;
-- only identity columns are spelled differently.

-- 因故解除 (Art. 27, ADR 0010): the coordination office's proposal to end a talent's
-- relation for cause, with the facts it verified; the leading group decides it in a meeting
-- (the workflow item 'talent_ending' holds the state and the 批复文号). Once approved,
-- recovery_id points at the recovery the decision opened.
create table talent_endings (
    id integer primary key,
    talent_id bigint not null references talents(id),
    -- the talent's unit (scope of who sees the proposal)
    org_id bigint not null references organisations(id),
    -- breach: the talent did not keep the contract (违约, 学术不端, 违法违纪);
    -- talent_fraud: the talent's 弄虚作假; unit_fraud: the unit's 弄虚作假
    cause text not null check (cause in ('breach', 'talent_fraud', 'unit_fraud')),
    ended_on text not null,
    -- what the office verified (核实情况) and on what (核实依据)
    reason text not null,
    basis text not null,
    -- unit_fraud: the unit's leaders and others responsible, as the office names them
    responsible text not null default '',
    recovery_id bigint references recoveries(id),
    created_by bigint not null references users(id),
    created_at bigint not null,
    updated_at bigint not null,
    version bigint not null default 1,
    check (cause <> 'unit_fraud' or responsible <> '')
);
create index talent_endings_talent on talent_endings(talent_id);
create unique index talent_endings_recovery on talent_endings(recovery_id) where recovery_id is not null;

-- 单位弄虚作假记录 (Art. 27, last sentence): the record against a unit that an approved
-- ending for the unit's 弄虚作假 leaves, with the people held responsible; shown on the
-- organisation's page. One per ending.
create table unit_misconduct (
    id integer primary key,
    org_id bigint not null references organisations(id),
    ending_id bigint not null unique references talent_endings(id),
    summary text not null,
    responsible text not null,
    resolution_number text not null,
    recorded_by bigint not null references users(id),
    recorded_at bigint not null
);
create index unit_misconduct_org on unit_misconduct(org_id, id);
