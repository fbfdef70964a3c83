//! Installments, the special fund (Art. 29) and payments: `installments` (what becomes due
//! and when, with the release gate's columns), `fund_budgets` (one annual budget per year),
//! `fund_ledger` + `fund_ledger_legs` (append-only, double entry: every posting's legs sum to
//! zero), `payments` (UNIQUE installment: nothing is paid twice), `idempotency_keys` and
//! `payment_batches`.
//!
//! Every fund transaction of a year first takes the year's lock ([`Tx::lock_fund_year`]):
//! a no-op update of the budget row, which is a row lock on PostgreSQL (held to commit,
//! so the balance read after it is the committed one) and a write on SQLite (whose write
//! transactions are serial anyway).

use serde::Serialize;

use yincai_domain::lifecycle::{BatchState, EngineVerdict, InstallmentState};

use crate::{Page, Result, StoreError, Tx, on_tx};

pub use yincai_domain::ledger::{ACCOUNTS, PostingKind};

/// One installment with its talent's name and unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InstallmentRow {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_parent_id: Option<i64>,
    pub benefit_code: String,
    pub benefit_name: String,
    pub article: String,
    pub seq: i64,
    pub service_year: Option<i64>,
    pub due_on: String,
    pub amount_fen: i64,
    #[sqlx(try_from = "String")]
    pub status: InstallmentState,
    /// The engine's verdict on its year at the last re-derivation (ADR 0011).
    #[sqlx(try_from = "String")]
    pub engine_status: EngineVerdict,
    pub resolution_number: Option<String>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<i64>,
    pub certificate_number: Option<String>,
    pub certified_at: Option<i64>,
    pub paid_at: Option<i64>,
    pub payment_batch_id: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub cancel_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInstallment {
    pub talent_id: i64,
    pub org_id: i64,
    pub benefit_code: String,
    pub benefit_name: String,
    pub article: String,
    pub seq: i64,
    pub service_year: Option<i64>,
    pub due_on: String,
    pub amount_fen: i64,
    /// What the engine says of its year (a decision of the leading group: due).
    pub engine_status: EngineVerdict,
}

#[derive(Debug, Clone, Default)]
pub struct InstallmentQuery {
    pub talent_id: Option<i64>,
    pub status: Option<String>,
    pub batch_id: Option<i64>,
    /// Only installments in no batch.
    pub unbatched: bool,
    /// Due in this year.
    pub year: Option<i64>,
    /// Limit to this unit and the units it supervises.
    pub scope_root: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FundBudgetRow {
    pub id: i64,
    pub year: i64,
    pub amount_fen: i64,
    pub note: String,
    pub entered_by: i64,
    pub entered_by_name: String,
    pub entered_at: i64,
    pub version: i64,
}

/// The balances of one year's fund, in fen, from the ledger's legs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FundBalances {
    pub year: i64,
    /// Budget posted (−appropriation).
    pub budget_fen: i64,
    /// Open commitments.
    pub committed_fen: i64,
    /// Paid (net of recoveries).
    pub paid_fen: i64,
    /// budget − commitments − payments.
    pub available_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPosting<'a> {
    pub year: i64,
    pub at: i64,
    pub kind: PostingKind,
    pub installment_id: Option<i64>,
    pub amount_fen: i64,
    pub actor_id: Option<i64>,
    pub memo: &'a str,
}

/// A posting with the year's available balance after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LedgerRow {
    pub id: i64,
    pub year: i64,
    pub at: i64,
    pub kind: String,
    pub installment_id: Option<i64>,
    pub amount_fen: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub memo: String,
    pub available_after_fen: i64,
}

/// One leg of a posting, for checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LedgerLegRow {
    pub posting_id: i64,
    pub year: i64,
    pub kind: String,
    pub leg: i64,
    pub account: String,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment<'a> {
    pub installment_id: i64,
    pub batch_id: Option<i64>,
    pub fund_year: i64,
    pub amount_fen: i64,
    pub paid_by: i64,
    pub idempotency_key: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub installment_id: i64,
    pub batch_id: Option<i64>,
    pub fund_year: i64,
    pub amount_fen: i64,
    pub paid_by: i64,
    pub paid_by_name: String,
    pub paid_at: i64,
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IdempotencyRow {
    pub key: String,
    pub scope: String,
    pub user_id: i64,
    pub request_hash: String,
    pub response: String,
    pub created_at: i64,
}

/// A payment batch with its counts (joined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PaymentBatchRow {
    pub id: i64,
    pub number: String,
    #[sqlx(try_from = "String")]
    pub status: BatchState,
    pub total_fen: i64,
    pub note: String,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub version: i64,
    pub items: i64,
    pub paid_items: i64,
    pub paid_fen: i64,
}

pub(crate) const INSTALLMENT_COLUMNS: &str = "i.id, i.talent_id, t.name as talent_name, i.org_id, o.name as org_name, \
     o.parent_id as org_parent_id, i.benefit_code, i.benefit_name, i.article, i.seq, i.service_year, i.due_on, \
     i.amount_fen, i.status, i.engine_status, i.resolution_number, i.approved_by, i.approved_at, \
     i.certificate_number, i.certified_at, i.paid_at, i.payment_batch_id, i.cancelled_at, i.cancel_reason, \
     i.created_at, i.updated_at, i.version";

pub(crate) const INSTALLMENT_FROM: &str =
    "from installments i join talents t on t.id = i.talent_id join organisations o on o.id = i.org_id";

const INSTALLMENT_FILTER: &str = "($1 is null or i.talent_id = $1)
     and ($2 is null or i.status = $2)
     and ($3 is null or i.payment_batch_id = $3)
     and ($4 = 0 or i.payment_batch_id is null)
     and ($5 is null or i.due_on like $5)
     and ($6 is null or i.org_id = $6 or o.parent_id = $6)";

const BATCH_COLUMNS: &str = "b.id, b.number, b.status, b.total_fen, b.note, b.created_by, \
     u.display_name as created_by_name, b.created_at, b.paid_at, b.version,
     (select cast(count(*) as bigint) from installments i where i.payment_batch_id = b.id) as items,
     (select cast(count(*) as bigint) from installments i where i.payment_batch_id = b.id and i.status = 'paid')
        as paid_items,
     (select cast(coalesce(sum(p.amount_fen), 0) as bigint) from payments p where p.batch_id = b.id) as paid_fen";

impl Tx {
    // ---- installments -------------------------------------------------------------------

    /// Inserts the installments that are not there yet (by talent, benefit and seq);
    /// returns how many were inserted.
    pub async fn insert_installments(&mut self, rows: &[NewInstallment], now: i64) -> Result<u64> {
        let mut inserted = 0;
        for r in rows {
            inserted += on_tx!(self, c => sqlx::query(
                "insert into installments (talent_id, org_id, benefit_code, benefit_name, article, seq,
                     service_year, due_on, amount_fen, status, engine_status, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'scheduled', $11, $10, $10)
                 on conflict (talent_id, benefit_code, seq) do nothing")
                .bind(r.talent_id).bind(r.org_id).bind(&r.benefit_code).bind(&r.benefit_name).bind(&r.article)
                .bind(r.seq).bind(r.service_year).bind(&r.due_on).bind(r.amount_fen).bind(now)
                .bind(r.engine_status.code())
                .execute(&mut *c).await?.rows_affected());
        }
        Ok(inserted)
    }

    pub async fn installment(&mut self, id: i64) -> Result<Option<InstallmentRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {INSTALLMENT_COLUMNS} {INSTALLMENT_FROM} where i.id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, InstallmentRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// Installments by due date, then talent, benefit and seq.
    pub async fn installments(&mut self, q: &InstallmentQuery) -> Result<Page<InstallmentRow>> {
        let status = q.status.as_deref().filter(|s| !s.trim().is_empty());
        let year = q.year.map(|y| format!("{y:04}-%"));
        let unbatched = i64::from(q.unbatched);
        let count_sql = sqlx::AssertSqlSafe(format!(
            "select cast(count(*) as bigint) {INSTALLMENT_FROM} where {INSTALLMENT_FILTER}"
        ));
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(count_sql)
            .bind(q.talent_id).bind(status).bind(q.batch_id).bind(unbatched).bind(&year).bind(q.scope_root)
            .fetch_one(&mut *c).await?);
        let rows_sql = sqlx::AssertSqlSafe(format!(
            "select {INSTALLMENT_COLUMNS} {INSTALLMENT_FROM} where {INSTALLMENT_FILTER}
             order by i.due_on, i.talent_id, i.benefit_code, i.seq limit $7 offset $8"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, InstallmentRow>(rows_sql)
            .bind(q.talent_id).bind(status).bind(q.batch_id).bind(unbatched).bind(&year).bind(q.scope_root)
            .bind(q.limit).bind(q.offset)
            .fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset: q.offset,
            limit: q.limit,
        })
    }

    /// Every installment of a talent (any state), by benefit and seq.
    pub async fn installments_of_talent(&mut self, talent_id: i64) -> Result<Vec<InstallmentRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {INSTALLMENT_COLUMNS} {INSTALLMENT_FROM} where i.talent_id = $1 order by i.benefit_code, i.seq"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, InstallmentRow>(sql).bind(talent_id).fetch_all(&mut *c).await?))
    }

    /// A re-derivation's change to a scheduled installment: its date, amount, names and the
    /// engine's verdict. False when it is no longer scheduled.
    pub async fn rederive_installment(&mut self, id: i64, row: &NewInstallment, now: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update installments set due_on = $2, amount_fen = $3, benefit_name = $4, article = $5,
                 engine_status = $6, updated_at = $7, version = version + 1
             where id = $1 and status = 'scheduled'")
            .bind(id).bind(&row.due_on).bind(row.amount_fen).bind(&row.benefit_name).bind(&row.article)
            .bind(row.engine_status.code()).bind(now)
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// `scheduled` → `approved` with the leading group's 批复文号, if `version` is current.
    pub async fn approve_installment(
        &mut self,
        id: i64,
        version: i64,
        resolution_number: &str,
        by: i64,
        now: i64,
    ) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update installments set status = 'approved', resolution_number = $3, approved_by = $4,
                    approved_at = $5, updated_at = $5, version = version + 1
             where id = $1 and version = $2 and status = 'scheduled'")
            .bind(id).bind(version).bind(resolution_number).bind(by).bind(now)
            .execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// `approved` → `certified` with the coordination office's 证明编号.
    pub async fn certify_installment(&mut self, id: i64, certificate_number: &str, now: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update installments set status = 'certified', certificate_number = $2, certified_at = $3,
                    updated_at = $3, version = version + 1
             where id = $1 and status = 'approved'")
            .bind(id).bind(certificate_number).bind(now).execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// `certified` → `paid`, if `version` is current.
    pub async fn mark_installment_paid(
        &mut self,
        id: i64,
        version: i64,
        batch_id: Option<i64>,
        now: i64,
    ) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update installments set status = 'paid', paid_at = $3, payment_batch_id = coalesce($4, payment_batch_id),
                    updated_at = $3, version = version + 1
             where id = $1 and version = $2 and status = 'certified'")
            .bind(id).bind(version).bind(now).bind(batch_id).execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    /// Puts a certified installment in no batch into `batch_id`. False when it is not one.
    pub async fn assign_installment_to_batch(&mut self, id: i64, batch_id: i64, now: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update installments set payment_batch_id = $2, updated_at = $3, version = version + 1
             where id = $1 and status = 'certified' and payment_batch_id is null")
            .bind(id).bind(batch_id).bind(now).execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    // ---- budgets --------------------------------------------------------------------------

    pub async fn fund_budget(&mut self, year: i64) -> Result<Option<FundBudgetRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, FundBudgetRow>(
            "select b.id, b.year, b.amount_fen, b.note, b.entered_by, u.display_name as entered_by_name,
                    b.entered_at, b.version
             from fund_budgets b join users u on u.id = b.entered_by where b.year = $1")
            .bind(year).fetch_optional(&mut *c).await?))
    }

    /// Every year's budget, the most recent year first.
    pub async fn fund_budgets(&mut self) -> Result<Vec<FundBudgetRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, FundBudgetRow>(
            "select b.id, b.year, b.amount_fen, b.note, b.entered_by, u.display_name as entered_by_name,
                    b.entered_at, b.version
             from fund_budgets b join users u on u.id = b.entered_by order by b.year desc")
            .fetch_all(&mut *c).await?))
    }

    /// A year's first budget; a second one for the year is `Unique { key: "fund_budgets.year" }`.
    pub async fn insert_fund_budget(
        &mut self,
        year: i64,
        amount_fen: i64,
        note: &str,
        by: i64,
        now: i64,
    ) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into fund_budgets (year, amount_fen, note, entered_by, entered_at)
             values ($1, $2, $3, $4, $5) returning id")
            .bind(year).bind(amount_fen).bind(note).bind(by).bind(now)
            .fetch_one(&mut *c).await?))
    }

    /// Revises a year's budget if `version` is current.
    pub async fn update_fund_budget(
        &mut self,
        year: i64,
        version: i64,
        amount_fen: i64,
        note: &str,
        by: i64,
        now: i64,
    ) -> Result<()> {
        let n = on_tx!(self, c => sqlx::query(
            "update fund_budgets set amount_fen = $3, note = $4, entered_by = $5, entered_at = $6,
                    version = version + 1
             where year = $1 and version = $2")
            .bind(year).bind(version).bind(amount_fen).bind(note).bind(by).bind(now)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::stale_or_not_found(self.fund_budget(year).await?.is_some()));
        }
        Ok(())
    }

    /// Takes the year's fund lock until the transaction ends: a no-op update of its budget
    /// row (a row lock on PostgreSQL; SQLite write transactions are serial). False when
    /// the year has no budget.
    pub async fn lock_fund_year(&mut self, year: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query("update fund_budgets set year = year where year = $1")
            .bind(year).execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }

    // ---- ledger ---------------------------------------------------------------------------

    /// Appends a posting with its two balancing legs; returns its id.
    pub async fn post_fund(&mut self, p: &NewPosting<'_>) -> Result<i64> {
        let id: i64 = on_tx!(self, c => sqlx::query_scalar(
            "insert into fund_ledger (year, at, kind, installment_id, amount_fen, actor_id, memo)
             values ($1, $2, $3, $4, $5, $6, $7) returning id")
            .bind(p.year).bind(p.at).bind(p.kind.code()).bind(p.installment_id).bind(p.amount_fen)
            .bind(p.actor_id).bind(p.memo)
            .fetch_one(&mut *c).await?);
        for (leg, (account, amount)) in p.kind.legs(p.amount_fen).into_iter().enumerate() {
            on_tx!(self, c => sqlx::query(
                "insert into fund_ledger_legs (posting_id, leg, account, amount_fen) values ($1, $2, $3, $4)")
                .bind(id).bind(leg as i64 + 1).bind(account).bind(amount)
                .execute(&mut *c).await?.rows_affected());
        }
        Ok(id)
    }

    /// One year's balances from the ledger (zero for a year with no postings).
    pub async fn fund_balances(&mut self, year: i64) -> Result<FundBalances> {
        let rows = self.fund_balances_all().await?;
        Ok(rows.into_iter().find(|b| b.year == year).unwrap_or(FundBalances {
            year,
            ..FundBalances::default()
        }))
    }

    /// Balances of every year with postings, the most recent year first.
    pub async fn fund_balances_all(&mut self) -> Result<Vec<FundBalances>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, FundBalances>(
            "select p.year,
                    cast(coalesce(-sum(case when l.account = 'appropriation' then l.amount_fen end), 0) as bigint)
                        as budget_fen,
                    cast(coalesce(sum(case when l.account = 'committed' then l.amount_fen end), 0) as bigint)
                        as committed_fen,
                    cast(coalesce(sum(case when l.account = 'paid' then l.amount_fen end), 0) as bigint) as paid_fen,
                    cast(coalesce(sum(case when l.account = 'available' then l.amount_fen end), 0) as bigint)
                        as available_fen
             from fund_ledger p join fund_ledger_legs l on l.posting_id = p.id
             group by p.year order by p.year desc")
            .fetch_all(&mut *c).await?))
    }

    /// The open commitment of an installment (commitments − releases), in fen.
    pub async fn open_commitment(&mut self, installment_id: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "select cast(coalesce(sum(l.amount_fen), 0) as bigint)
             from fund_ledger p join fund_ledger_legs l on l.posting_id = p.id
             where p.installment_id = $1 and l.account = 'committed'")
            .bind(installment_id).fetch_one(&mut *c).await?))
    }

    /// Postings, newest first, each with the year's available balance after it.
    pub async fn fund_ledger(&mut self, year: Option<i64>, offset: i64, limit: i64) -> Result<Page<LedgerRow>> {
        let total: i64 = on_tx!(self, c => sqlx::query_scalar(
            "select cast(count(*) as bigint) from fund_ledger where ($1 is null or year = $1)")
            .bind(year).fetch_one(&mut *c).await?);
        let rows = on_tx!(self, c => sqlx::query_as::<_, LedgerRow>(
            "select * from (
                 select p.id, p.year, p.at, p.kind, p.installment_id, p.amount_fen, p.actor_id,
                        u.display_name as actor_name, p.memo,
                        cast(sum(l.amount_fen) over (partition by p.year order by p.id) as bigint)
                            as available_after_fen
                 from fund_ledger p
                 join fund_ledger_legs l on l.posting_id = p.id and l.account = 'available'
                 left join users u on u.id = p.actor_id
                 where ($1 is null or p.year = $1)
             ) x order by x.id desc limit $2 offset $3")
            .bind(year).bind(limit).bind(offset).fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset,
            limit,
        })
    }

    /// Every leg of every posting in posting order (for checks and tests).
    pub async fn fund_ledger_legs(&mut self) -> Result<Vec<LedgerLegRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, LedgerLegRow>(
            "select l.posting_id, p.year, p.kind, l.leg, l.account, l.amount_fen
             from fund_ledger p join fund_ledger_legs l on l.posting_id = p.id
             order by l.posting_id, l.leg")
            .fetch_all(&mut *c).await?))
    }

    // ---- payments -------------------------------------------------------------------------

    /// A second payment of the same installment is `Unique { key: "payments.installment_id" }`.
    pub async fn insert_payment(&mut self, p: &NewPayment<'_>, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into payments (installment_id, batch_id, fund_year, amount_fen, paid_by, paid_at, idempotency_key)
             values ($1, $2, $3, $4, $5, $6, $7) returning id")
            .bind(p.installment_id).bind(p.batch_id).bind(p.fund_year).bind(p.amount_fen).bind(p.paid_by)
            .bind(now).bind(p.idempotency_key)
            .fetch_one(&mut *c).await?))
    }

    pub async fn payment_of(&mut self, installment_id: i64) -> Result<Option<PaymentRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, PaymentRow>(
            "select p.id, p.installment_id, p.batch_id, p.fund_year, p.amount_fen, p.paid_by,
                    u.display_name as paid_by_name, p.paid_at, p.idempotency_key
             from payments p join users u on u.id = p.paid_by where p.installment_id = $1")
            .bind(installment_id).fetch_optional(&mut *c).await?))
    }

    /// How many payments there are and their sum in fen.
    pub async fn payments_total(&mut self) -> Result<(i64, i64)> {
        Ok(on_tx!(self, c => sqlx::query_as(
            "select cast(count(*) as bigint), cast(coalesce(sum(amount_fen), 0) as bigint) from payments")
            .fetch_one(&mut *c).await?))
    }

    // ---- idempotency keys -----------------------------------------------------------------

    pub async fn idempotency_key(&mut self, key: &str) -> Result<Option<IdempotencyRow>> {
        Ok(on_tx!(self, c => sqlx::query_as::<_, IdempotencyRow>(
            "select key, scope, user_id, request_hash, response, created_at from idempotency_keys where key = $1")
            .bind(key).fetch_optional(&mut *c).await?))
    }

    /// Drops the keys created before `cutoff` (the application's retention decides when).
    pub async fn delete_idempotency_keys_before(&mut self, cutoff: i64) -> Result<u64> {
        Ok(
            on_tx!(self, c => sqlx::query("delete from idempotency_keys where created_at < $1")
            .bind(cutoff)
            .execute(&mut *c).await?.rows_affected()),
        )
    }

    /// A key used twice is `Unique { key: "idempotency_keys.pkey" }` (PostgreSQL) or
    /// `idempotency_keys.key` (SQLite).
    pub async fn insert_idempotency_key(
        &mut self,
        key: &str,
        scope: &str,
        user_id: i64,
        request_hash: &str,
        response: &str,
        now: i64,
    ) -> Result<()> {
        on_tx!(self, c => sqlx::query(
            "insert into idempotency_keys (key, scope, user_id, request_hash, response, created_at)
             values ($1, $2, $3, $4, $5, $6)")
            .bind(key).bind(scope).bind(user_id).bind(request_hash).bind(response).bind(now)
            .execute(&mut *c).await?.rows_affected());
        Ok(())
    }

    // ---- payment batches ------------------------------------------------------------------

    pub async fn insert_payment_batch(&mut self, number: &str, note: &str, by: i64, now: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into payment_batches (number, status, note, created_by, created_at)
             values ($1, 'open', $2, $3, $4) returning id")
            .bind(number).bind(note).bind(by).bind(now).fetch_one(&mut *c).await?))
    }

    /// How many batch numbers start with `prefix` (for the next number).
    pub async fn count_payment_batches_numbered(&mut self, prefix: &str) -> Result<i64> {
        let pattern = format!("{prefix}%");
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "select cast(count(*) as bigint) from payment_batches where number like $1")
            .bind(&pattern).fetch_one(&mut *c).await?))
    }

    pub async fn payment_batch(&mut self, id: i64) -> Result<Option<PaymentBatchRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {BATCH_COLUMNS} from payment_batches b join users u on u.id = b.created_by where b.id = $1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, PaymentBatchRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// Batches, newest first.
    pub async fn payment_batches(&mut self, offset: i64, limit: i64) -> Result<Page<PaymentBatchRow>> {
        let total: i64 = on_tx!(self, c => sqlx::query_scalar("select cast(count(*) as bigint) from payment_batches")
            .fetch_one(&mut *c).await?);
        let sql = sqlx::AssertSqlSafe(format!(
            "select {BATCH_COLUMNS} from payment_batches b join users u on u.id = b.created_by
             order by b.id desc limit $1 offset $2"
        ));
        let rows = on_tx!(self, c => sqlx::query_as::<_, PaymentBatchRow>(sql)
            .bind(limit).bind(offset).fetch_all(&mut *c).await?);
        Ok(Page {
            rows,
            total,
            offset,
            limit,
        })
    }

    /// Recomputes a batch's total from its installments; returns it.
    pub async fn refresh_payment_batch_total(&mut self, id: i64) -> Result<i64> {
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "update payment_batches set total_fen =
                 (select cast(coalesce(sum(amount_fen), 0) as bigint) from installments where payment_batch_id = $1),
                 version = version + 1
             where id = $1 returning total_fen")
            .bind(id).fetch_one(&mut *c).await?))
    }

    /// Marks a batch paid when every installment in it is paid; true when it did.
    pub async fn close_payment_batch_if_paid(&mut self, id: i64, now: i64) -> Result<bool> {
        let n = on_tx!(self, c => sqlx::query(
            "update payment_batches set status = 'paid', paid_at = $2, version = version + 1
             where id = $1 and status = 'open'
               and exists (select 1 from installments i where i.payment_batch_id = $1)
               and not exists (select 1 from installments i where i.payment_batch_id = $1 and i.status <> 'paid')")
            .bind(id).bind(now).execute(&mut *c).await?.rows_affected());
        Ok(n == 1)
    }
}
