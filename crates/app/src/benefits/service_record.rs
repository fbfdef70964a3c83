//! The service record drives the money (ADR 0011, Art. 14, 19, 22-26).
//!
//! A talent's service record is what the tables hold about the service after introduction:
//! the intake facts and every re-evaluation (title, findings, an end not for cause), the filed
//! annual assessments, and the confirmed months served per service year. [`service_facts`]
//! turns it into the engine's `Facts` as of a day; after every recorded fact the engine
//! evaluates them and [`App::rederive_in`] brings the installments in line with its report:
//! a missing one is added, a *scheduled* one is moved or cancelled, and one already approved,
//! certified or paid is never changed silently (a difference becomes a task for the office).
//! Each installment keeps the engine's verdict on its year (`engine_status`); the gate
//! releases only what the engine says is due, so every switch of the policy file is honoured
//! here without a second reading of the rule.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use yincai_domain::Role;
use yincai_domain::lifecycle::{EngineVerdict, InstallmentState};
use yincai_domain::money::Fen;
use yincai_policy::facts::{Assessment, Facts};
use yincai_policy::report::{Report, cite_zh};
use yincai_store::{InstallmentRow, NewInstallment, NewTask, ServiceMonthsRow, TalentRow, Tx};

use crate::fund::installment_rows;
use crate::talents::visible_talent;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// The kind of the office's task when a re-derivation meets money already approved or paid.
pub const TASK_INSTALLMENT_CONFLICT: &str = "installment_conflict";

/// The engine's facts for a talent's service record as of `as_of`: the latest evaluation's
/// facts, with the filed assessments and the confirmed months served, each in service-year
/// order up to the first year not on record (the engine reads one entry a year, in order).
pub(crate) async fn service_facts(tx: &mut Tx, talent: &TalentRow, as_of: Date) -> Result<Facts> {
    let evaluations = tx.evaluations(talent.id).await?;
    let (mut facts, _) = App::latest(talent, &evaluations)?;
    let filed: BTreeMap<i64, Assessment> = tx
        .assessments(Some(talent.id), Some("filed"), None, 1000)
        .await?
        .into_iter()
        .filter_map(|a| {
            let result = match a.result.as_str() {
                "passed" => Assessment::Passed,
                "excellent" => Assessment::Excellent,
                "failed" => Assessment::Failed,
                _ => return None,
            };
            Some((a.service_year, result))
        })
        .collect();
    facts.assessments = (1..).map_while(|y| filed.get(&y).copied()).collect();
    let months: BTreeMap<i64, u8> = tx
        .service_months(talent.id)
        .await?
        .into_iter()
        .filter(|m| m.confirmed_at.is_some())
        .map(|m| (m.service_year, u8::try_from(m.months).unwrap_or(0)))
        .collect();
    facts.service_months = (1..).map_while(|y| months.get(&y).copied()).collect();
    facts.as_of = as_of;
    Ok(facts)
}

/// What a re-derivation changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rederived {
    pub added: usize,
    pub moved: usize,
    pub cancelled: usize,
    /// Scheduled installments the engine now says are due.
    pub became_due: usize,
    /// Approved, certified or paid installments the record no longer supports as they are
    /// (left unchanged; the office has a task).
    pub conflicts: Vec<String>,
}

impl Rederived {
    pub fn is_empty(&self) -> bool {
        self.added + self.moved + self.cancelled == 0 && self.conflicts.is_empty()
    }

    /// 新增 1 笔、调整 2 笔、取消 1 笔（其中 1 笔转为应发放）
    fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (n, what) in [(self.added, "新增"), (self.moved, "调整"), (self.cancelled, "取消")] {
            if n > 0 {
                parts.push(format!("{what} {n} 笔"));
            }
        }
        let mut out = parts.join("、");
        if self.became_due > 0 {
            out.push_str(&format!("（{} 笔转为应发放）", self.became_due));
        }
        if !self.conflicts.is_empty() {
            if !out.is_empty() {
                out.push('；');
            }
            out.push_str(&format!(
                "{} 笔已批准或已支付的待遇与记录不符，已交协调办核对：{}",
                self.conflicts.len(),
                self.conflicts.join("；")
            ));
        }
        out
    }
}

/// The changes that bring `stored` in line with `target` (the report's installments).
#[derive(Debug, Default)]
struct Changes {
    add: Vec<NewInstallment>,
    update: Vec<(i64, NewInstallment)>,
    cancel: Vec<(i64, String)>,
    became_due: usize,
    conflicts: Vec<String>,
}

/// Compares the installments derived from a report (those with a service year; the leading
/// group's fixed amounts have none and are not the report's) with what the report now says.
fn changes(stored: &[InstallmentRow], target: Vec<NewInstallment>, report: &Report, facts: &Facts) -> Changes {
    let mut out = Changes::default();
    let mut wanted: BTreeMap<(String, i64), NewInstallment> = target
        .into_iter()
        .map(|t| ((t.benefit_code.clone(), t.seq), t))
        .collect();
    for s in stored.iter().filter(|s| s.service_year.is_some()) {
        let year = s.service_year.unwrap_or_default();
        match (wanted.remove(&(s.benefit_code.clone(), s.seq)), s.status) {
            (_, InstallmentState::Cancelled) => {}
            (Some(t), InstallmentState::Scheduled) => {
                let differs = t.due_on != s.due_on
                    || t.amount_fen != s.amount_fen
                    || t.engine_status != s.engine_status
                    || t.benefit_name != s.benefit_name
                    || t.article != s.article;
                if differs {
                    if t.engine_status == EngineVerdict::Due && s.engine_status != EngineVerdict::Due {
                        out.became_due += 1;
                    }
                    out.update.push((s.id, t));
                }
            }
            (Some(t), state) => {
                if t.amount_fen != s.amount_fen {
                    out.conflicts.push(format!(
                        "{}第 {year} 个服务年度{}（{}）为 {}，按记录应为 {}",
                        s.benefit_name,
                        state.name_zh(),
                        s.resolution_number.as_deref().unwrap_or(""),
                        Fen(s.amount_fen).format_cn(),
                        Fen(t.amount_fen).format_cn()
                    ));
                }
            }
            (None, InstallmentState::Scheduled) => {
                out.cancel.push((s.id, refusal(report, facts, &s.benefit_code, year)));
            }
            (None, state) => out.conflicts.push(format!(
                "{}第 {year} 个服务年度 {}（{}），按记录不应发放：{}",
                s.benefit_name,
                Fen(s.amount_fen).format_cn(),
                state.name_zh(),
                refusal(report, facts, &s.benefit_code, year)
            )),
        }
    }
    // What is left is new; a key already on record (even cancelled) is never inserted again.
    let on_record: std::collections::BTreeSet<(&str, i64)> =
        stored.iter().map(|s| (s.benefit_code.as_str(), s.seq)).collect();
    out.add = wanted
        .into_values()
        .filter(|t| !on_record.contains(&(t.benefit_code.as_str(), t.seq)))
        .collect();
    out
}

/// Why the report no longer pays a benefit's service year, in the engine's words.
fn refusal(report: &Report, facts: &Facts, code: &str, year: i64) -> String {
    let Some(e) = report.entitlements.get(code) else {
        return "按最新评估不再享有该项待遇".into();
    };
    match e.schedule.iter().find(|s| i64::from(s.year) == year) {
        Some(s) => format!("第 {year} 个服务年度{}（{}）", s.status.label_zh(), cite_zh(&e.article)),
        None => match facts.end {
            Some(end) => format!(
                "服务已于 {end} 结束，第 {year} 个服务年度不再发放（{}）",
                cite_zh(&e.article)
            ),
            None => format!("按最新评估第 {year} 个服务年度无此项待遇（{}）", cite_zh(&e.article)),
        },
    }
}

/// What the unit types to record a service year's months (kept as typed).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ServiceMonthsInput {
    #[serde(default)]
    pub service_year: String,
    #[serde(default)]
    pub months: String,
    /// The attendance record or document the months come from.
    #[serde(default)]
    pub basis: String,
}

impl App {
    /// Brings a talent's installments in line with its service record (no audit; the
    /// caller's record covers it). A talent ended for cause is left alone: the ending
    /// settled its installments and opened the recovery (ADR 0010).
    pub(crate) async fn rederive(&self, tx: &mut Tx, talent_id: i64) -> Result<Rederived> {
        let talent = tx
            .talent(talent_id)
            .await?
            .ok_or_else(|| AppError::NotFound("人才档案".into()))?;
        self.rederive_talent(tx, &talent).await
    }

    async fn rederive_talent(&self, tx: &mut Tx, talent: &TalentRow) -> Result<Rederived> {
        let talent_id = talent.id;
        if tx.recovery_of_talent(talent.id).await?.is_some() {
            return Ok(Rederived::default());
        }
        let facts = service_facts(tx, talent, self.today()).await?;
        let report = crate::policies()
            .evaluate(&facts, false)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("talent {talent_id}: service record: {e}")))?;
        let stored = tx.installments_of_talent(talent.id).await?;
        let target = installment_rows(talent.id, talent.org_id, &report);
        let c = changes(&stored, target, &report, &facts);
        let now = self.now();
        let mut done = Rederived {
            became_due: c.became_due,
            conflicts: c.conflicts,
            ..Rederived::default()
        };
        done.added = usize::try_from(tx.insert_installments(&c.add, now).await?).unwrap_or(0);
        for (id, row) in &c.update {
            if tx.rederive_installment(*id, row, now).await? {
                done.moved += 1;
            }
        }
        for (id, reason) in &c.cancel {
            if tx.cancel_installment(*id, reason, now).await? {
                done.cancelled += 1;
            }
        }
        Ok(done)
    }

    /// [`App::rederive`] with one audit record naming what changed and why (nothing when
    /// nothing did), and a task for the office when money already approved or paid differs.
    pub(crate) async fn rederive_in(
        &self,
        tx: &mut Tx,
        actor: Option<&Actor>,
        ctx: &RequestCtx,
        talent_id: i64,
        why: &str,
    ) -> Result<Rederived> {
        let talent = tx
            .talent(talent_id)
            .await?
            .ok_or_else(|| AppError::NotFound("人才档案".into()))?;
        let done = self.rederive_talent(tx, &talent).await?;
        if done.is_empty() {
            return Ok(done);
        }
        let name = talent.name;
        let summary = format!("{name} 按服务记录重新计算待遇（{why}）：{}", done.summary());
        let object = ("talent", talent_id.to_string());
        let audit = match actor {
            Some(a) => self.audit_by(a, ctx, "installments_rederive", object, summary),
            None => self.audit_by_system(ctx, "installments_rederive", object, summary),
        };
        tx.append_audit(&audit).await?;
        if !done.conflicts.is_empty() {
            tx.insert_task(
                &NewTask {
                    kind: TASK_INSTALLMENT_CONFLICT.into(),
                    title: format!(
                        "核对{name}的待遇：{} 笔已批准或已支付的款项与服务记录不符",
                        done.conflicts.len()
                    ),
                    link: format!("/talents/{talent_id}"),
                    role: Some(Role::Coordination.code().into()),
                    org_id: None,
                    user_id: None,
                    object_type: "talent".into(),
                    object_id: talent_id.to_string(),
                    due_date: None,
                },
                self.now(),
            )
            .await?;
        }
        Ok(done)
    }

    /// Re-derives every talent's installments, each in a transaction of its own (after a
    /// change of the policy file, and for the days that passed: a year completing turns
    /// *future* into *awaiting assessment*). Returns how many talents changed.
    pub async fn rederive_all(&self, ctx: &RequestCtx) -> Result<usize> {
        let ids = {
            let mut tx = self.store.begin_read().await?;
            tx.talent_ids().await?
        };
        let mut changed = 0;
        for id in ids {
            let mut tx = self.store.begin_write().await?;
            if !self
                .rederive_in(&mut tx, None, ctx, id, "按当日服务记录核对")
                .await?
                .is_empty()
            {
                changed += 1;
            }
            tx.commit().await?;
        }
        Ok(changed)
    }

    // ---- months served (Art. 26, 14(1)) --------------------------------------------------

    /// A talent's months served by service year.
    pub async fn service_months_of(&self, actor: &Actor, talent_id: i64) -> Result<Vec<ServiceMonthsRow>> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        visible_talent(&mut tx, actor, talent_id).await?;
        Ok(tx.service_months(talent_id).await?)
    }

    /// The unit records the months its talent served in a completed service year (the same
    /// duty as recording the year's assessment); the office confirms them.
    pub async fn record_service_months(
        &self,
        actor: &Actor,
        talent_id: i64,
        input: &ServiceMonthsInput,
        ctx: &RequestCtx,
    ) -> Result<ServiceMonthsRow> {
        actor.require(Permission::TalentRead)?;
        if !actor.has(Permission::AssessmentRecord) {
            return Err(AppError::Forbidden("服务月数由用人单位录入，协调办确认".into()));
        }
        let mut errors = Vec::new();
        let service_year = crate::gate::parse_service_year(&input.service_year)
            .map_err(|e| errors.push(e))
            .ok();
        let months = match input.months.trim().parse::<i64>() {
            Ok(n) if (0..=12).contains(&n) => Some(n),
            _ => {
                errors.push(FieldError::new("months", "服务月数：请填写 0 到 12 之间的整数"));
                None
            }
        };
        let basis = input.basis.trim();
        if !(2..=500).contains(&basis.chars().count()) {
            errors.push(FieldError::new(
                "basis",
                "依据：必填，2 至 500 字，请写明考勤记录或证明材料（如 2026 年度考勤表）",
            ));
        }
        let (Some(service_year), Some(months), true) = (service_year, months, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let mut tx = self.store.begin_write().await?;
        let talent = visible_talent(&mut tx, actor, talent_id).await?;
        if talent.org_id != actor.org_id {
            return Err(AppError::Forbidden("只能录入本单位人才的服务月数".into()));
        }
        let start = yincai_domain::dates::parse_iso(&talent.start_date).ok_or_else(|| {
            AppError::invalid("service_year", "服务年度：服务开始日期未登记，请先由协调办核对引进手续")
        })?;
        let year_end = start
            .checked_add(jiff::Span::new().years(service_year))
            .map_err(|_| AppError::invalid("service_year", "服务年度：超出可登记的范围"))?;
        if year_end > self.today() {
            return Err(AppError::invalid(
                "service_year",
                format!("服务年度：第 {service_year} 个服务年度到 {year_end} 才结束，结束后才能录入服务月数"),
            ));
        }
        if let Some(m) = tx
            .service_months(talent_id)
            .await?
            .into_iter()
            .find(|m| m.service_year == service_year)
        {
            return Err(AppError::Duplicate(FieldError::new(
                "service_year",
                format!(
                    "服务年度：第 {service_year} 个服务年度已录入 {} 个月（{}），不能重复录入",
                    m.months,
                    if m.confirmed_at.is_some() {
                        "协调办已确认"
                    } else {
                        "待协调办确认"
                    }
                ),
            )));
        }
        let id = tx
            .insert_service_months(talent_id, service_year, months, basis, actor.user_id, self.now())
            .await?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "service_months_record",
            ("talent", talent_id.to_string()),
            format!(
                "录入服务月数：{} 第 {service_year} 个服务年度 {months} 个月（依据：{basis}）",
                talent.name
            ),
        ))
        .await?;
        let row = tx
            .service_months_row(id)
            .await?
            .ok_or_else(|| AppError::NotFound("服务月数".into()))?;
        tx.commit().await?;
        Ok(row)
    }

    /// The coordination office confirms a recorded year's months; the installments follow
    /// the record at once. Returns the record and what changed.
    pub async fn confirm_service_months(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        ctx: &RequestCtx,
    ) -> Result<(ServiceMonthsRow, Rederived)> {
        actor.require(Permission::WorkflowAct)?;
        if !actor.has(Permission::AssessmentFile) {
            return Err(AppError::Forbidden("服务月数由协调办确认".into()));
        }
        let mut tx = self.store.begin_write().await?;
        let m = tx
            .service_months_row(id)
            .await?
            .ok_or_else(|| AppError::NotFound("服务月数".into()))?;
        let talent = visible_talent(&mut tx, actor, m.talent_id).await?;
        if m.confirmed_at.is_some() {
            return Err(AppError::AlreadyHandled(format!(
                "第 {} 个服务年度的服务月数已由{}确认",
                m.service_year,
                m.confirmed_by_name.clone().unwrap_or_default()
            )));
        }
        if !tx
            .confirm_service_months(id, version, actor.user_id, self.now())
            .await?
        {
            return Err(AppError::Stale);
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "service_months_confirm",
            ("talent", talent.id.to_string()),
            format!(
                "确认服务月数：{} 第 {} 个服务年度 {} 个月",
                talent.name, m.service_year, m.months
            ),
        ))
        .await?;
        let why = format!("确认第 {} 个服务年度服务 {} 个月", m.service_year, m.months);
        let done = self.rederive_in(&mut tx, Some(actor), ctx, talent.id, &why).await?;
        let row = tx
            .service_months_row(id)
            .await?
            .ok_or_else(|| AppError::NotFound("服务月数".into()))?;
        tx.commit().await?;
        Ok((row, done))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_every_kind_of_change() {
        let r = Rederived {
            added: 1,
            moved: 2,
            cancelled: 1,
            became_due: 1,
            conflicts: vec!["安家费第 1 个服务年度 …".into()],
        };
        let s = r.summary();
        for part in ["新增 1 笔", "调整 2 笔", "取消 1 笔", "1 笔转为应发放", "交协调办核对"] {
            assert!(s.contains(part), "{part} missing in {s}");
        }
        assert!(Rederived::default().is_empty());
    }
}
