-- (SQLite.) Keep in step with ../postgres/0010_projection_index.sql: the same two indexes,
-- except that SQLite has no `include` and orders the first one's key differently (see there).

-- The fund projection (Art. 29) reads only the installments still owed, which become a
-- minority as years of payments pile up, so both indexes are partial. Their `where` must stay
-- word for word the `owed!()` list of crates/store/src/projection.rs, or no query uses them.
--
-- The sums by unit, benefit, due year and status (`projection_owed_sums`) read this index
-- alone, already in group order: no table row, no sort. The status leads because SQLite's
-- planner, with no statistics (nothing runs ANALYZE), prefers a search on `status in (...)`
-- over a scan: with the status first, that search is this covering index, and SQLite takes
-- the group by in the index's order. The year is the expression the query groups by.
create index installments_owed_sums on installments(
    status, org_id, benefit_code, cast(substr(due_on, 1, 4) as bigint),
    amount_fen, benefit_name, article, due_on
) where status in ('scheduled', 'approved', 'certified');

-- The talents owed something due before a year (`projection_talents_owed`): a covering
-- range search, instead of a table row per installment.
create index installments_owed_talents on installments(status, due_on, talent_id)
    where status in ('scheduled', 'approved', 'certified');
