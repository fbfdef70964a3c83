-- (PostgreSQL.) Keep in step with ../sqlite/0010_projection_index.sql: the same two indexes,
-- except that the first one's key is in group order here and carries the rest in `include`.

-- The fund projection (Art. 29) reads only the installments still owed, which become a
-- minority as years of payments pile up, so both indexes are partial. Their `where` must stay
-- word for word the `owed!()` list of crates/store/src/projection.rs, or no query uses them.
--
-- The sums by unit, benefit, due year and status (`projection_owed_sums`): an index-only scan
-- already in group order, so no sort. PostgreSQL scans a partial index whole when the query
-- implies its predicate, but would not read an index led by the status in group order (it
-- sorts then), hence the key order differs from SQLite's. The year is the expression the
-- query groups by; `due_on` is included because an index-only scan needs the column itself.
create index installments_owed_sums on installments(
    org_id, benefit_code, cast(substr(due_on, 1, 4) as bigint), status
) include (amount_fen, benefit_name, article, due_on)
    where status in ('scheduled', 'approved', 'certified');

-- The talents owed something due before a year (`projection_talents_owed`): an index-only
-- range scan, instead of the whole table.
create index installments_owed_talents on installments(status, due_on, talent_id)
    where status in ('scheduled', 'approved', 'certified');
