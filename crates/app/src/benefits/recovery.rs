//! Changes of facts and Art. 27 cancellation and recovery.
//!
//! A change of facts (a new title, an assessment result, an end date) is evaluated anew by
//! the policy engine and stored as a NEW evaluation (`talent_evaluations`); the frozen
//! evaluation on the talent's row is never overwritten, and the difference against the
//! previous evaluation (category, each entitlement's due and schedule, obligations) is shown.
//!
//! Ending a relation for cause (Art. 27: 经市协调办核实，报市人才工作领导小组审批) is not
//! called from outside: the coordination office proposes it (`endings`) and the leading
//! group's approval in a meeting runs [`App::end_for_cause_in`] inside the decision's
//! transaction (ADR 0010). It records that change, cancels every future installment (unpaid and not cancelled; an approved or
//! certified one first releases its open commitment in the fund's ledger) and opens a
//! recovery of what was paid, computed by the reading the policy file names (interpretation
//! `cancellation`: `cancel_all` recovers everything paid, `keep_due_before_end` only what was
//! paid for installments due after the end). Finance records each repayment (date, amount,
//! never more than is owed), each with a `recovery` posting in the ledger.
//!
//! Every ending of a relation (for cause, or an end date in a change of facts) also records
//! the end date on the talent's row and returns an allocated housing unit that was not gifted
//! (Art. 14, through the housing module's return), in the same transaction; a gifted unit
//! stays, and the ending's summary says so.

use serde::Serialize;
use yincai_domain::lifecycle::{InstallmentEvent, InstallmentState, RecoveryEvent, RecoveryState};
use yincai_domain::money::Fen;
use yincai_policy::facts::{Facts, Title};
use yincai_policy::report::{Report, Terms};
use yincai_store::fund::{NewPosting, PostingKind};
use yincai_store::{
    EvaluationRow, InstallmentQuery, NewEvaluation, NewRecovery, Page, RecoveryRow, RepaymentRow, TalentRow,
};

use crate::error::lifecycle_step;
use crate::{Actor, App, AppError, Permission, RequestCtx, Result};

/// The interpretation of the policy file that says what Art. 27 cancels.
pub const INTERPRETATION_ID: &str = "cancellation";

/// A talent's current report: the last re-evaluation's, or the frozen one.
pub(crate) async fn current_report(tx: &mut yincai_store::Tx, talent: &TalentRow) -> Result<Report> {
    let evals = tx.evaluations(talent.id).await?;
    Ok(App::latest(talent, &evals)?.1)
}

/// A change of facts as typed (empty = unchanged).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FactsChange {
    /// none | junior | intermediate | vice_senior | senior
    #[serde(default)]
    pub title: String,
    /// End of the relation (ISO date).
    /// An ending for cause is never typed here: it is the leading group's decision (ADR 0010).
    #[serde(default)]
    pub end: String,
    /// The talent's 科技成果转化项目 has landed and passed its 论证 (Art. 14(1), 14(2),
    /// 14(7)): the startup fund becomes an entitlement whose amount the leading group fixes.
    #[serde(default)]
    pub project_verified: bool,
    /// The project has run on and its benefit is found significant (Art. 14(2)): what the
    /// 14(2) housing gift and 15万 安家费 wait for besides the years. The reason records the
    /// basis of the finding.
    #[serde(default)]
    pub project_benefit_significant: bool,
}

/// One line of the difference between two evaluations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub what: String,
    pub before: String,
    pub after: String,
}

/// An evaluation (seq 0 = the frozen one) with its difference from the one before.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationView {
    pub seq: i64,
    pub policy_id: String,
    pub policy_version: String,
    pub change_summary: String,
    pub reason: String,
    pub actor_name: String,
    pub created_at: i64,
    pub category: Option<u8>,
    pub total_due_yuan: i64,
    pub cancelled_by: Option<String>,
    pub diff: Vec<DiffLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvaluationsView {
    pub talent_id: i64,
    pub talent_name: String,
    /// Oldest first; the first is the frozen evaluation.
    pub evaluations: Vec<EvaluationView>,
}

/// An ending for cause the leading group approved, as its decision's hook passes it.
#[derive(Debug, Clone)]
pub(crate) struct CauseEnding<'a> {
    pub ended_on: jiff::civil::Date,
    /// The cause and what the coordination office verified.
    pub reason: &'a str,
    /// The meeting's 批复文号.
    pub document: &'a str,
    /// Where it was decided: the meeting and the agenda item.
    pub decided_in: &'a str,
}

/// A repayment as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RepaymentInput {
    pub paid_on: String,
    pub amount: String,
    #[serde(default)]
    pub note: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecoveryView {
    pub recovery: RecoveryRow,
    pub repayments: Vec<RepaymentRow>,
    pub outstanding_fen: i64,
}

/// A typed date of the programme's records (20 years back to 10 ahead of today).
fn parse_date(field: &str, label: &str, s: &str, today: jiff::civil::Date) -> Result<jiff::civil::Date> {
    yincai_domain::dates::parse_date(label, s, yincai_domain::dates::DateRange::record(today))
        .map_err(|e| AppError::invalid(field, e.to_string()))
}

fn code<T: serde::de::DeserializeOwned>(field: &str, message: &str, s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_owned()))
        .map_err(|_| AppError::invalid(field, message.to_owned()))
}

fn terms_due(t: &Terms) -> Option<i64> {
    match t {
        Terms::Monthly { due, .. } | Terms::PerYear { due, .. } | Terms::LumpSum { due, .. } => Some(*due),
        _ => None,
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| v.to_string())
}

/// The difference between two reports: category, coverage, cancellation, each entitlement's
/// due amount and schedule, obligations.
pub fn diff_reports(before: &Report, after: &Report) -> Vec<DiffLine> {
    let mut out = Vec::new();
    let mut line = |what: String, b: String, a: String| {
        if b != a {
            out.push(DiffLine {
                what,
                before: b,
                after: a,
            });
        }
    };
    line("类别 (category)".into(), opt(before.category), opt(after.category));
    line(
        "适用 (covered)".into(),
        before.covered.to_string(),
        after.covered.to_string(),
    );
    line(
        "取消 (cancelled by)".into(),
        opt(before.cancelled_by.as_deref()),
        opt(after.cancelled_by.as_deref()),
    );
    line(
        "应发合计（元）(total due)".into(),
        before.total_due.to_string(),
        after.total_due.to_string(),
    );
    let keys: std::collections::BTreeSet<&String> =
        before.entitlements.keys().chain(after.entitlements.keys()).collect();
    for k in keys {
        let (b, a) = (before.entitlements.get(k), after.entitlements.get(k));
        let name = a.or(b).map_or(k.as_str(), |e| e.name.as_str());
        line(
            format!("{name}：应发（元）"),
            b.map_or_else(|| "无".to_owned(), |e| opt(terms_due(&e.terms))),
            a.map_or_else(|| "无".to_owned(), |e| opt(terms_due(&e.terms))),
        );
        let sched = |e: Option<&yincai_policy::report::Entitlement>| {
            e.map_or_else(
                || "无".to_owned(),
                |e| {
                    e.schedule
                        .iter()
                        .map(|i| format!("{} {}元", i.due_on, i.amount))
                        .collect::<Vec<_>>()
                        .join("；")
                },
            )
        };
        line(format!("{name}：发放计划"), sched(b), sched(a));
    }
    let obl = |r: &Report, code: &str| {
        r.obligations
            .iter()
            .find(|o| o.code == code)
            .map_or_else(|| "无".to_owned(), |o| format!("{:?}", o.status))
    };
    let codes: std::collections::BTreeSet<&String> = before
        .obligations
        .iter()
        .chain(after.obligations.iter())
        .map(|o| &o.code)
        .collect();
    for c in codes {
        let name = after
            .obligations
            .iter()
            .chain(before.obligations.iter())
            .find(|o| &o.code == c)
            .map_or(c.as_str(), |o| o.name.as_str());
        line(format!("义务：{name}"), obl(before, c), obl(after, c));
    }
    out
}

/// Whether a paid installment due on `due_on` must be recovered after an end for cause on
/// `ended_on`, by the reading of interpretation `cancellation`: `cancel_all` (chosen: every
/// benefit is cancelled, so everything paid) or `keep_due_before_end` (only what was due after
/// the end). Dates are ISO text.
pub fn must_recover(cancel_all: bool, ended_on: &str, due_on: &str) -> bool {
    cancel_all || due_on > ended_on
}

fn parse_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| AppError::Internal(anyhow::anyhow!("stored evaluation unreadable: {e}")))
}

impl App {
    async fn talent_in_scope(&self, actor: &Actor, talent_id: i64) -> Result<TalentRow> {
        let mut tx = self.store.begin_read().await?;
        let t = tx.talent(talent_id).await?;
        match t {
            Some(t) if actor.can_see_org(t.org_id, t.org_parent_id) => Ok(t),
            _ => Err(AppError::NotFound("人才".into())),
        }
    }

    /// The latest facts and report of a talent: the last re-evaluation, or the frozen one.
    pub(crate) fn latest(t: &TalentRow, evals: &[EvaluationRow]) -> Result<(Facts, Report)> {
        match evals.last() {
            Some(e) => Ok((parse_json(&e.facts)?, parse_json(&e.report)?)),
            None => Ok((parse_json(&t.facts)?, parse_json(&t.report)?)),
        }
    }

    /// Applies a change to the facts; returns the new facts and a summary of the change.
    fn apply_change(&self, facts: &Facts, change: &FactsChange, for_cause: bool) -> Result<(Facts, String)> {
        let mut f = facts.clone();
        let mut parts = Vec::new();
        if !change.title.trim().is_empty() {
            let t: Title = code(
                "title",
                "职称：请选择 none、junior、intermediate、vice_senior 或 senior",
                &change.title,
            )?;
            f.person.title = t;
            parts.push(format!("职称改为 {}", change.title.trim()));
        }
        if change.project_verified && !f.project_verified {
            f.project_verified = true;
            parts.push("科技成果转化项目已落地并经有关部门论证".to_string());
        }
        if change.project_benefit_significant && !f.project_benefit_significant {
            f.project_benefit_significant = true;
            parts.push("认定科技成果转化项目连续实施且效益显著".to_string());
        }
        if !change.end.trim().is_empty() {
            let end = parse_date("end", "结束日期", &change.end, self.today())?;
            if end < f.start {
                return Err(AppError::invalid(
                    "end",
                    format!("结束日期：早于开始日期 {}，请改正", f.start),
                ));
            }
            f.end = Some(end);
            f.ended_for_cause = for_cause;
            parts.push(format!(
                "{end} 结束{}",
                if for_cause {
                    "（因第二十七条情形解除）"
                } else {
                    ""
                }
            ));
        } else if for_cause {
            return Err(AppError::invalid("end", "结束日期：因故解除须填写结束日期"));
        }
        if parts.is_empty() {
            return Err(AppError::invalid(
                "title",
                "变更内容：请至少填写职称、项目论证、项目效益认定或结束日期中的一项（已记录的事实不算变化；年度考核在“年度考核”中录入、备案）",
            ));
        }
        let today = self.today();
        if f.as_of < today {
            f.as_of = today;
        }
        Ok((f, parts.join("；")))
    }

    /// Evaluates a change of facts anew and stores it as a new evaluation (the frozen one
    /// stays); returns the talent's evaluations with their differences.
    pub async fn reevaluate_talent(
        &self,
        actor: &Actor,
        talent_id: i64,
        change: &FactsChange,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<EvaluationsView> {
        actor.require(Permission::MeetingManage)?;
        let t = self.talent_in_scope(actor, talent_id).await?;
        if reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                "变更原因：请填写为何重新评估（如职称证书、考核结果文件）",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let evals = tx.evaluations(talent_id).await?;
        let (facts, _) = Self::latest(&t, &evals)?;
        let (facts, mut summary) = self.apply_change(&facts, change, false)?;
        if let Some(end) = facts.end.filter(|_| !change.end.trim().is_empty()) {
            let why = format!("服务于 {end} 结束（{}）", reason.trim());
            summary.push_str(&self.end_relation_in(&mut tx, actor, &t, end, &why, ctx).await?);
        }
        self.store_evaluation(&mut tx, actor, &t, &facts, &summary, reason.trim(), ctx)
            .await?;
        self.rederive_in(&mut tx, Some(actor), ctx, t.id, &summary).await?;
        tx.commit().await?;
        self.talent_evaluations(actor, talent_id).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn store_evaluation(
        &self,
        tx: &mut yincai_store::Tx,
        actor: &Actor,
        t: &TalentRow,
        facts: &Facts,
        summary: &str,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<(i64, Report)> {
        let report = crate::policies()
            .evaluate(facts, false)
            .map_err(|e| AppError::invalid("facts", format!("评估：{e}")))?;
        let facts_json =
            serde_json::to_string(facts).map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))?;
        let report_json =
            serde_json::to_string(&report).map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))?;
        let (_, seq) = tx
            .insert_evaluation(
                &NewEvaluation {
                    talent_id: t.id,
                    policy_id: &report.policy.id,
                    policy_version: &report.policy.version,
                    facts: &facts_json,
                    report: &report_json,
                    change_summary: summary,
                    reason,
                    actor_id: actor.user_id,
                },
                self.now(),
            )
            .await?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "talent_reevaluate",
            ("talent", t.id.to_string()),
            format!("{} 重新评估（第 {seq} 次）：{summary}；原因：{reason}", t.name),
        ))
        .await?;
        Ok((seq, report))
    }

    /// What every ending of a relation does besides the evaluation, in the ending's
    /// transaction: the talent's row records the end date (the talent database and the
    /// talent's page show it), an allocated housing unit that was not gifted goes back
    /// (Art. 14, through the housing module's return), a gifted one stays. Returns the
    /// phrases to append to the ending's summary.
    async fn end_relation_in(
        &self,
        tx: &mut yincai_store::Tx,
        actor: &Actor,
        t: &TalentRow,
        end: jiff::civil::Date,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<String> {
        let end = end.to_string();
        let before = tx.talent(t.id).await?.ok_or(AppError::NotFound("人才".into()))?;
        let mut out = match before.end_date.as_deref() {
            Some(before) if before != end => format!("；人才库结束日期 {before} 改为 {end}"),
            _ => format!("；人才库结束日期记为 {end}"),
        };
        tx.set_talent_end_date(t.id, &end, self.now()).await?;
        for phrase in self
            .return_housing_on_end_in(tx, actor, t.id, &end, reason, ctx)
            .await?
        {
            out.push('；');
            out.push_str(&phrase);
        }
        Ok(out)
    }

    /// The frozen evaluation and every re-evaluation, each with its difference from the one
    /// before.
    pub async fn talent_evaluations(&self, actor: &Actor, talent_id: i64) -> Result<EvaluationsView> {
        actor.require(Permission::TalentRead)?;
        let t = self.talent_in_scope(actor, talent_id).await?;
        let mut tx = self.store.begin_read().await?;
        let evals = tx.evaluations(talent_id).await?;
        let frozen: Report = parse_json(&t.report)?;
        let mut out = vec![EvaluationView {
            seq: 0,
            policy_id: t.policy_id.clone(),
            policy_version: t.policy_version.clone(),
            change_summary: "引进决定时冻结的评估".into(),
            reason: String::new(),
            actor_name: String::new(),
            created_at: t.created_at,
            category: frozen.category,
            total_due_yuan: frozen.total_due,
            cancelled_by: frozen.cancelled_by.clone(),
            diff: Vec::new(),
        }];
        let mut prev = frozen;
        for e in evals {
            let r: Report = parse_json(&e.report)?;
            out.push(EvaluationView {
                seq: e.seq,
                policy_id: e.policy_id,
                policy_version: e.policy_version,
                change_summary: e.change_summary,
                reason: e.reason,
                actor_name: e.actor_name,
                created_at: e.created_at,
                category: r.category,
                total_due_yuan: r.total_due,
                cancelled_by: r.cancelled_by.clone(),
                diff: diff_reports(&prev, &r),
            });
            prev = r;
        }
        Ok(EvaluationsView {
            talent_id,
            talent_name: t.name,
            evaluations: out,
        })
    }

    /// Ends a talent's relation for cause (Art. 27) inside the leading group's decision
    /// (the hook of `talent_ending`'s approval, ADR 0010): records the change as a
    /// re-evaluation, cancels every future installment (releasing open commitments) and opens
    /// the recovery of what was paid by the policy's named reading. Never called otherwise:
    /// no page or API ends a relation without a meeting's decision.
    pub(crate) async fn end_for_cause_in(
        &self,
        tx: &mut yincai_store::Tx,
        actor: &Actor,
        t: &TalentRow,
        ending: &CauseEnding<'_>,
        ctx: &RequestCtx,
    ) -> Result<RecoveryRow> {
        let talent_id = t.id;
        let ended_on = ending.ended_on;
        if tx.recovery_of_talent(talent_id).await?.is_some() {
            return Err(AppError::invalid(
                "ended_on",
                format!("解除日期：{}已因故解除，追回记录已存在，请作“不予解除”", t.name),
            ));
        }
        let evals = tx.evaluations(talent_id).await?;
        let (facts, _) = Self::latest(t, &evals)?;
        let change = FactsChange {
            end: ended_on.to_string(),
            ..FactsChange::default()
        };
        let (facts, mut summary) = self.apply_change(&facts, &change, true)?;
        let plan = crate::policies()
            .select(&facts, None)
            .map_err(|e| AppError::invalid("ended_on", format!("评估：{e}")))?;
        let interp = plan
            .interpretations
            .iter()
            .find(|i| i.id == INTERPRETATION_ID)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("policy file has no `cancellation` interpretation")))?;
        let cancel_all = plan.switches.cancel_all;
        let (interp_id, reading) = (
            format!(
                "{} ({})",
                interp.id,
                if cancel_all {
                    &interp.chosen
                } else {
                    &interp.alternative
                }
            ),
            if cancel_all {
                interp.reading.clone()
            } else {
                interp.alternative_reading.clone()
            },
        );
        let cancel_reason = format!("第二十七条因故解除（{}）", ending.document);
        let ended = self
            .end_relation_in(tx, actor, t, ended_on, &cancel_reason, ctx)
            .await?;
        summary.push_str(&ended);
        self.store_evaluation(tx, actor, t, &facts, &summary, ending.reason, ctx)
            .await?;

        let now = self.now();
        let installments = tx
            .installments(&InstallmentQuery {
                talent_id: Some(talent_id),
                limit: i64::MAX / 4,
                ..InstallmentQuery::default()
            })
            .await?
            .rows;
        let (mut paid, mut owed, mut cancelled, mut cancelled_fen) = (Fen(0), Fen(0), 0i64, Fen(0));
        let overflow = || AppError::Internal(anyhow::anyhow!("amount overflow"));
        for i in &installments {
            match i.status {
                InstallmentState::Paid => {
                    paid = paid.checked_add(Fen(i.amount_fen)).ok_or_else(overflow)?;
                    if must_recover(cancel_all, &ended_on.to_string(), &i.due_on) {
                        owed = owed.checked_add(Fen(i.amount_fen)).ok_or_else(overflow)?;
                    }
                }
                // What can still be cancelled is: release the commitment it holds.
                s if s.next(InstallmentEvent::Cancel).is_some() => {
                    let open = tx.open_commitment(i.id).await?;
                    if open > 0 {
                        let year = yincai_domain::ledger::fund_year_of(&i.due_on)
                            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad due date")))?;
                        tx.lock_fund_year(year).await?;
                        tx.post_fund(&NewPosting {
                            year,
                            at: now,
                            kind: PostingKind::ReleaseOfCommitment,
                            installment_id: Some(i.id),
                            amount_fen: open,
                            actor_id: Some(actor.user_id),
                            memo: &format!(
                                "{} {} 第{}期 因第二十七条解除取消，释放占用",
                                t.name, i.benefit_name, i.seq
                            ),
                        })
                        .await?;
                    }
                    if tx.cancel_installment(i.id, &cancel_reason, now).await? {
                        cancelled += 1;
                        cancelled_fen = cancelled_fen.checked_add(Fen(i.amount_fen)).ok_or_else(overflow)?;
                    }
                }
                _ => {}
            }
        }
        let basis = format!(
            "第二十七条；{}，批复文号 {}；解释 {}：{}。已发 {}，应追回 {}；取消未发 {} 笔 {}{ended}",
            ending.decided_in,
            ending.document,
            interp.id,
            reading,
            paid.format_cn(),
            owed.format_cn(),
            cancelled,
            cancelled_fen.format_cn()
        );
        let id = tx
            .insert_recovery(
                &NewRecovery {
                    talent_id,
                    org_id: t.org_id,
                    ended_on: &ended_on.to_string(),
                    reason: ending.reason,
                    document: ending.document,
                    interpretation_id: &interp_id,
                    reading: &reading,
                    basis: &basis,
                    paid_fen: paid.as_i64(),
                    amount_fen: owed.as_i64(),
                    cancelled_count: cancelled,
                    cancelled_fen: cancelled_fen.as_i64(),
                    status: RecoveryState::opened(owed.as_i64()),
                    created_by: actor.user_id,
                },
                now,
            )
            .await?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "talent_end_for_cause",
            ("recovery", id.to_string()),
            format!("{} 于 {ended_on} 因第二十七条解除：{basis}", t.name),
        ))
        .await?;
        tx.recovery(id).await?.ok_or(AppError::NotFound("追回记录".into()))
    }

    /// Recoveries within the actor's scope, newest first.
    pub async fn recoveries(&self, actor: &Actor, status: Option<&str>, offset: i64) -> Result<Page<RecoveryRow>> {
        actor.require(Permission::FundRead)?;
        let mut tx = self.store.begin_read().await?;
        Ok(tx
            .recoveries(status.filter(|s| !s.is_empty()), actor.org_scope(), offset.max(0), 50)
            .await?)
    }

    pub async fn recovery(&self, actor: &Actor, id: i64) -> Result<RecoveryView> {
        actor.require(Permission::FundRead)?;
        let mut tx = self.store.begin_read().await?;
        let r = tx
            .recovery(id)
            .await?
            .filter(|r| actor.can_see_org(r.org_id, r.org_parent_id))
            .ok_or(AppError::NotFound("追回记录".into()))?;
        let repayments = tx.repayments(id).await?;
        Ok(RecoveryView {
            outstanding_fen: r.amount_fen - r.recovered_fen,
            recovery: r,
            repayments,
        })
    }

    /// Records one repayment (finance): never more than is still owed; a `recovery` posting
    /// in the ledger of the repayment's year.
    pub async fn record_repayment(
        &self,
        actor: &Actor,
        id: i64,
        input: &RepaymentInput,
        ctx: &RequestCtx,
    ) -> Result<RecoveryView> {
        actor.require(Permission::FundPay)?;
        let paid_on = parse_date("paid_on", "还款日期", &input.paid_on, self.today())?;
        let amount = Fen::parse_yuan(&input.amount)
            .map_err(|_| AppError::invalid("amount", "还款金额：请填写金额（元），最多两位小数，如 1200.50"))?;
        if amount.as_i64() <= 0 {
            return Err(AppError::invalid("amount", "还款金额：须大于零"));
        }
        let version: i64 = input
            .version
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("version", "版本：请刷新页面后重试"))?;
        let mut tx = self.store.begin_write().await?;
        let r = tx
            .recovery(id)
            .await?
            .filter(|r| actor.can_see_org(r.org_id, r.org_parent_id))
            .ok_or(AppError::NotFound("追回记录".into()))?;
        let outstanding = r.amount_fen - r.recovered_fen;
        if r.status.is_terminal() || outstanding <= 0 {
            return Err(AppError::invalid("amount", "还款金额：该追回已结清，无需再还款"));
        }
        if amount.as_i64() > outstanding {
            return Err(AppError::invalid(
                "amount",
                format!(
                    "还款金额：超过尚欠的 {}，请按尚欠金额以内填写",
                    Fen(outstanding).format_cn()
                ),
            ));
        }
        if r.version != version {
            return Err(AppError::invalid(
                "version",
                "版本：该追回已被他人更新，请刷新页面后重试",
            ));
        }
        let status = lifecycle_step(
            r.status,
            RecoveryEvent::of_repayment(r.recovered_fen, r.amount_fen, amount.as_i64()),
        )?;
        let now = self.now();
        if !tx.add_recovered(id, amount.as_i64(), version, status, now).await? {
            return Err(AppError::invalid(
                "version",
                "版本：该追回已被他人更新，请刷新页面后重试",
            ));
        }
        let year = i64::from(paid_on.year());
        tx.lock_fund_year(year).await?;
        let memo = format!("{} 第二十七条追回 {}（{paid_on}）", r.talent_name, amount.format_cn());
        let posting = tx
            .post_fund(&NewPosting {
                year,
                at: now,
                kind: PostingKind::Recovery,
                installment_id: None,
                amount_fen: amount.as_i64(),
                actor_id: Some(actor.user_id),
                memo: &memo,
            })
            .await?;
        tx.insert_repayment(
            id,
            &paid_on.to_string(),
            amount.as_i64(),
            input.note.trim(),
            Some(posting),
            actor.user_id,
            now,
        )
        .await?;
        tx.append_audit(&self.audit_by(actor, ctx, "recovery_repayment", ("recovery", id.to_string()), memo))
            .await?;
        tx.commit().await?;
        self.recovery(actor, id).await
    }
}
