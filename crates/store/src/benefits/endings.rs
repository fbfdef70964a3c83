//! 因故解除 (`talent_endings`, Art. 27): the coordination office's proposal to end a
//! talent's relation for cause, decided by the leading group in a meeting. The state lives
//! on the workflow item (object type `talent_ending`); the row holds the verified facts and,
//! once approved, the recovery it opened. `unit_misconduct` is the record an approved ending
//! for the unit's 弄虚作假 leaves against the unit.

use serde::Serialize;

use crate::{Result, StoreError, Tx, on_tx};

/// A proposal as stored, with the talent's name, its unit and its workflow item's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EndingRow {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_parent_id: Option<i64>,
    /// breach | talent_fraud | unit_fraud
    pub cause: String,
    pub ended_on: String,
    pub reason: String,
    pub basis: String,
    pub responsible: String,
    pub recovery_id: Option<i64>,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub item_id: Option<i64>,
    pub state: Option<String>,
}

/// The verified facts of a proposal, as written (new or edited).
#[derive(Debug, Clone)]
pub struct EndingFacts<'a> {
    pub cause: &'a str,
    pub ended_on: &'a str,
    pub reason: &'a str,
    pub basis: &'a str,
    pub responsible: &'a str,
}

/// A record against a unit (单位弄虚作假), as shown on the organisation's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MisconductRow {
    pub id: i64,
    pub org_id: i64,
    pub ending_id: i64,
    pub summary: String,
    pub responsible: String,
    pub resolution_number: String,
    pub recorded_by: i64,
    pub recorded_at: i64,
}

const ENDING_COLUMNS: &str = "e.id, e.talent_id, t.name as talent_name, e.org_id, o.name as org_name, \
     o.parent_id as org_parent_id, e.cause, e.ended_on, e.reason, e.basis, e.responsible, e.recovery_id, \
     e.created_by, e.created_at, e.updated_at, e.version, w.id as item_id, w.state";

const ENDING_FROM: &str = "talent_endings e join talents t on t.id = e.talent_id \
     join organisations o on o.id = e.org_id \
     left join workflow_items w on w.object_type = 'talent_ending' and w.object_id = cast(e.id as text)";

impl Tx {
    pub async fn insert_ending(
        &mut self,
        talent_id: i64,
        org_id: i64,
        f: &EndingFacts<'_>,
        created_by: i64,
        now: i64,
    ) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into talent_endings (talent_id, org_id, cause, ended_on, reason, basis, responsible,
                                         created_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id")
            .bind(talent_id).bind(org_id).bind(f.cause).bind(f.ended_on).bind(f.reason).bind(f.basis)
            .bind(f.responsible).bind(created_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// Rewrites the proposal if `version` is still current and it has not been carried out.
    pub async fn update_ending(&mut self, id: i64, version: i64, f: &EndingFacts<'_>, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update talent_endings set cause = $3, ended_on = $4, reason = $5, basis = $6, responsible = $7,
                    updated_at = $8, version = version + 1
             where id = $1 and version = $2 and recovery_id is null")
            .bind(id).bind(version).bind(f.cause).bind(f.ended_on).bind(f.reason).bind(f.basis)
            .bind(f.responsible).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.ending(id).await?.is_some()));
        }
        Ok(())
    }

    /// Records the recovery the approved ending opened; once only.
    pub async fn set_ending_recovery(&mut self, id: i64, recovery_id: i64, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update talent_endings set recovery_id = $2, updated_at = $3, version = version + 1
             where id = $1 and recovery_id is null")
            .bind(id).bind(recovery_id).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    pub async fn ending(&mut self, id: i64) -> Result<Option<EndingRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {ENDING_COLUMNS} from {ENDING_FROM} where e.id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, EndingRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// The proposals for one talent, newest first.
    pub async fn endings_of_talent(&mut self, talent_id: i64) -> Result<Vec<EndingRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {ENDING_COLUMNS} from {ENDING_FROM} where e.talent_id = $1 order by e.id desc"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, EndingRow>(sql).bind(talent_id).fetch_all(&mut *c).await?))
    }

    /// Records 单位弄虚作假 against a unit; one per ending.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_unit_misconduct(
        &mut self,
        org_id: i64,
        ending_id: i64,
        summary: &str,
        responsible: &str,
        resolution_number: &str,
        recorded_by: i64,
        now: i64,
    ) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into unit_misconduct (org_id, ending_id, summary, responsible, resolution_number,
                                          recorded_by, recorded_at)
             values ($1, $2, $3, $4, $5, $6, $7) returning id")
            .bind(org_id).bind(ending_id).bind(summary).bind(responsible).bind(resolution_number)
            .bind(recorded_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// The records against one unit, newest first.
    pub async fn unit_misconduct(&mut self, org_id: i64) -> Result<Vec<MisconductRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, MisconductRow>(
            "select id, org_id, ending_id, summary, responsible, resolution_number, recorded_by, recorded_at
             from unit_misconduct where org_id = $1 order by id desc")
            .bind(org_id).fetch_all(&mut *c).await?))
    }
}
