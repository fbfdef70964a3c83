-- (SQLite.) Keep in step with ../postgres/0018_service_record.sql: the same tables and columns;
-- only identity columns are spelled differently.

-- ADR 0011: the service record drives the money. Each installment derived from the policy
-- engine's report keeps the engine's verdict on its year (due, awaiting assessment, awaiting
-- the months served, condition unmet, future); only 'due' may be released. It replaces
-- assessment_ok, the application's own reading of the gate. Installments the leading group
-- fixed (no service year) are due by that decision.
alter table installments add column engine_status text not null default 'future'
    check (engine_status in ('due', 'awaiting_assessment', 'not_passed', 'not_served',
                             'awaiting_service_months', 'condition_unmet', 'future'));
update installments set engine_status = case
    when service_year is null or assessment_ok then 'due'
    else 'awaiting_assessment' end;
alter table installments drop column assessment_ok;

-- Months served in each service year (Art. 26: 6 months a year; 14(1)'s 10万 a year needs
-- them): the unit records them, the coordination office confirms; only confirmed months
-- enter the engine's facts.
create table service_months (
    id integer primary key,
    talent_id bigint not null references talents(id),
    service_year bigint not null check (service_year between 1 and 64),
    months bigint not null check (months between 0 and 12),
    -- the attendance record or document the months come from
    basis text not null,
    recorded_by bigint not null references users(id),
    recorded_at bigint not null,
    confirmed_by bigint references users(id),
    confirmed_at bigint,
    version bigint not null default 1,
    unique (talent_id, service_year)
);
