//! 待遇额度核定 (Art. 14(1), 14(2), 14(7)): where the policy grants a range (项目启动资金
//! 50-300 万元 for categories 1-2, 30-100 万元 for category 3) or leaves the amount to the
//! leading group (14(7), categories 4-6), the coordination office proposes an amount for one
//! talent's project with its reasons; the leading group fixes it in a meeting (批复文号,
//! the `benefit_fixing` workflow). The decision writes a lump-sum installment due on the
//! decision's day, which is then released through the gate (Art. 19) like any other.
//!
//! The entitlement is read from the talent's latest evaluation: the one frozen at the
//! introduction, or a re-evaluation after a change of facts (typically: the project passed
//! its 论证 after the talent arrived). The proposal keeps the range it was made under, so a
//! later change of the policy file or of the facts never moves a proposed or fixed amount.

use serde::{Deserialize, Serialize};
use yincai_domain::money::Fen;
use yincai_domain::workflow::{Action, BENEFIT_FIXING};
use yincai_policy::report::{Report, Terms, cite_zh};
use yincai_store::{FixingRow, NewFixing, NewInstallment, TalentRow, Tx, WorkflowEventRow};

use crate::talents::visible_talent;
use crate::workflow::{ActInput, Transitioned, WorkflowObject};
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// The object type of 待遇额度核定 workflow items.
pub const OBJECT_TYPE: &str = "benefit_fixing";
/// The largest discretionary amount, in yuan (a typo guard: 1 亿).
pub const MAX_DISCRETIONARY_YUAN: i64 = 100_000_000;

/// The proposal as typed (kept whole on an error).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixingInput {
    /// The entitlement's code in the talent's report (e.g. `startup_fund`); only when proposing.
    #[serde(default)]
    pub benefit_code: String,
    /// The amount in yuan as written: `1,500,000` or `1500000.00`.
    #[serde(default)]
    pub amount: String,
    /// The project (科技成果转化项目) the amount is for.
    #[serde(default)]
    pub project: String,
    /// Why this amount: the project's size and the 论证 it passed.
    #[serde(default)]
    pub reason: String,
    /// The version read (edits).
    #[serde(default)]
    pub version: Option<i64>,
}

/// An entitlement of a talent whose amount the leading group fixes, as the talent's page
/// offers it.
#[derive(Debug, Clone, Serialize)]
pub struct Fixable {
    pub benefit_code: String,
    pub benefit_name: String,
    /// As the policy cites it (`14(1)`), and in Chinese.
    pub article: String,
    pub article_zh: String,
    pub min_fen: Option<i64>,
    pub max_fen: Option<i64>,
    /// `500,000.00 至 3,000,000.00 元`, or `由领导小组视项目大小确定`.
    pub range_text: String,
    /// A proposal under way or fixed: a new one cannot be made.
    pub current: Option<i64>,
}

/// A proposal as shown.
#[derive(Debug, Clone, Serialize)]
pub struct FixingView {
    #[serde(flatten)]
    pub row: FixingRow,
    pub article_zh: String,
    pub range_text: String,
    pub state_name: String,
    /// The item's version (send it back to submit).
    pub item_version: Option<i64>,
    pub events: Vec<WorkflowEventRow>,
    /// The leading group's 批复文号, once decided.
    pub resolution_number: Option<String>,
    /// The actor may edit and submit it now.
    pub editable: bool,
}

fn not_found() -> AppError {
    AppError::NotFound("待遇额度核定事项".into())
}

fn range_text(min_fen: Option<i64>, max_fen: Option<i64>) -> String {
    match (min_fen, max_fen) {
        (Some(lo), Some(hi)) => format!("{} 至 {} 元", Fen(lo).yuan_string(), Fen(hi).yuan_string()),
        _ => "由领导小组视项目大小确定".into(),
    }
}

/// The entitlements of a report whose amount is fixed by the leading group, with their
/// range in fen (`None` when discretionary); `current` is left for the caller.
fn fixable_in(report: &Report) -> Vec<Fixable> {
    report
        .entitlements
        .iter()
        .filter_map(|(code, e)| {
            let (lo, hi) = match e.terms {
                Terms::Range { min, max } => (Some(min.checked_mul(100)?), Some(max.checked_mul(100)?)),
                Terms::Discretionary { .. } => (None, None),
                _ => return None,
            };
            Some(Fixable {
                benefit_code: code.clone(),
                benefit_name: e.name.clone(),
                article_zh: cite_zh(&e.article),
                article: e.article.clone(),
                range_text: range_text(lo, hi),
                min_fen: lo,
                max_fen: hi,
                current: None,
            })
        })
        .collect()
}

/// The talent's latest report: the last re-evaluation's, or the one frozen at introduction.
async fn report_of(tx: &mut Tx, t: &TalentRow) -> Result<Report> {
    let latest = tx
        .evaluations(t.id)
        .await?
        .pop()
        .map_or_else(|| t.report.clone(), |e| e.report);
    serde_json::from_str(&latest)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("talent {}: report unreadable: {e}", t.id)))
}

/// Checks project, reason and the amount against the range; returns them trimmed and the
/// amount in fen.
fn validate(input: &FixingInput, min_fen: Option<i64>, max_fen: Option<i64>) -> Result<(String, String, i64)> {
    let mut errors = Vec::new();
    let project = input.project.trim();
    if !(2..=200).contains(&project.chars().count()) {
        errors.push(FieldError::new(
            "project",
            "项目名称：必填，2 至 200 字，请写明在阿拉山口市落地的科技成果转化项目",
        ));
    }
    let reason = input.reason.trim();
    if !(4..=2000).contains(&reason.chars().count()) {
        errors.push(FieldError::new(
            "reason",
            "核定理由：必填，4 至 2000 字，请说明项目规模、论证情况和建议额度的依据",
        ));
    }
    let amount = match Fen::parse_yuan(&input.amount) {
        Err(e) => {
            errors.push(FieldError::new("amount", e.to_string()));
            None
        }
        Ok(f) if f.0 <= 0 => {
            errors.push(FieldError::new("amount", "金额：应大于 0，请填写建议核定的金额（元）"));
            None
        }
        Ok(f) => match (min_fen, max_fen) {
            (Some(lo), Some(hi)) if f.0 < lo || f.0 > hi => {
                errors.push(FieldError::new(
                    "amount",
                    format!(
                        "金额：{} 元不在政策规定的 {} 之内，请在此范围内填写",
                        f.yuan_string(),
                        range_text(min_fen, max_fen)
                    ),
                ));
                None
            }
            (None, _) if f.0 > MAX_DISCRETIONARY_YUAN * 100 => {
                errors.push(FieldError::new(
                    "amount",
                    format!(
                        "金额：{} 元超过 {} 元，请核对是否多写了位数",
                        f.yuan_string(),
                        Fen(MAX_DISCRETIONARY_YUAN * 100).yuan_string()
                    ),
                ));
                None
            }
            _ => Some(f.0),
        },
    };
    match amount {
        Some(a) if errors.is_empty() => Ok((project.to_string(), reason.to_string(), a)),
        _ => Err(AppError::Invalid(errors)),
    }
}

impl App {
    /// The entitlements of a talent whose amount the leading group fixes, each with the
    /// proposal under way or fixed, if any.
    pub async fn fixable_benefits(&self, actor: &Actor, talent_id: i64) -> Result<Vec<Fixable>> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        let talent = visible_talent(&mut tx, actor, talent_id).await?;
        let fixings = tx.fixings_of_talent(talent_id).await?;
        Ok(fixable_in(&report_of(&mut tx, &talent).await?)
            .into_iter()
            .map(|f| Fixable {
                current: fixings
                    .iter()
                    .find(|p| p.benefit_code == f.benefit_code && p.state.as_deref() != Some("rejected"))
                    .map(|p| p.id),
                ..f
            })
            .collect())
    }

    /// The coordination office proposes an amount for one range or discretionary
    /// entitlement of a talent and starts the workflow (`draft`). Returns the proposal's id.
    pub async fn propose_fixing(
        &self,
        actor: &Actor,
        talent_id: i64,
        input: &FixingInput,
        ctx: &RequestCtx,
    ) -> Result<i64> {
        actor.require(Permission::WorkflowAct)?;
        if !actor.has(Permission::FixingPropose) {
            return Err(AppError::Forbidden(
                "待遇额度由人才工作协调办提出，领导小组会议核定".into(),
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let talent = visible_talent(&mut tx, actor, talent_id).await?;
        let code = input.benefit_code.trim();
        let fixable = fixable_in(&report_of(&mut tx, &talent).await?);
        let Some(Fixable {
            benefit_code: code,
            benefit_name: name,
            article,
            min_fen: lo,
            max_fen: hi,
            ..
        }) = fixable.into_iter().find(|f| f.benefit_code == code)
        else {
            let mut errors = match validate(input, None, None) {
                Err(e) => e.field_errors(),
                Ok(_) => Vec::new(),
            };
            errors.insert(
                0,
                FieldError::new(
                    "benefit_code",
                    "待遇项目：该人才的待遇中没有需要领导小组核定额度的项目（如项目启动资金），请从列表中选择",
                ),
            );
            return Err(AppError::Invalid(errors));
        };
        let (project, reason, amount_fen) = validate(input, lo, hi)?;
        if tx.recovery_of_talent(talent.id).await?.is_some() {
            return Err(AppError::invalid(
                "talent",
                "人才：该人才的引进关系已按第二十七条解除，不能再核定待遇",
            ));
        }
        if let Some(f) = tx
            .fixings_of_talent(talent.id)
            .await?
            .into_iter()
            .find(|f| f.benefit_code == code && f.state.as_deref() != Some("rejected"))
        {
            return Err(AppError::Duplicate(FieldError::new(
                "benefit_code",
                format!(
                    "待遇项目：{}的{name}已有核定事项（编号 {}，{}），请在原事项中办理",
                    talent.name,
                    f.id,
                    f.state
                        .as_deref()
                        .map_or_else(String::new, |s| BENEFIT_FIXING.state_name(s))
                ),
            )));
        }
        let now = self.now();
        let id = tx
            .insert_fixing(
                &NewFixing {
                    talent_id: talent.id,
                    org_id: talent.org_id,
                    benefit_code: code,
                    benefit_name: name.clone(),
                    article: article.clone(),
                    min_fen: lo,
                    max_fen: hi,
                    project: project.clone(),
                    reason: reason.clone(),
                    amount_fen,
                    created_by: actor.user_id,
                },
                now,
            )
            .await?;
        let object = WorkflowObject::new(OBJECT_TYPE, id);
        self.start_in(&mut tx, actor, &BENEFIT_FIXING, &object, talent.org_id, None, ctx)
            .await?;
        let summary = format!(
            "待遇额度核定 {id} 号：{}，{name}（{}），项目“{project}”，拟定 {}（政策范围：{}）",
            talent.name,
            cite_zh(&article),
            Fen(amount_fen).format_cn(),
            range_text(lo, hi)
        );
        let mut audit = self.audit_by(actor, ctx, "fixing_propose", (OBJECT_TYPE, id.to_string()), summary);
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Edits the project, reason and amount while the proposal is with the coordination
    /// office (drafted, or returned by the meeting).
    pub async fn update_fixing(&self, actor: &Actor, id: i64, input: &FixingInput, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::WorkflowAct)?;
        let mut tx = self.store.begin_write().await?;
        let row = visible_fixing(&mut tx, actor, id).await?;
        if !may_edit(actor, &row) {
            return Err(AppError::Forbidden(format!(
                "待遇额度只能在“{}”环节由协调办修改，当前环节：{}",
                BENEFIT_FIXING.state_name(BENEFIT_FIXING.initial),
                row.state
                    .as_deref()
                    .map_or_else(String::new, |s| BENEFIT_FIXING.state_name(s))
            )));
        }
        let (project, reason, amount_fen) = validate(input, row.min_fen, row.max_fen)?;
        let version = input.version.unwrap_or(row.version);
        tx.update_fixing(id, version, &project, &reason, amount_fen, self.now())
            .await?;
        let summary = format!(
            "待遇额度核定 {id} 号（{}，{}）修改：项目“{project}”，拟定 {}（原 {}）",
            row.talent_name,
            row.benefit_name,
            Fen(amount_fen).format_cn(),
            Fen(row.amount_fen).format_cn()
        );
        let mut audit = self.audit_by(actor, ctx, "fixing_edit", (OBJECT_TYPE, id.to_string()), summary);
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Submits the proposal to the leading group (`draft` → `group_decision`) with the
    /// item version the actor saw.
    pub async fn submit_fixing(&self, actor: &Actor, id: i64, item_version: i64, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::WorkflowAct)?;
        let item_id = {
            let mut tx = self.store.begin_read().await?;
            visible_fixing(&mut tx, actor, id)
                .await?
                .item_id
                .ok_or_else(not_found)?
        };
        self.act(actor, item_id, item_version, &ActInput::new(Action::Submit), ctx)
            .await?;
        Ok(())
    }

    /// One proposal with its history.
    pub async fn fixing(&self, actor: &Actor, id: i64) -> Result<FixingView> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        let row = visible_fixing(&mut tx, actor, id).await?;
        let crate::workflow::Decided {
            events,
            item_version,
            resolution_number,
        } = crate::workflow::decided(&mut tx, row.item_id).await?;
        Ok(FixingView {
            editable: may_edit(actor, &row),
            item_version,
            events,
            resolution_number,
            ..view(row)
        })
    }

    /// The proposals for one talent, newest first.
    pub async fn fixings_of_talent(&self, actor: &Actor, talent_id: i64) -> Result<Vec<FixingView>> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        visible_talent(&mut tx, actor, talent_id).await?;
        Ok(tx
            .fixings_of_talent(talent_id)
            .await?
            .into_iter()
            .map(|row| FixingView {
                editable: may_edit(actor, &row),
                ..view(row)
            })
            .collect())
    }

    /// The meeting fixed the amount: it becomes a lump-sum installment due today (the
    /// decision's day), checked once more against the frozen range and refused if the
    /// relation has ended since. Runs inside the decision's transaction.
    pub(crate) async fn fixing_approved(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Transitioned<'_>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let id: i64 = t
            .item
            .object_id
            .parse()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("fixing item {} has a bad object id", t.item.id)))?;
        let f = tx.fixing(id).await?.ok_or_else(not_found)?;
        if tx.recovery_of_talent(f.talent_id).await?.is_some() {
            return Err(AppError::invalid(
                "talent",
                format!(
                    "人才：{}的引进关系已按第二十七条解除，不能再核定待遇，请作“不予核定”",
                    f.talent_name
                ),
            ));
        }
        if let (Some(lo), Some(hi)) = (f.min_fen, f.max_fen)
            && !(lo..=hi).contains(&f.amount_fen)
        {
            return Err(AppError::invalid(
                "amount",
                format!(
                    "金额：{} 不在政策规定的 {} 之内，请退回协调办修改",
                    Fen(f.amount_fen).format_cn(),
                    range_text(f.min_fen, f.max_fen)
                ),
            ));
        }
        let today = self.today().to_string();
        let now = self.now();
        let row = NewInstallment {
            talent_id: f.talent_id,
            org_id: f.org_id,
            benefit_code: f.benefit_code.clone(),
            benefit_name: f.benefit_name.clone(),
            article: f.article.clone(),
            seq: 1,
            service_year: None,
            due_on: today,
            amount_fen: f.amount_fen,
            // The leading group's decision is the condition: due from its day.
            engine_status: yincai_domain::lifecycle::EngineVerdict::Due,
        };
        if tx.insert_installments(std::slice::from_ref(&row), now).await? == 0 {
            return Err(AppError::invalid(
                "benefit_code",
                format!(
                    "待遇项目：{}的{}已有发放记录，不能重复核定",
                    f.talent_name, f.benefit_name
                ),
            ));
        }
        let installment = tx
            .installment_of(f.talent_id, &f.benefit_code, 1)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("fixing {id}: installment not found after insert")))?;
        tx.set_fixing_installment(id, installment.id, now).await?;
        let summary = format!(
            "待遇额度核定 {id} 号：{}，{}（{}）核定为 {}，生成发放计划（编号 {}，到期日 {}）",
            f.talent_name,
            f.benefit_name,
            cite_zh(&f.article),
            Fen(f.amount_fen).format_cn(),
            installment.id,
            installment.due_on
        );
        tx.append_audit(&self.audit_by(actor, ctx, "fixing_fixed", (OBJECT_TYPE, id.to_string()), summary))
            .await?;
        Ok(())
    }
}

fn view(row: FixingRow) -> FixingView {
    FixingView {
        article_zh: cite_zh(&row.article),
        range_text: range_text(row.min_fen, row.max_fen),
        state_name: row
            .state
            .as_deref()
            .map_or_else(|| "未进入流程".into(), |s| BENEFIT_FIXING.state_name(s)),
        item_version: None,
        events: Vec::new(),
        resolution_number: None,
        editable: false,
        row,
    }
}

fn may_edit(actor: &Actor, row: &FixingRow) -> bool {
    actor.has(Permission::FixingPropose)
        && actor.has(Permission::WorkflowAct)
        && row.installment_id.is_none()
        && row.state.as_deref() == Some(BENEFIT_FIXING.initial)
}

async fn visible_fixing(tx: &mut Tx, actor: &Actor, id: i64) -> Result<FixingRow> {
    let row = tx.fixing(id).await?.ok_or_else(not_found)?;
    visible_talent(tx, actor, row.talent_id)
        .await
        .map_err(|_| not_found())?;
    Ok(row)
}
