//! 待遇额度核定 (`benefit_fixings`): the amount of a range or discretionary entitlement of
//! one talent, proposed by the coordination office and fixed by the leading group. The
//! state lives on the workflow item (object type `benefit_fixing`); the row holds the
//! proposal and, once fixed, the installment it created.

use serde::Serialize;

use crate::{Result, StoreError, Tx, on_tx};

/// A proposal as stored, with the talent's name and its workflow item's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FixingRow {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub benefit_code: String,
    pub benefit_name: String,
    pub article: String,
    /// The policy's range in fen; `None` when the amount is at the group's discretion.
    pub min_fen: Option<i64>,
    pub max_fen: Option<i64>,
    pub project: String,
    pub reason: String,
    pub amount_fen: i64,
    pub installment_id: Option<i64>,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub item_id: Option<i64>,
    pub state: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewFixing {
    pub talent_id: i64,
    pub org_id: i64,
    pub benefit_code: String,
    pub benefit_name: String,
    pub article: String,
    pub min_fen: Option<i64>,
    pub max_fen: Option<i64>,
    pub project: String,
    pub reason: String,
    pub amount_fen: i64,
    pub created_by: i64,
}

const FIXING_COLUMNS: &str = "f.id, f.talent_id, t.name as talent_name, f.org_id, o.name as org_name, f.benefit_code, \
     f.benefit_name, f.article, f.min_fen, f.max_fen, f.project, f.reason, f.amount_fen, f.installment_id, \
     f.created_by, f.created_at, f.updated_at, f.version, w.id as item_id, w.state";

const FIXING_FROM: &str = "benefit_fixings f join talents t on t.id = f.talent_id \
     join organisations o on o.id = f.org_id \
     left join workflow_items w on w.object_type = 'benefit_fixing' and w.object_id = cast(f.id as text)";

impl Tx {
    pub async fn insert_fixing(&mut self, f: &NewFixing, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into benefit_fixings (talent_id, org_id, benefit_code, benefit_name, article, min_fen, max_fen,
                                          project, reason, amount_fen, created_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning id")
            .bind(f.talent_id).bind(f.org_id).bind(&f.benefit_code).bind(&f.benefit_name).bind(&f.article)
            .bind(f.min_fen).bind(f.max_fen).bind(&f.project).bind(&f.reason).bind(f.amount_fen)
            .bind(f.created_by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// Rewrites the proposal if `version` is still current and it has not been fixed.
    pub async fn update_fixing(
        &mut self,
        id: i64,
        version: i64,
        project: &str,
        reason: &str,
        amount_fen: i64,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update benefit_fixings set project = $3, reason = $4, amount_fen = $5, updated_at = $6,
                    version = version + 1
             where id = $1 and version = $2 and installment_id is null")
            .bind(id).bind(version).bind(project).bind(reason).bind(amount_fen).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.fixing(id).await?.is_some()));
        }
        Ok(())
    }

    /// Records the installment the fixing created; once only.
    pub async fn set_fixing_installment(&mut self, id: i64, installment_id: i64, now: i64) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update benefit_fixings set installment_id = $2, updated_at = $3, version = version + 1
             where id = $1 and installment_id is null")
            .bind(id).bind(installment_id).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    pub async fn fixing(&mut self, id: i64) -> Result<Option<FixingRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {FIXING_COLUMNS} from {FIXING_FROM} where f.id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, FixingRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// The installment of `benefit_code` number `seq` of a talent (what a fixing created).
    pub async fn installment_of(
        &mut self,
        talent_id: i64,
        benefit_code: &str,
        seq: i64,
    ) -> Result<Option<crate::InstallmentRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {} {} where i.talent_id = $1 and i.benefit_code = $2 and i.seq = $3",
            crate::fund::INSTALLMENT_COLUMNS,
            crate::fund::INSTALLMENT_FROM
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, crate::InstallmentRow>(sql)
            .bind(talent_id).bind(benefit_code).bind(seq).fetch_optional(&mut *c).await?))
    }

    /// The proposals for one talent, newest first.
    pub async fn fixings_of_talent(&mut self, talent_id: i64) -> Result<Vec<FixingRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {FIXING_COLUMNS} from {FIXING_FROM} where f.talent_id = $1 order by f.id desc"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, FixingRow>(sql).bind(talent_id).fetch_all(&mut *c).await?))
    }
}
