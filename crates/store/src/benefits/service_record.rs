//! The parts of a talent's service record the other tables do not hold (ADR 0011):
//! `service_months`, the months served in each service year (Art. 26, 14(1)), recorded by the
//! unit and confirmed by the coordination office.

use serde::Serialize;

use crate::{Result, Tx, on_tx};

/// One service year's months with who recorded and who confirmed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ServiceMonthsRow {
    pub id: i64,
    pub talent_id: i64,
    pub service_year: i64,
    pub months: i64,
    pub basis: String,
    pub recorded_by: i64,
    pub recorded_by_name: String,
    pub recorded_at: i64,
    pub confirmed_by: Option<i64>,
    pub confirmed_by_name: Option<String>,
    pub confirmed_at: Option<i64>,
    pub version: i64,
}

const COLUMNS: &str = "m.id, m.talent_id, m.service_year, m.months, m.basis, m.recorded_by, \
     r.display_name as recorded_by_name, m.recorded_at, m.confirmed_by, c.display_name as confirmed_by_name, \
     m.confirmed_at, m.version";
const FROM: &str =
    "from service_months m join users r on r.id = m.recorded_by left join users c on c.id = m.confirmed_by";

impl Tx {
    /// Every talent's id (for a re-derivation of them all).
    pub async fn talent_ids(&mut self) -> Result<Vec<i64>> {
        Ok(
            on_tx!(self, c => sqlx::query_scalar::<_, i64>("select id from talents order by id")
            .fetch_all(&mut *c).await?),
        )
    }

    /// A talent's months served, by service year.
    pub async fn service_months(&mut self, talent_id: i64) -> Result<Vec<ServiceMonthsRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} {FROM} where m.talent_id = $1 order by m.service_year"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, ServiceMonthsRow>(sql).bind(talent_id).fetch_all(&mut *c).await?))
    }

    pub async fn service_months_row(&mut self, id: i64) -> Result<Option<ServiceMonthsRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {COLUMNS} {FROM} where m.id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, ServiceMonthsRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// Records a year's months (unconfirmed); a year already on record is a conflict.
    pub async fn insert_service_months(
        &mut self,
        talent_id: i64,
        service_year: i64,
        months: i64,
        basis: &str,
        by: i64,
        now: i64,
    ) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar::<_, i64>(
            "insert into service_months (talent_id, service_year, months, basis, recorded_by, recorded_at)
             values ($1, $2, $3, $4, $5, $6) returning id")
            .bind(talent_id).bind(service_year).bind(months).bind(basis).bind(by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// Confirms an unconfirmed record if `version` is current.
    pub async fn confirm_service_months(&mut self, id: i64, version: i64, by: i64, now: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update service_months set confirmed_by = $3, confirmed_at = $4, version = version + 1
             where id = $1 and version = $2 and confirmed_at is null")
            .bind(id).bind(version).bind(by).bind(now).execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }
}
