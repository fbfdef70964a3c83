//! Installments and the special fund (Art. 19, 29): what becomes due and when, the annual
//! budget, the release approval (a commitment against the due year's budget) and the
//! payment (once, by finance, of a certified release, within the budget), payment batches.
//!
//! Every fund transaction of a year takes the year's lock first ([`Tx::lock_fund_year`]),
//! then reads the balance, so two releases can never both spend the last yuan; the unique
//! installment key of `payments` is the permanent guard against paying twice, idempotency
//! keys the polite one. Transient refusals of the database under load (SQLite busy, a pool
//! timeout, a PostgreSQL serialization failure or deadlock) are retried a few times.
//! See docs/adr/0007-special-fund-ledger.md.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use yincai_domain::lifecycle::{BatchState, EngineVerdict, InstallmentEvent, InstallmentState};
use yincai_domain::money::Fen;
use yincai_policy::report::{Report, Terms};
use yincai_store::{
    FundBalances, FundBudgetRow, InstallmentQuery, InstallmentRow, LedgerRow, NewInstallment, NewPayment, NewPosting,
    Page, PaymentBatchRow, PostingKind, StoreError, Tx,
};

use crate::clock::format_beijing;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// How long an idempotency key answers a repeated payment: 30 days. A client retries within
/// minutes, and the unique payment key is the permanent guard, so the table only ever holds
/// a month of keys (older ones are dropped before a new one is written).
pub const IDEMPOTENCY_KEY_RETENTION_MS: i64 = 30 * 24 * 3600 * 1000;

/// How often a transaction refused for a transient reason is tried in all.
const ATTEMPTS: u32 = 8;

/// The installments of a frozen report: one per schedule entry of every entitlement with
/// money (monthly, per year, lump sum — a lump sum is seq 1); ranges, discretionary and
/// housing terms are decided elsewhere. Entries for a year that earned nothing (failed
/// assessment, too few months) and zero amounts are left out. Pure: the benchmark times it.
pub fn installment_rows(talent_id: i64, org_id: i64, report: &Report) -> Vec<NewInstallment> {
    let mut rows = Vec::new();
    installment_rows_into(talent_id, org_id, report, &mut rows);
    rows
}

/// [`installment_rows`] appending to `out` (no allocation of the vector in bulk).
pub fn installment_rows_into(talent_id: i64, org_id: i64, report: &Report, out: &mut Vec<NewInstallment>) {
    for (code, e) in &report.entitlements {
        let lump = match e.terms {
            Terms::Monthly { .. } | Terms::PerYear { .. } => false,
            Terms::LumpSum { .. } => true,
            Terms::Housing { .. } | Terms::Range { .. } | Terms::Discretionary { .. } => continue,
        };
        for s in &e.schedule {
            if s.status.is_final_refusal() || s.amount <= 0 {
                continue;
            }
            let Some(amount_fen) = s.amount.checked_mul(100) else {
                continue;
            };
            out.push(NewInstallment {
                talent_id,
                org_id,
                benefit_code: code.clone(),
                benefit_name: e.name.clone(),
                article: e.article.clone(),
                // the service year: stable when a later evaluation adds or drops years
                seq: if lump { 1 } else { i64::from(s.year) },
                service_year: Some(i64::from(s.year)),
                due_on: s.due_on.to_string(),
                amount_fen,
                engine_status: s.status,
            });
            if lump {
                break;
            }
        }
    }
}

/// What finance types to enter or revise a year's budget (kept as typed).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BudgetInput {
    /// The year, e.g. `2027`.
    #[serde(default)]
    pub year: String,
    /// The amount in yuan as written: `12,000,000.00`.
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub note: String,
    /// The version shown when revising an existing year; empty for a new year.
    #[serde(default)]
    pub version: String,
}

/// A year of the fund: budget, growth over the previous year, balances.
#[derive(Debug, Clone, Serialize)]
pub struct FundYear {
    pub year: i64,
    pub budget_fen: i64,
    /// Growth over the previous year's budget, when there is one.
    pub growth_fen: Option<i64>,
    /// The same in percent with two decimals (`12.50%`), when the previous year was not zero.
    pub growth_pct: Option<String>,
    pub committed_fen: i64,
    pub paid_fen: i64,
    pub available_fen: i64,
    pub note: String,
    pub entered_by_name: String,
    pub entered_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundOverview {
    pub years: Vec<FundYear>,
    pub ledger: Page<LedgerRow>,
    /// Certified releases not yet in a payment batch.
    pub releasable: Vec<InstallmentRow>,
    /// The viewer may enter and correct budgets.
    pub may_set_budget: bool,
    /// The viewer may make payment batches and pay.
    pub may_pay: bool,
}

/// The answer to a payment (also what an idempotency key answers again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentReceipt {
    pub payment_id: i64,
    pub installment_id: i64,
    pub talent_name: String,
    pub benefit_name: String,
    pub amount_fen: i64,
    pub fund_year: i64,
    pub batch_id: Option<i64>,
    pub paid_at: i64,
    pub paid_by: String,
    /// The year's available balance after the payment.
    pub available_after_fen: i64,
}

/// What finance chose for a new payment batch.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BatchInput {
    pub installment_ids: Vec<i64>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchView {
    pub batch: PaymentBatchRow,
    pub installments: Vec<InstallmentRow>,
    /// The viewer may export and pay the batch.
    pub may_pay: bool,
    /// How many installments of the batch are still to be paid, and their total (what
    /// paying the batch would pay, shown in its confirmation).
    pub unpaid: usize,
    pub unpaid_fen: i64,
    /// The payees still to be paid who have no bank account recorded (names, once each):
    /// the bank cannot pay them from the batch's file.
    pub missing_accounts: Vec<String>,
}

/// One installment of a batch that could not be paid, with why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentRefusal {
    pub installment_id: i64,
    pub talent_name: String,
    pub amount_fen: i64,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchPayment {
    pub paid: Vec<PaymentReceipt>,
    pub refused: Vec<PaymentRefusal>,
}

/// Whether an error is the database asking to try again later.
fn is_transient(e: &AppError) -> bool {
    let AppError::Internal(inner) = e else {
        return false;
    };
    let Some(StoreError::Db(db)) = inner.downcast_ref::<StoreError>() else {
        return false;
    };
    let text = db.to_string();
    // SQLite: SQLITE_BUSY (5), SQLITE_LOCKED (6) and extended busy codes; a pool timeout;
    // PostgreSQL: serialization failure (40001), deadlock (40P01).
    text.contains("database is locked")
        || text.contains("database table is locked")
        || text.contains("pool timed out")
        || text.contains("40001")
        || text.contains("40P01")
        || text.contains("deadlock detected")
        || text.contains("could not serialize")
}

fn not_found_installment() -> AppError {
    AppError::NotFound("待遇兑现记录".into())
}

fn fund_year_of(inst: &InstallmentRow) -> Result<i64> {
    yincai_domain::ledger::fund_year_of(&inst.due_on).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "installment {} has a bad due date {}",
            inst.id,
            inst.due_on
        ))
    })
}

fn no_budget(year: i64) -> AppError {
    AppError::invalid(
        "budget",
        format!("预算：{year} 年度专项资金预算尚未录入，请财政局先录入 {year} 年度预算"),
    )
}

/// Takes the lock of the installment's fund year (refused while the year has no budget) and
/// reads the installment again under it, as the approval and the payment both must.
async fn lock_installment_year(tx: &mut Tx, installment_id: i64) -> Result<(i64, InstallmentRow)> {
    let first = tx
        .installment(installment_id)
        .await?
        .ok_or_else(not_found_installment)?;
    let year = fund_year_of(&first)?;
    if !tx.lock_fund_year(year).await? {
        return Err(no_budget(year));
    }
    let inst = tx
        .installment(installment_id)
        .await?
        .ok_or_else(not_found_installment)?;
    Ok((year, inst))
}

fn shortfall(year: i64, available: i64, amount: i64) -> AppError {
    AppError::invalid(
        "budget",
        format!(
            "预算：{year} 年度专项资金可用余额 {}，不足以支付 {}（第二十九条）",
            Fen(available).format_cn(),
            Fen(amount).format_cn()
        ),
    )
}

/// Growth in percent with two decimals, rounded half away from zero, from integers.
pub fn growth_pct(previous: i64, current: i64) -> Option<String> {
    if previous == 0 {
        return None;
    }
    let diff = i128::from(current) - i128::from(previous);
    let prev = i128::from(previous);
    // basis points (1/100 %), rounded
    let scaled = diff * 10_000;
    let bp = (scaled.abs() * 2 + prev.abs()) / (prev.abs() * 2);
    let negative = (scaled < 0) != (prev < 0) && bp != 0;
    Some(format!(
        "{}{}.{:02}%",
        if negative { "-" } else { "" },
        bp / 100,
        bp % 100
    ))
}

async fn retry_pause(attempt: u32) {
    tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt) * u64::from(attempt))).await;
}

/// The largest year's budget taken, in fen: 100 亿元.
const MAX_BUDGET_FEN: i64 = 1_000_000_000_000;

impl App {
    // ---- installments -------------------------------------------------------------------

    /// Derives a talent's installments from its service record (at introduction: the frozen
    /// report's facts); re-running inserts nothing new. Returns how many were inserted. Runs
    /// in the caller's transaction (no audit: the caller's record covers it).
    pub(crate) async fn schedule_installments(&self, tx: &mut Tx, talent_id: i64) -> Result<u64> {
        Ok(u64::try_from(self.rederive(tx, talent_id).await?.added).unwrap_or(0))
    }

    /// [`App::schedule_installments`] in a transaction of its own, audited when it inserted
    /// anything (for tests, the demo and maintenance).
    pub async fn schedule_installments_for(&self, talent_id: i64, ctx: &RequestCtx) -> Result<u64> {
        let mut tx = self.store.begin_write().await?;
        let n = self.schedule_installments(&mut tx, talent_id).await?;
        if n > 0 {
            tx.append_audit(&self.audit_by_system(
                ctx,
                "installments_schedule",
                ("talent", talent_id.to_string()),
                format!("按冻结的政策计算结果生成待遇兑现计划 {n} 笔"),
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// One installment (fund readers and the leading group see every one).
    pub async fn installment(&self, actor: &Actor, id: i64) -> Result<InstallmentRow> {
        if !actor.has(Permission::FundRead) {
            actor.require(Permission::MeetingDecide)?;
        }
        let mut tx = self.store.begin_read().await?;
        tx.installment(id).await?.ok_or_else(not_found_installment)
    }

    // ---- budgets --------------------------------------------------------------------------

    /// Enters a year's budget or revises it (finance). A revision may not go below what
    /// is already committed and paid; the ledger gets the difference.
    pub async fn set_budget(&self, actor: &Actor, input: &BudgetInput, ctx: &RequestCtx) -> Result<FundBudgetRow> {
        actor.require(Permission::FundBudget)?;
        let mut errors = Vec::new();
        let year = match input.year.trim().parse::<i64>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                errors.push(FieldError::new("year", "年度：请填写四位年份（2000—2100），如 2027"));
                None
            }
        };
        let amount = match Fen::parse_yuan(&input.amount) {
            Ok(f) if f.is_negative() => {
                errors.push(FieldError::new("amount", "金额：预算不能为负数，请填写 0 或正数"));
                None
            }
            // A plausible bound (issue 9, F13): 100 亿元 is far beyond any city's talent fund.
            Ok(f) if f.0 > MAX_BUDGET_FEN => {
                errors.push(FieldError::new(
                    "amount",
                    "金额：年度预算不能超过 100 亿元（10,000,000,000.00 元），请核对金额的单位和位数",
                ));
                None
            }
            Ok(f) => Some(f.0),
            Err(e) => {
                errors.push(FieldError::new("amount", e.to_string()));
                None
            }
        };
        let note = input.note.trim();
        if note.chars().count() > 500 {
            errors.push(FieldError::new("note", "说明：最多 500 字，请精简"));
        }
        let version = match input.version.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errors.push(FieldError::new("version", "版本：无效，请刷新页面后重试"));
                    None
                }
            },
        };
        let (Some(year), Some(amount)) = (year, amount) else {
            return Err(AppError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut tx = self.store.begin_write().await?;
        let now = self.now();
        let existing = if tx.lock_fund_year(year).await? {
            tx.fund_budget(year).await?
        } else {
            None
        };
        let (diff, summary) = match (&existing, version) {
            (None, _) => {
                tx.insert_fund_budget(year, amount, note, actor.user_id, now)
                    .await
                    .map_err(|e| {
                        AppError::from_store(
                            e,
                            &[(
                                "fund_budgets.year",
                                "year",
                                "年度：该年度预算已录入，请刷新后在原预算上修改",
                            )],
                        )
                    })?;
                (
                    amount,
                    format!("录入 {year} 年度专项资金预算 {}", Fen(amount).format_cn()),
                )
            }
            (Some(_), None) => {
                return Err(AppError::Duplicate(FieldError::new(
                    "year",
                    format!("年度：{year} 年度预算已录入，请在列表中点“修改”调整预算"),
                )));
            }
            (Some(old), Some(v)) => {
                let b = tx.fund_balances(year).await?;
                let spent = b.committed_fen + b.paid_fen;
                if amount < spent {
                    return Err(AppError::invalid(
                        "amount",
                        format!(
                            "金额：{year} 年度已批准占用 {}、已支付 {}，合计 {}，预算不能低于该数",
                            Fen(b.committed_fen).format_cn(),
                            Fen(b.paid_fen).format_cn(),
                            Fen(spent).format_cn()
                        ),
                    ));
                }
                tx.update_fund_budget(year, v, amount, note, actor.user_id, now).await?;
                (
                    amount - old.amount_fen,
                    format!(
                        "调整 {year} 年度专项资金预算：{} → {}",
                        Fen(old.amount_fen).format_cn(),
                        Fen(amount).format_cn()
                    ),
                )
            }
        };
        if diff != 0 {
            tx.post_fund(&NewPosting {
                year,
                at: now,
                kind: PostingKind::Budget,
                installment_id: None,
                amount_fen: diff,
                actor_id: Some(actor.user_id),
                memo: &summary,
            })
            .await?;
        }
        tx.append_audit(&self.audit_by(actor, ctx, "fund_budget", ("fund_budget", year.to_string()), summary))
            .await?;
        let row = tx
            .fund_budget(year)
            .await?
            .ok_or_else(|| AppError::NotFound("年度预算".into()))?;
        tx.commit().await?;
        Ok(row)
    }

    /// Budgets with growth and balances, the ledger (page), and what can be batched.
    pub async fn fund_overview(&self, actor: &Actor, ledger_year: Option<i64>, offset: i64) -> Result<FundOverview> {
        actor.require(Permission::FundRead)?;
        let mut tx = self.store.begin_read().await?;
        let budgets = tx.fund_budgets().await?;
        let balances = tx.fund_balances_all().await?;
        let years = fund_years(&budgets, &balances);
        let ledger = tx.fund_ledger(ledger_year, offset.max(0), 50).await?;
        let releasable = tx
            .installments(&InstallmentQuery {
                status: Some(InstallmentState::Certified.code().into()),
                unbatched: true,
                limit: 500,
                ..InstallmentQuery::default()
            })
            .await?
            .rows;
        Ok(FundOverview {
            years,
            ledger,
            releasable,
            may_set_budget: actor.has(Permission::FundBudget),
            may_pay: actor.has(Permission::FundPay),
        })
    }

    /// The balances of one year (for checks and the API).
    pub async fn fund_balances(&self, actor: &Actor, year: i64) -> Result<FundBalances> {
        actor.require(Permission::FundRead)?;
        let mut tx = self.store.begin_read().await?;
        Ok(tx.fund_balances(year).await?)
    }

    // ---- release approval ---------------------------------------------------------------

    /// Approves a release (批复文号) in the caller's transaction: checks the due year's
    /// available balance and posts a commitment, or refuses with the figures. The only
    /// caller is the leading group's decision on a meeting's agenda item (`gate.rs`,
    /// Art. 19: money only on a decision taken in a meeting); there is no approval outside
    /// a meeting. Checks no permission: the caller has.
    pub async fn approve_release_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        installment_id: i64,
        resolution_number: &str,
        ctx: &RequestCtx,
    ) -> Result<InstallmentRow> {
        let resolution = resolution_number.trim();
        if resolution.is_empty() || resolution.chars().count() > 100 {
            return Err(AppError::invalid(
                "resolution_number",
                "批复文号：请填写领导小组会议的批复文号（最多 100 字）",
            ));
        }
        let (year, inst) = lock_installment_year(tx, installment_id).await?;
        if inst.status.next(InstallmentEvent::Approve).is_none() {
            return Err(if inst.status == InstallmentState::Cancelled {
                AppError::invalid("status", "状态：该笔待遇已取消，不能批准兑现")
            } else {
                AppError::AlreadyHandled(format!(
                    "该笔待遇已于 {} 批准兑现（批复文号 {}），当前状态：{}",
                    inst.approved_at.map(format_beijing).unwrap_or_default(),
                    inst.resolution_number.as_deref().unwrap_or(""),
                    inst.status.name_zh()
                ))
            });
        }
        if inst.service_year.is_some() && inst.engine_status != EngineVerdict::Due {
            let year_text = inst
                .service_year
                .map_or_else(String::new, |y| format!("第 {y} 个服务年度"));
            return Err(AppError::invalid(
                "assessment",
                format!(
                    "考核：{year_text}按服务记录为“{}”，不能批准兑现（第十九条）",
                    inst.engine_status.label_zh()
                ),
            ));
        }
        let balances = tx.fund_balances(year).await?;
        if balances.available_fen < inst.amount_fen {
            return Err(shortfall(year, balances.available_fen, inst.amount_fen));
        }
        let now = self.now();
        if !tx
            .approve_installment(inst.id, inst.version, resolution, actor.user_id, now)
            .await?
        {
            return Err(AppError::Stale);
        }
        let memo = format!(
            "批准兑现：{} {} 第 {} 期 {}（{}）",
            inst.talent_name,
            inst.benefit_name,
            inst.seq,
            Fen(inst.amount_fen).format_cn(),
            resolution
        );
        tx.post_fund(&NewPosting {
            year,
            at: now,
            kind: PostingKind::Commitment,
            installment_id: Some(inst.id),
            amount_fen: inst.amount_fen,
            actor_id: Some(actor.user_id),
            memo: &memo,
        })
        .await?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "release_approve",
            ("installment", inst.id.to_string()),
            memo,
        ))
        .await?;
        tx.installment(inst.id).await?.ok_or_else(not_found_installment)
    }

    // ---- payment ------------------------------------------------------------------------

    /// Finance pays a certified release: the due year's balance checked again, the payment
    /// inserted (unique per installment), the commitment released and the payment posted,
    /// the installment marked paid, one audit record; all in one transaction. With an
    /// idempotency key the same request answers the first receipt again; another request
    /// with the same key is refused (409).
    pub async fn pay(
        &self,
        actor: &Actor,
        installment_id: i64,
        batch_id: Option<i64>,
        idempotency_key: Option<&str>,
        ctx: &RequestCtx,
    ) -> Result<PaymentReceipt> {
        actor.require(Permission::FundPay)?;
        let key = match idempotency_key.map(str::trim) {
            None | Some("") => None,
            Some(k) if k.len() > 200 => {
                return Err(AppError::invalid(
                    "idempotency_key",
                    "幂等键：最长 200 个字符，请使用较短的键（如 UUID）",
                ));
            }
            Some(k) => Some(k),
        };
        let request_hash = yincai_domain::crypto::sm3_hex(
            format!(
                "fund.pay|user={}|installment={installment_id}|batch={}",
                actor.user_id,
                batch_id.map_or_else(String::new, |b| b.to_string())
            )
            .as_bytes(),
        );
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = async {
                let mut tx = self.store.begin_write().await?;
                if let Some(key) = key
                    && let Some(seen) = tx.idempotency_key(key).await?
                {
                    return replay(&seen.request_hash, &seen.response, &request_hash);
                }
                let receipt = self.pay_in(&mut tx, actor, installment_id, batch_id, key, ctx).await?;
                if let Some(key) = key {
                    let response = serde_json::to_string(&receipt).map_err(|e| AppError::Internal(e.into()))?;
                    let now = self.now();
                    tx.delete_idempotency_keys_before(now.saturating_sub(IDEMPOTENCY_KEY_RETENTION_MS))
                        .await?;
                    tx.insert_idempotency_key(key, "fund.pay", actor.user_id, &request_hash, &response, now)
                        .await?;
                }
                tx.commit().await?;
                Ok(receipt)
            }
            .await;
            match result {
                Err(e) if attempt < ATTEMPTS && (is_transient(&e) || key.is_some() && is_key_race(&e)) => {
                    retry_pause(attempt).await
                }
                // Lost the race to a request with the same key: answer what it answered.
                Err(AppError::AlreadyHandled(message)) => {
                    if let Some(key) = key {
                        let mut tx = self.store.begin_read().await?;
                        if let Some(seen) = tx.idempotency_key(key).await? {
                            return replay(&seen.request_hash, &seen.response, &request_hash);
                        }
                    }
                    return Err(AppError::AlreadyHandled(message));
                }
                other => return other,
            }
        }
    }

    async fn pay_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        installment_id: i64,
        batch_id: Option<i64>,
        key: Option<&str>,
        ctx: &RequestCtx,
    ) -> Result<PaymentReceipt> {
        let (year, inst) = lock_installment_year(tx, installment_id).await?;
        if inst.status.next(InstallmentEvent::Pay).is_none() {
            if inst.status == InstallmentState::Paid {
                return Err(already_paid(tx, &inst).await?);
            }
            return Err(AppError::invalid(
                "status",
                format!(
                    "状态：该笔待遇{}，须经考核合格、领导小组批准并由协调办出具证明后才能支付（第十九条）",
                    inst.status.name_zh()
                ),
            ));
        }
        let batch = match (batch_id, inst.payment_batch_id) {
            (Some(b), Some(ib)) if b != ib => {
                return Err(AppError::invalid("batch", "支付批次：该笔待遇不在此支付批次中，请核对"));
            }
            (Some(b), _) => Some(b),
            (None, ib) => ib,
        };
        if let Some(b) = batch {
            let row = tx
                .payment_batch(b)
                .await?
                .ok_or_else(|| AppError::NotFound("支付批次".into()))?;
            if row.status != BatchState::Open {
                return Err(AppError::invalid(
                    "batch",
                    format!("支付批次：{} 已支付完毕并关闭", row.number),
                ));
            }
        }
        let commitment = tx.open_commitment(inst.id).await?;
        let balances = tx.fund_balances(year).await?;
        if balances.available_fen + commitment < inst.amount_fen {
            return Err(shortfall(year, balances.available_fen + commitment, inst.amount_fen));
        }
        let now = self.now();
        let payment_id = match tx
            .insert_payment(
                &NewPayment {
                    installment_id: inst.id,
                    batch_id: batch,
                    fund_year: year,
                    amount_fen: inst.amount_fen,
                    paid_by: actor.user_id,
                    idempotency_key: key,
                },
                now,
            )
            .await
        {
            Ok(id) => id,
            // (The transaction is unusable after the violation on PostgreSQL: no query.)
            Err(StoreError::Unique { .. }) => {
                return Err(AppError::AlreadyHandled("该笔待遇已支付，不能重复支付".into()));
            }
            Err(e) => return Err(e.into()),
        };
        let memo = format!(
            "支付：{} {} 第 {} 期 {}（证明 {}）",
            inst.talent_name,
            inst.benefit_name,
            inst.seq,
            Fen(inst.amount_fen).format_cn(),
            inst.certificate_number.as_deref().unwrap_or("")
        );
        if commitment != 0 {
            tx.post_fund(&NewPosting {
                year,
                at: now,
                kind: PostingKind::ReleaseOfCommitment,
                installment_id: Some(inst.id),
                amount_fen: commitment,
                actor_id: Some(actor.user_id),
                memo: &memo,
            })
            .await?;
        }
        tx.post_fund(&NewPosting {
            year,
            at: now,
            kind: PostingKind::Payment,
            installment_id: Some(inst.id),
            amount_fen: inst.amount_fen,
            actor_id: Some(actor.user_id),
            memo: &memo,
        })
        .await?;
        if !tx.mark_installment_paid(inst.id, inst.version, batch, now).await? {
            return Err(AppError::Stale);
        }
        if let Some(b) = batch {
            tx.close_payment_batch_if_paid(b, now).await?;
        }
        tx.append_audit(&self.audit_by(actor, ctx, "fund_pay", ("installment", inst.id.to_string()), memo))
            .await?;
        let after = tx.fund_balances(year).await?;
        Ok(PaymentReceipt {
            payment_id,
            installment_id: inst.id,
            talent_name: inst.talent_name,
            benefit_name: inst.benefit_name,
            amount_fen: inst.amount_fen,
            fund_year: year,
            batch_id: batch,
            paid_at: now,
            paid_by: actor.display_name.clone(),
            available_after_fen: after.available_fen,
        })
    }

    // ---- payment batches ------------------------------------------------------------------

    /// Puts certified releases not yet in a batch into a new batch (finance).
    pub async fn create_batch(&self, actor: &Actor, input: &BatchInput, ctx: &RequestCtx) -> Result<PaymentBatchRow> {
        actor.require(Permission::FundPay)?;
        let mut ids = input.installment_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Err(AppError::invalid(
                "installment_ids",
                "待遇：请至少勾选一笔已出具证明、尚未编入批次的待遇",
            ));
        }
        let note = input.note.trim();
        if note.chars().count() > 500 {
            return Err(AppError::invalid("note", "说明：最多 500 字，请精简"));
        }
        let mut tx = self.store.begin_write().await?;
        let now = self.now();
        let year = self.today().year();
        let prefix = format!("ZF{year}-");
        let issued = tx.count_payment_batches_numbered(&prefix).await?;
        let n = tx
            .next_document_number("payment_batch", i64::from(year), issued)
            .await?;
        let number = format!("{prefix}{n:04}");
        let id = tx
            .insert_payment_batch(&number, note, actor.user_id, now)
            .await
            .map_err(|e| {
                AppError::from_store(e, &[("payment_batches.number", "number", "批次号：已被占用，请重试")])
            })?;
        let mut refused = Vec::new();
        for installment in &ids {
            if !tx.assign_installment_to_batch(*installment, id, now).await? {
                refused.push(installment.to_string());
            }
        }
        if !refused.is_empty() {
            return Err(AppError::invalid(
                "installment_ids",
                format!(
                    "待遇：编号 {} 不是已出具证明、尚未编入批次的待遇，请刷新后重新勾选",
                    refused.join("、")
                ),
            ));
        }
        let total = tx.refresh_payment_batch_total(id).await?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "fund_batch_create",
            ("payment_batch", id.to_string()),
            format!(
                "建立支付批次 {number}：{} 笔，合计 {}",
                ids.len(),
                Fen(total).format_cn()
            ),
        ))
        .await?;
        let row = tx
            .payment_batch(id)
            .await?
            .ok_or_else(|| AppError::NotFound("支付批次".into()))?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn batches(&self, actor: &Actor, offset: i64) -> Result<Page<PaymentBatchRow>> {
        actor.require(Permission::FundRead)?;
        let mut tx = self.store.begin_read().await?;
        Ok(tx.payment_batches(offset.max(0), 50).await?)
    }

    pub async fn batch(&self, actor: &Actor, id: i64) -> Result<BatchView> {
        actor.require(Permission::FundRead)?;
        let mut tx = self.store.begin_read().await?;
        let batch = tx
            .payment_batch(id)
            .await?
            .ok_or_else(|| AppError::NotFound("支付批次".into()))?;
        let installments = tx
            .installments(&InstallmentQuery {
                batch_id: Some(id),
                limit: 100_000,
                ..InstallmentQuery::default()
            })
            .await?
            .rows;
        let unpaid: Vec<&InstallmentRow> = installments.iter().filter(|i| i.status.is_owed()).collect();
        let unpaid_fen = unpaid.iter().fold(0i64, |sum, i| sum.saturating_add(i.amount_fen));
        let mut missing_accounts: Vec<String> = Vec::new();
        for i in &unpaid {
            let recorded = tx.bank_account(i.talent_id).await?.bank_account_enc.is_some();
            if !recorded && !missing_accounts.contains(&i.talent_name) {
                missing_accounts.push(i.talent_name.clone());
            }
        }
        Ok(BatchView {
            missing_accounts,
            unpaid: unpaid.len(),
            unpaid_fen,
            batch,
            installments,
            may_pay: actor.has(Permission::FundPay),
        })
    }

    /// A batch for the bank's Excel file (finance), with each installment's payee in full (ID
    /// number, bank, account, in the order of the installments); taking them out is audited.
    pub async fn export_batch(
        &self,
        actor: &Actor,
        id: i64,
        ctx: &RequestCtx,
    ) -> Result<(BatchView, Vec<crate::talents::PayeeBank>)> {
        actor.require(Permission::FundPay)?;
        let view = self.batch(actor, id).await?;
        let mut tx = self.store.begin_write().await?;
        let mut payees = Vec::with_capacity(view.installments.len());
        for i in &view.installments {
            payees.push(self.payee_bank(&mut tx, i.talent_id).await?);
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "fund_batch_exported",
            ("payment_batch", id.to_string()),
            format!(
                "导出支付批次 {}（{} 笔，合计 {}）",
                view.batch.number,
                view.installments.len(),
                Fen(view.batch.total_fen).format_cn()
            ),
        ))
        .await?;
        tx.commit().await?;
        Ok((view, payees))
    }

    /// Pays every certified installment of a batch, each by [`App::pay`] (same rules, its
    /// own transaction); those that cannot be paid are returned with why. With a key, each
    /// installment's payment uses `key:installment_id`, so a repeated request pays nothing
    /// twice and answers the same.
    pub async fn pay_batch(
        &self,
        actor: &Actor,
        batch_id: i64,
        idempotency_key: Option<&str>,
        ctx: &RequestCtx,
    ) -> Result<BatchPayment> {
        actor.require(Permission::FundPay)?;
        let view = self.batch(actor, batch_id).await?;
        let mut out = BatchPayment {
            paid: Vec::new(),
            refused: Vec::new(),
        };
        for inst in view.installments {
            if inst.status == InstallmentState::Paid && idempotency_key.is_none() {
                continue;
            }
            let key = idempotency_key
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(|k| format!("{k}:{}", inst.id));
            match self.pay(actor, inst.id, Some(batch_id), key.as_deref(), ctx).await {
                Ok(receipt) => out.paid.push(receipt),
                Err(e @ (AppError::Invalid(_) | AppError::AlreadyHandled(_) | AppError::Stale)) => {
                    if inst.status == InstallmentState::Paid {
                        continue;
                    }
                    out.refused.push(PaymentRefusal {
                        installment_id: inst.id,
                        talent_name: inst.talent_name,
                        amount_fen: inst.amount_fen,
                        message: e.to_string(),
                    })
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

/// The first answer of an idempotency key, or 409 when the request differs.
fn replay(seen_hash: &str, response: &str, request_hash: &str) -> Result<PaymentReceipt> {
    if seen_hash != request_hash {
        return Err(AppError::Duplicate(FieldError::new(
            "idempotency_key",
            "幂等键：该键已用于另一笔支付请求，请为新的请求使用新的键",
        )));
    }
    serde_json::from_str(response).map_err(|e| AppError::Internal(e.into()))
}

/// Two requests with the same new key at once: the loser retries and replays the winner's.
fn is_key_race(e: &AppError) -> bool {
    matches!(e, AppError::Duplicate(f) if f.message.contains("idempotency_keys"))
}

async fn already_paid(tx: &mut Tx, inst: &InstallmentRow) -> Result<AppError> {
    let p = tx.payment_of(inst.id).await?;
    Ok(AppError::AlreadyHandled(match p {
        Some(p) => format!(
            "该笔待遇已于 {} 由 {} 支付 {}，不能重复支付",
            format_beijing(p.paid_at),
            p.paid_by_name,
            Fen(p.amount_fen).format_cn()
        ),
        None => "该笔待遇已支付，不能重复支付".into(),
    }))
}

fn fund_years(budgets: &[FundBudgetRow], balances: &[FundBalances]) -> Vec<FundYear> {
    budgets
        .iter()
        .map(|b| {
            let bal = balances.iter().find(|x| x.year == b.year).copied().unwrap_or_default();
            let prev = budgets.iter().find(|p| p.year == b.year - 1);
            FundYear {
                year: b.year,
                budget_fen: b.amount_fen,
                growth_fen: prev.map(|p| b.amount_fen - p.amount_fen),
                growth_pct: prev.and_then(|p| growth_pct(p.amount_fen, b.amount_fen)),
                committed_fen: bal.committed_fen,
                paid_fen: bal.paid_fen,
                available_fen: bal.available_fen,
                note: b.note.clone(),
                entered_by_name: b.entered_by_name.clone(),
                entered_at: b.entered_at,
                version: b.version,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_in_percent_from_integers() {
        assert_eq!(growth_pct(100, 112), Some("12.00%".into()));
        assert_eq!(growth_pct(300, 400), Some("33.33%".into()));
        assert_eq!(growth_pct(300, 200), Some("-33.33%".into()));
        assert_eq!(growth_pct(3, 5), Some("66.67%".into()));
        assert_eq!(growth_pct(100, 100), Some("0.00%".into()));
        assert_eq!(growth_pct(0, 100), None);
        assert_eq!(growth_pct(i64::MAX, 0), Some("-100.00%".into()));
    }

    #[test]
    fn every_posting_kind_balances() {
        for kind in PostingKind::ALL {
            for amount in [0, 1, 12_345, -7] {
                let legs = kind.legs(amount);
                assert_eq!(legs.iter().map(|l| l.1).sum::<i64>(), 0, "{kind:?}");
            }
        }
    }
}
