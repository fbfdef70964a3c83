//! Reads for the fund projection (Art. 29): the installments still owed (summed by the
//! database), the units' names, and the annual budgets. Read-only; the tables belong to the fund
//! (`installments`, `fund_budgets`, migration 0005).

use serde::Serialize;

use crate::{Result, Tx, on_tx};

/// The statuses the fund still owes (neither paid nor cancelled), as an SQL list.
macro_rules! owed {
    () => {
        "('scheduled', 'approved', 'certified')"
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
        Ok(on_tx!(self, c => sqlx::query_as::<_, OwedSumRow>(concat!(
            "select org_id, benefit_code, min(benefit_name) as benefit_name, min(article) as article,
                    cast(substr(due_on, 1, 4) as bigint) as due_year, status,
                    cast(sum(amount_fen) as bigint) as amount_fen, cast(count(*) as bigint) as installments
             from installments where status in ", owed!(), "
             group by org_id, benefit_code, cast(substr(due_on, 1, 4) as bigint), status
             order by org_id, benefit_code, due_year, status"))
            .fetch_all(&mut *c).await?))
    }

    /// How many talents have an installment still owed that is due before `end_year`.
    pub async fn projection_talents_owed(&mut self, end_year: i32) -> Result<i64> {
        let before = format!("{end_year:04}-01-01");
        Ok(on_tx!(self, c => sqlx::query_scalar::<_, i64>(concat!(
            "select cast(count(distinct talent_id) as bigint) from installments
             where status in ", owed!(), " and due_on < $1"))
            .bind(&before).fetch_one(&mut *c).await?))
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
