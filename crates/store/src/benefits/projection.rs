//! Reads for the fund projection (Art. 29): the installments still owed (summed by the
//! database), the units' names, and the annual budgets. Read-only; the tables belong to the fund
//! (`installments`, `fund_budgets`, migration 0005).
//!
//! The two reads over the installments use the partial indexes of migration 0010
//! (`installments_owed_sums`, `installments_owed_talents`): each reads only its index, the
//! sums already in group order. [`Tx::projection_plans`] shows the plans; a test below checks
//! that both backends use those indexes.

use serde::Serialize;

use crate::{Result, Tx, TxInner, on_tx};

/// The statuses the fund still owes (neither paid nor cancelled), as an SQL list. The partial
/// indexes of migration 0010 repeat it word for word in their `where`: change both or neither.
macro_rules! owed {
    () => {
        "('scheduled', 'approved', 'certified')"
    };
}

/// The owed installments summed by unit, benefit, due year and status. The year is grouped by
/// the expression the index `installments_owed_sums` holds.
macro_rules! owed_sums_sql {
    () => {
        concat!(
            "select org_id, benefit_code, min(benefit_name) as benefit_name, min(article) as article,
                    cast(substr(due_on, 1, 4) as bigint) as due_year, status,
                    cast(sum(amount_fen) as bigint) as amount_fen, cast(count(*) as bigint) as installments
             from installments where status in ",
            owed!(),
            "
             group by org_id, benefit_code, cast(substr(due_on, 1, 4) as bigint), status
             order by org_id, benefit_code, due_year, status"
        )
    };
}

/// How many talents have an owed installment due before `$1` (an ISO date).
macro_rules! talents_owed_sql {
    () => {
        concat!(
            "select cast(count(distinct talent_id) as bigint) from installments
             where status in ",
            owed!(),
            " and due_on < $1"
        )
    };
}

/// Installments still owed, summed by unit, benefit, due year and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OwedSumRow {
    pub org_id: i64,
    pub benefit_code: String,
    /// The benefit's name and article (one per code).
    pub benefit_name: String,
    pub article: String,
    /// The year of `due_on`.
    pub due_year: i64,
    /// scheduled | approved | certified
    pub status: String,
    pub amount_fen: i64,
    pub installments: i64,
}

/// An organisation's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProjectionUnitRow {
    pub id: i64,
    pub name: String,
}

/// One year's budget of the special fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BudgetYearRow {
    pub year: i64,
    pub amount_fen: i64,
}

impl Tx {
    /// The installments still owed (scheduled, approved or certified), summed by unit,
    /// benefit, due year and status: a few thousand rows for a city, however many talents.
    pub async fn projection_owed_sums(&mut self) -> Result<Vec<OwedSumRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, OwedSumRow>(owed_sums_sql!())
            .fetch_all(&mut *c).await?))
    }

    /// How many talents have an installment still owed that is due before `end_year`.
    pub async fn projection_talents_owed(&mut self, end_year: i32) -> Result<i64> {
        let before = before_year(end_year);
        Ok(on_tx!(self, c => sqlx::query_scalar::<_, i64>(talents_owed_sql!())
            .bind(&before).fetch_one(&mut *c).await?))
    }

    /// The plans of the two reads over the installments, as the database explains them
    /// (`explain query plan` on SQLite, `explain` on PostgreSQL): first the sums', then the
    /// talents'. For the benchmark and the tests.
    pub async fn projection_plans(&mut self, end_year: i32) -> Result<(Vec<String>, Vec<String>)> {
        let before = before_year(end_year);
        let detail = |rows: Vec<sqlx::sqlite::SqliteRow>| -> Result<Vec<String>> {
            use sqlx::Row;
            Ok(rows
                .iter()
                .map(|r| r.try_get("detail"))
                .collect::<std::result::Result<_, _>>()?)
        };
        Ok(match &mut self.inner {
            TxInner::Sqlite(t) => {
                let sums = sqlx::query(concat!("explain query plan ", owed_sums_sql!()));
                let talents = sqlx::query(concat!("explain query plan ", talents_owed_sql!()));
                (
                    detail(sums.fetch_all(&mut **t).await?)?,
                    detail(talents.bind(&before).fetch_all(&mut **t).await?)?,
                )
            }
            TxInner::Postgres(t) => {
                let sums = sqlx::query_scalar::<_, String>(concat!("explain ", owed_sums_sql!()));
                let talents = sqlx::query_scalar::<_, String>(concat!("explain ", talents_owed_sql!()));
                (
                    sums.fetch_all(&mut **t).await?,
                    talents.bind(&before).fetch_all(&mut **t).await?,
                )
            }
        })
    }

    /// The names of the organisations (a city has hundreds; the owed sums say which count).
    pub async fn projection_unit_names(&mut self) -> Result<Vec<ProjectionUnitRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, ProjectionUnitRow>(
            "select id, name from organisations order by id")
            .fetch_all(&mut *c).await?))
    }

    /// The special fund's budgets, by year.
    pub async fn projection_budgets(&mut self) -> Result<Vec<BudgetYearRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, BudgetYearRow>(
            "select year, amount_fen from fund_budgets order by year")
            .fetch_all(&mut *c).await?))
    }
}

/// The first day of `year`, as the ISO text `due_on` is compared with.
fn before_year(year: i32) -> String {
    format!("{year:04}-01-01")
}

#[cfg(test)]
mod tests {
    use crate::Backend;
    use crate::test_support::TestDb;

    /// The reads use the indexes of migration 0010 on both backends. On SQLite (whose planner
    /// has no statistics, so an empty database plans like a full one) the sums read their index
    /// alone in group order and the talents theirs alone. PostgreSQL plans by the statistics,
    /// so the test asks whether the indexes can serve the reads, the sums in group order.
    #[tokio::test]
    async fn both_reads_use_the_projection_indexes() {
        for db in TestDb::all().await {
            let label = db.label;
            let store = db.open_store().await;
            let mut tx = store.begin_read().await.unwrap();
            if store.backend() == Backend::Postgres {
                // An empty table is cheapest to scan whole or through the smallest index; ask
                // instead whether the indexes can serve the reads without a sort.
                for setting in ["enable_seqscan", "enable_bitmapscan", "enable_sort"] {
                    tx.execute_raw(&format!("set local {setting} = off")).await.unwrap();
                }
            }
            let (sums, talents) = tx.projection_plans(2036).await.unwrap();
            let (sums, talents) = (sums.join("\n"), talents.join("\n"));
            assert!(sums.contains("installments_owed_sums"), "{label}: {sums}");
            assert!(talents.contains("installments_owed_talents"), "{label}: {talents}");
            if store.backend() == Backend::Postgres {
                assert!(
                    sums.contains("Index Only Scan using installments_owed_sums"),
                    "{label}: {sums}"
                );
                assert!(!sums.contains("Sort"), "{label}: read in group order: {sums}");
            } else {
                assert!(
                    sums.contains("COVERING INDEX installments_owed_sums"),
                    "{label}: {sums}"
                );
                assert!(
                    !sums.contains("GROUP BY"),
                    "{label}: no temp b-tree for the groups: {sums}"
                );
                assert!(
                    talents.contains("COVERING INDEX installments_owed_talents"),
                    "{label}: {talents}"
                );
            }
            drop(tx);
            store.close().await;
            db.cleanup().await;
        }
    }
}
