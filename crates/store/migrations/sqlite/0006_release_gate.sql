-- (sqlite.) Keep in step with ../postgres/0006_release_gate.sql: the same tables and columns;
-- only identity columns are spelled differently.

-- The release gate (Art. 19, 22-23): annual assessments as its input, certificates (证明) as
-- its output. Dates ISO text, times epoch milliseconds.

-- 年度考核 (Art. 22-23): the unit records each service year's assessment of its talent
-- (status recorded); the coordination office files it (status filed). One per
-- (talent, service year).
create table assessments (
    id integer primary key,
    talent_id bigint not null references talents(id),
    org_id bigint not null references organisations(id),
    service_year bigint not null check (service_year >= 1),
    result text not null check (result in ('passed', 'excellent', 'failed')),
    document_number text not null,
    document_date text not null,
    note text not null default '',
    status text not null check (status in ('recorded', 'filed')),
    recorded_by bigint not null references users(id),
    recorded_at bigint not null,
    filed_by bigint references users(id),
    filed_at bigint,
    version bigint not null default 1,
    unique (talent_id, service_year)
);
create index assessments_status on assessments(status, recorded_at);

-- 证明: issued by the coordination office for one approved installment. The number
-- 阿人才证〔year〕n号 is unique, n counts within the year.
create table release_certificates (
    id integer primary key,
    installment_id bigint not null unique references installments(id),
    number text not null unique,
    year bigint not null,
    seq bigint not null,
    content text not null,
    issued_by bigint not null references users(id),
    issued_at bigint not null,
    unique (year, seq)
);
