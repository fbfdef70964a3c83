//! Re-evaluations of a talent (`talent_evaluations`: every evaluation after the frozen one
//! on `talents`, never overwriting it) and Art. 27 cancellation and recovery
//! (`recoveries`, `recovery_repayments`; the cancellation of future installments).

use serde::Serialize;

use yincai_domain::lifecycle::RecoveryState;

use crate::{Page, Result, Tx, on_tx};

/// One re-evaluation (seq 1.. after the frozen evaluation on the talent's row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EvaluationRow {
    pub id: i64,
    pub talent_id: i64,
    pub seq: i64,
    pub policy_id: String,
    pub policy_version: String,
    pub facts: String,
    pub report: String,
    pub change_summary: String,
    pub reason: String,
    pub actor_id: i64,
    pub actor_name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewEvaluation<'a> {
    pub talent_id: i64,
    pub policy_id: &'a str,
    pub policy_version: &'a str,
    pub facts: &'a str,
    pub report: &'a str,
    pub change_summary: &'a str,
    pub reason: &'a str,
    pub actor_id: i64,
}

/// A recovery (追回) with the talent's name and unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RecoveryRow {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_parent_id: Option<i64>,
    pub ended_on: String,
    pub reason: String,
    pub document: String,
    pub interpretation_id: String,
    pub reading: String,
    pub basis: String,
    pub paid_fen: i64,
    pub amount_fen: i64,
    pub recovered_fen: i64,
    pub cancelled_count: i64,
    pub cancelled_fen: i64,
    #[sqlx(try_from = "String")]
    pub status: RecoveryState,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewRecovery<'a> {
    pub talent_id: i64,
    pub org_id: i64,
    pub ended_on: &'a str,
    pub reason: &'a str,
    pub document: &'a str,
    pub interpretation_id: &'a str,
    pub reading: &'a str,
    pub basis: &'a str,
    pub paid_fen: i64,
    pub amount_fen: i64,
    pub cancelled_count: i64,
    pub cancelled_fen: i64,
    /// The state it starts in (see `RecoveryState::opened`).
    pub status: RecoveryState,
    pub created_by: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RepaymentRow {
    pub id: i64,
    pub recovery_id: i64,
    pub paid_on: String,
    pub amount_fen: i64,
    pub note: String,
    pub posting_id: Option<i64>,
    pub recorded_by: i64,
    pub recorded_by_name: String,
    pub recorded_at: i64,
}

const RECOVERY_COLUMNS: &str = "r.id, r.talent_id, t.name as talent_name, r.org_id, o.name as org_name, \
     o.parent_id as org_parent_id, r.ended_on, r.reason, r.document, r.interpretation_id, r.reading, r.basis, \
     r.paid_fen, r.amount_fen, r.recovered_fen, r.cancelled_count, r.cancelled_fen, r.status, r.created_by, \
     r.created_at, r.updated_at, r.version";

const RECOVERY_FROM: &str =
    "from recoveries r join talents t on t.id = r.talent_id join organisations o on o.id = r.org_id";

impl Tx {
    // ---- evaluations ----------------------------------------------------------------------

    /// Appends a re-evaluation with the next seq of the talent; returns (id, seq).
    pub async fn insert_evaluation(&mut self, e: &NewEvaluation<'_>, now: i64) -> Result<(i64, i64)> {
        let seq: i64 = on_tx!(self, c => sqlx::query_scalar(
            "select cast(coalesce(max(seq), 0) + 1 as bigint) from talent_evaluations where talent_id = $1")
            .bind(e.talent_id).fetch_one(&mut *c).await?);
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "insert into talent_evaluations (talent_id, seq, policy_id, policy_version, facts, report,
                 change_summary, reason, actor_id, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id")
            .bind(e.talent_id).bind(seq).bind(e.policy_id).bind(e.policy_version).bind(e.facts).bind(e.report)
            .bind(e.change_summary).bind(e.reason).bind(e.actor_id).bind(now)
            .fetch_one(&mut *c).await?);
        Ok((id, seq))
    }

    /// The talent's re-evaluations, oldest first.
    pub async fn evaluations(&mut self, talent_id: i64) -> Result<Vec<EvaluationRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, EvaluationRow>(
            "select e.id, e.talent_id, e.seq, e.policy_id, e.policy_version, e.facts, e.report, e.change_summary,
                    e.reason, e.actor_id, u.display_name as actor_name, e.created_at
             from talent_evaluations e join users u on u.id = e.actor_id
             where e.talent_id = $1 order by e.seq")
            .bind(talent_id).fetch_all(&mut *c).await?))
    }

    // ---- cancellation -----------------------------------------------------------------------

    /// Cancels one installment that is not paid or cancelled yet; false when it is.
    pub async fn cancel_installment(&mut self, id: i64, reason: &str, now: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update installments set status = 'cancelled', cancelled_at = $2, cancel_reason = $3,
                 updated_at = $2, version = version + 1
             where id = $1 and status in ('scheduled', 'approved', 'certified')")
            .bind(id).bind(now).bind(reason).execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    // ---- recoveries -------------------------------------------------------------------------

    pub async fn insert_recovery(&mut self, r: &NewRecovery<'_>, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into recoveries (talent_id, org_id, ended_on, reason, document, interpretation_id, reading,
                 basis, paid_fen, amount_fen, cancelled_count, cancelled_fen, status, created_by, created_at,
                 updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) returning id")
            .bind(r.talent_id).bind(r.org_id).bind(r.ended_on).bind(r.reason).bind(r.document)
            .bind(r.interpretation_id).bind(r.reading).bind(r.basis).bind(r.paid_fen).bind(r.amount_fen)
            .bind(r.cancelled_count).bind(r.cancelled_fen).bind(r.status.code()).bind(r.created_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn recovery(&mut self, id: i64) -> Result<Option<RecoveryRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {RECOVERY_COLUMNS} {RECOVERY_FROM} where r.id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, RecoveryRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    pub async fn recovery_of_talent(&mut self, talent_id: i64) -> Result<Option<RecoveryRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {RECOVERY_COLUMNS} {RECOVERY_FROM} where r.talent_id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, RecoveryRow>(sql).bind(talent_id).fetch_optional(&mut *c).await?))
    }

    /// Recoveries, newest first, optionally of one status and within a scope root.
    pub async fn recoveries(
        &mut self,
        status: Option<&str>,
        scope_root: Option<i64>,
        offset: i64,
        limit: i64,
    ) -> Result<Page<RecoveryRow>> {
        let filter = "($1 is null or r.status = $1) and ($2 is null or r.org_id = $2 or o.parent_id = $2)";
        let count_sql = sqlx::AssertSqlSafe(format!(
            "select cast(count(*) as bigint) {RECOVERY_FROM} where {filter}"
        ));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(status).bind(scope_root).fetch_one(&mut *c).await?);
        let sql = sqlx::AssertSqlSafe(format!(
            "select {RECOVERY_COLUMNS} {RECOVERY_FROM} where {filter} order by r.id desc limit $3 offset $4"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, RecoveryRow>(sql)
            .bind(status).bind(scope_root).bind(limit).bind(offset).fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset,
            limit,
        })
    }

    /// Adds a repayment to the recovered sum (never beyond the amount, checked in SQL too)
    /// and sets the status the application computed for it; false when the version changed
    /// or it would exceed the amount.
    pub async fn add_recovered(
        &mut self,
        id: i64,
        amount_fen: i64,
        version: i64,
        status: RecoveryState,
        now: i64,
    ) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update recoveries set recovered_fen = recovered_fen + $2, status = $5,
                 updated_at = $4, version = version + 1
             where id = $1 and version = $3 and recovered_fen + $2 <= amount_fen and $2 > 0")
            .bind(id).bind(amount_fen).bind(version).bind(now).bind(status.code())
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_repayment(
        &mut self,
        recovery_id: i64,
        paid_on: &str,
        amount_fen: i64,
        note: &str,
        posting_id: Option<i64>,
        by: i64,
        now: i64,
    ) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into recovery_repayments (recovery_id, paid_on, amount_fen, note, posting_id, recorded_by,
                 recorded_at) values ($1, $2, $3, $4, $5, $6, $7) returning id")
            .bind(recovery_id).bind(paid_on).bind(amount_fen).bind(note).bind(posting_id).bind(by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    pub async fn repayments(&mut self, recovery_id: i64) -> Result<Vec<RepaymentRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, RepaymentRow>(
            "select p.id, p.recovery_id, p.paid_on, p.amount_fen, p.note, p.posting_id, p.recorded_by,
                    u.display_name as recorded_by_name, p.recorded_at
             from recovery_repayments p join users u on u.id = p.recorded_by
             where p.recovery_id = $1 order by p.id")
            .bind(recovery_id).fetch_all(&mut *c).await?))
    }
}
