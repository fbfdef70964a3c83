-- (SQLite.) Keep in step with ../postgres/0012_document_counters.sql.

-- The last number given to each kind of numbered document in a year (证明, 支付批次). One
-- upsert takes the next number: on PostgreSQL the conflicting row is locked until commit, so
-- two transactions never take the same number (max(seq) + 1 could), and a rolled-back
-- transaction gives its number back.
create table document_counters (
    kind text not null,
    year bigint not null,
    last bigint not null check (last > 0),
    primary key (kind, year)
);
