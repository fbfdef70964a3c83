//! The release gate (Art. 19) and its input, the annual assessments (Art. 22-23).
//!
//! An installment is releasable only when (1) the policy engine, reading the talent's
//! service record, says its year is due (ADR 0011: the unit records the assessment, the
//! coordination office files it, and the filing re-derives the installments), (2) the leading group approved the release in a
//! meeting with a 批复文号 (the `benefit_release` workflow's `group_decision` → `approved`,
//! which commits the money against the special fund through [`App::approve_release_in`]),
//! and (3) the coordination office issued the certificate (证明) for it (`approved` →
//! `certified`, numbered 阿人才证〔year〕n号). Finance then pays it ([`App::pay`]).

use serde::{Deserialize, Serialize};
use yincai_domain::dates::{DateRange, parse_date};
use yincai_domain::lifecycle::{AssessmentEvent, AssessmentState, EngineVerdict, InstallmentEvent, InstallmentState};
use yincai_domain::money::Fen;
use yincai_domain::workflow::{self, BENEFIT_RELEASE};
use yincai_policy::report::cite_zh;
use yincai_store::{
    AssessmentRow, CertificateRow, InstallmentQuery, InstallmentRow, NewAssessment, NewCertificate, Page, Tx,
    WorkflowItemRow,
};

use crate::clock::beijing_date;
use crate::workflow::{Transitioned, WorkflowObject};
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// The object type of a release's workflow item; its object id is the installment's id.
pub const RELEASE_OBJECT: &str = "installment";

/// Longest service a talent's assessments are recorded for (years).
const MAX_SERVICE_YEAR: i64 = 30;

/// What the unit types to record an assessment (kept as typed).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AssessmentInput {
    #[serde(default)]
    pub talent_id: String,
    /// The service year, 1 for the first year of service.
    #[serde(default)]
    pub service_year: String,
    /// passed | excellent | failed
    #[serde(default)]
    pub result: String,
    /// The assessment document's number (考核文件文号).
    #[serde(default)]
    pub document_number: String,
    /// The document's date, `YYYY-MM-DD`.
    #[serde(default)]
    pub document_date: String,
    #[serde(default)]
    pub note: String,
}

pub fn assessment_result_name(result: &str) -> &'static str {
    match result {
        "passed" => "合格",
        "excellent" => "优秀",
        "failed" => "不合格",
        _ => "未知",
    }
}

/// One due installment with its gate status, for the coordination office's list.
#[derive(Debug, Clone, Serialize)]
pub struct GateRow {
    #[serde(flatten)]
    pub installment: InstallmentRow,
    pub status_name: String,
    /// The article in Chinese (第十三条第㈡项).
    pub article_zh: String,
    pub amount: String,
    /// The release's workflow item (the latest), its state and state name.
    pub item_id: Option<i64>,
    pub item_state: Option<String>,
    pub item_state_name: Option<String>,
    /// Whether a release can be started now (scheduled, due, assessment passed or not
    /// needed, no release under way).
    pub startable: bool,
    /// Why not, when it cannot.
    pub blocked_reason: Option<String>,
}

/// The filters of the due list, as typed: part of the unit's name, part of the benefit's
/// name, a due-date window (YYYY-MM-DD) and an installment status code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DueFilter {
    pub unit: Option<String>,
    pub benefit: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
}

impl DueFilter {
    fn query(
        &self,
        today: jiff::civil::Date,
        scope_root: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<yincai_store::DueInstallmentQuery> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(String::from);
        let mut errors = Vec::new();
        let mut date = |field: &str, label: &str, v: &Option<String>| {
            let text = given(v)?;
            match parse_date(label, &text, DateRange::record(today)) {
                Ok(d) => Some(d.to_string()),
                Err(e) => {
                    errors.push(FieldError::new(field, e.to_string()));
                    None
                }
            }
        };
        let from = date("from", "到期日（自）", &self.from);
        let to = date("to", "到期日（至）", &self.to);
        let status = given(&self.status);
        if let Some(s) = &status
            && InstallmentState::parse(s).is_none()
        {
            errors.push(FieldError::new("status", "状态：请从列表中选择"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(yincai_store::DueInstallmentQuery {
            today: today.to_string(),
            scope_root,
            unit: given(&self.unit),
            benefit: given(&self.benefit),
            from,
            to,
            status,
            limit,
            offset,
        })
    }
}

/// The outcome of starting one release of a selection.
#[derive(Debug, Clone, Serialize)]
pub struct StartOutcome {
    pub installment_id: i64,
    pub item_id: Option<i64>,
    pub error: Option<String>,
}

/// A certificate's text as issued (stored as JSON with the certificate).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CertificateContent {
    pub title: String,
    pub number: String,
    pub talent_name: String,
    pub org_name: String,
    pub benefit_name: String,
    /// 第十三条第㈡项
    pub article_zh: String,
    pub service_year: Option<i64>,
    /// 人民币 12,000.00 元
    pub amount_text: String,
    pub amount_fen: i64,
    pub resolution_number: String,
    /// 2026年11月24日
    pub date_zh: String,
    pub issuer: String,
    /// The body paragraph.
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertificateView {
    pub certificate: CertificateRow,
    pub content: CertificateContent,
    pub installment: InstallmentRow,
}

/// One installment as the talent sees it.
#[derive(Debug, Clone, Serialize)]
pub struct MyInstallment {
    #[serde(flatten)]
    pub installment: InstallmentRow,
    pub status_name: String,
    pub article_zh: String,
    pub amount: String,
    /// due | paid | pending (not yet due) | cancelled
    pub stage: String,
    pub stage_name: String,
}

/// The talent's own benefits: entitled, due, paid, pending, with articles.
#[derive(Debug, Clone, Serialize)]
pub struct MyBenefits {
    pub talent_id: Option<i64>,
    pub talent_name: Option<String>,
    pub installments: Vec<MyInstallment>,
    pub entitled_fen: i64,
    pub due_fen: i64,
    pub paid_fen: i64,
    pub pending_fen: i64,
    pub entitled: String,
    pub due: String,
    pub paid: String,
    pub pending: String,
    /// Non-monetary entitlements (name, article in Chinese).
    pub other_benefits: Vec<(String, String)>,
}

fn yuan(fen: i64) -> String {
    format!("{} 元", Fen(fen).yuan_string())
}

fn not_found_installment() -> AppError {
    AppError::NotFound("待遇".into())
}

fn not_found_assessment() -> AppError {
    AppError::NotFound("考核记录".into())
}

/// 阿人才证〔2026〕7号
pub fn certificate_number(year: i64, seq: i64) -> String {
    format!("阿人才证〔{year}〕{seq}号")
}

/// Why an installment cannot be released now, if it cannot (`today` ISO). The condition
/// beyond the date is the engine's verdict on the installment's year (ADR 0011); a fixed
/// amount without a service year is due by the leading group's decision.
fn blocked(i: &InstallmentRow, today: &str) -> Option<String> {
    if i.status.next(InstallmentEvent::Approve).is_none() {
        return Some(match i.cancel_reason.as_deref().filter(|r| !r.is_empty()) {
            Some(why) => format!("状态：已取消（{why}），不能提请发放"),
            None => format!("状态：当前为“{}”，不能再提请发放", i.status.name_zh()),
        });
    }
    if i.due_on.as_str() > today {
        return Some(format!("到期日：{} 才到期，到期后才能提请发放", i.due_on));
    }
    // A fixed amount (no service year) is due by the leading group's decision.
    let y = i.service_year?;
    match i.engine_status {
        EngineVerdict::Due => None,
        EngineVerdict::AwaitingAssessment => Some(format!(
            "考核：第 {y} 个服务年度的考核结果尚未录入备案，请先由用人单位录入、协调办备案（第十九条）"
        )),
        EngineVerdict::NotPassed => Some(format!(
            "考核：第 {y} 个服务年度考核不合格，不能发放（第十九条、第二十三条）"
        )),
        EngineVerdict::AwaitingServiceMonths => Some(format!(
            "服务月数：第 {y} 个服务年度的服务月数尚未录入确认，请先由用人单位录入、协调办确认（第二十六条）"
        )),
        EngineVerdict::NotServed => Some(format!(
            "服务月数：第 {y} 个服务年度服务不足规定月数，不能发放（第二十六条）"
        )),
        EngineVerdict::ConditionUnmet => Some(format!(
            "条件：{}尚未满足规定条件（如项目效益显著的认定），请先记录认定",
            i.benefit_name
        )),
        EngineVerdict::Future => Some(format!("到期日：第 {y} 个服务年度尚未结束")),
    }
}

/// Service year `n` (1-based) of a service that started on `start` (ISO): its first day
/// and the first day after it (`start + n years`; a start on 29 February ends on 28
/// February or 1 March as jiff's year arithmetic clamps it).
fn service_year_span(start: &str, n: i64) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
    use jiff::ToSpan;
    let start = yincai_domain::dates::parse_iso(start)?;
    let first = start.checked_add((n - 1).years()).ok()?;
    let end = start.checked_add(n.years()).ok()?;
    Some((first, end))
}

/// A service year as typed (1 for the first year of service): assessments and months served
/// are recorded by it.
pub(crate) fn parse_service_year(text: &str) -> std::result::Result<i64, FieldError> {
    match text.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_SERVICE_YEAR).contains(&n) => Ok(n),
        _ => Err(FieldError::new(
            "service_year",
            format!("服务年度：请填写 1 到 {MAX_SERVICE_YEAR} 之间的整数（第 1 个服务年度为 1）"),
        )),
    }
}

impl App {
    // ---- assessments --------------------------------------------------------------------

    /// The unit records a service year's assessment of its talent (status `recorded`).
    pub async fn record_assessment(
        &self,
        actor: &Actor,
        input: &AssessmentInput,
        ctx: &RequestCtx,
    ) -> Result<AssessmentRow> {
        actor.require(Permission::TalentRead)?;
        if !actor.has(Permission::AssessmentRecord) {
            return Err(AppError::Forbidden("年度考核结果由用人单位录入".into()));
        }
        let mut errors = Vec::new();
        let talent_id = input.talent_id.trim().parse::<i64>().ok();
        if talent_id.is_none() {
            errors.push(FieldError::new("talent_id", "人才：请选择本单位的人才"));
        }
        let service_year = parse_service_year(&input.service_year).map_err(|e| errors.push(e)).ok();
        let result = input.result.trim();
        if !matches!(result, "passed" | "excellent" | "failed") {
            errors.push(FieldError::new("result", "考核结果：请选择合格、优秀或不合格"));
        }
        let document_number = input.document_number.trim();
        if document_number.is_empty() || document_number.chars().count() > 100 {
            errors.push(FieldError::new(
                "document_number",
                "考核文件文号：请填写考核结果文件的文号（最多 100 字）",
            ));
        }
        let today = self.today();
        let document_date = input.document_date.trim();
        let date = match parse_date("文件日期", document_date, DateRange::past(today)) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(FieldError::new("document_date", e.to_string()));
                None
            }
        };
        if input.note.chars().count() > 500 {
            errors.push(FieldError::new("note", "备注：最多 500 字"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (talent_id, service_year) = (talent_id.unwrap_or_default(), service_year.unwrap_or_default());
        let mut tx = self.store.begin_write().await?;
        let talent = tx
            .talent(talent_id)
            .await?
            .filter(|t| actor.can_see_org(t.org_id, t.org_parent_id))
            .ok_or_else(|| AppError::invalid("talent_id", "人才：不存在或不属于本单位，请重新选择"))?;
        if talent.org_id != actor.org_id {
            return Err(AppError::invalid("talent_id", "人才：只能录入本单位人才的考核结果"));
        }
        // Only a service year that has ended, with a document dated within or after it.
        let (year_start, year_end) = service_year_span(&talent.start_date, service_year).ok_or_else(|| {
            AppError::invalid(
                "talent_id",
                "人才：服务开始日期未登记或无效，请先由协调办核对引进手续中的服务开始日期",
            )
        })?;
        let last_day = year_end.yesterday().unwrap_or(year_end);
        if year_end > today {
            return Err(AppError::invalid(
                "service_year",
                format!(
                    "服务年度：第 {service_year} 个服务年度（{year_start} 至 {last_day}）尚未结束，该年度结束后（{year_end} 起）才能录入考核结果"
                ),
            ));
        }
        if let Some(d) = date
            && d < year_start
        {
            return Err(AppError::invalid(
                "document_date",
                format!(
                    "文件日期：不能早于第 {service_year} 个服务年度的开始日期 {year_start}（该年度为 {year_start} 至 {last_day}），请核对考核结果文件的日期"
                ),
            ));
        }
        if let Some(existing) = tx
            .assessments(Some(talent_id), None, None, 1000)
            .await?
            .into_iter()
            .find(|a| a.service_year == service_year)
        {
            return Err(AppError::Duplicate(FieldError::new(
                "service_year",
                format!(
                    "服务年度：第 {service_year} 个服务年度的考核已录入（{}，{}），不能重复录入",
                    assessment_result_name(&existing.result),
                    existing.status.name_zh()
                ),
            )));
        }
        let id = tx
            .insert_assessment(
                &NewAssessment {
                    talent_id,
                    org_id: talent.org_id,
                    service_year,
                    result: result.into(),
                    document_number: document_number.into(),
                    document_date: document_date.into(),
                    note: input.note.trim().into(),
                    recorded_by: actor.user_id,
                },
                self.now(),
            )
            .await
            .map_err(|e| {
                AppError::from_store(
                    e,
                    &[("", "service_year", "服务年度：该服务年度的考核已录入，不能重复录入")],
                )
            })?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "assessment_record",
            ("assessment", id.to_string()),
            format!(
                "录入年度考核：{} 第 {service_year} 个服务年度 {}（{document_number}，{document_date}）",
                talent.name,
                assessment_result_name(result)
            ),
        ))
        .await?;
        let row = tx.assessment(id).await?.ok_or_else(not_found_assessment)?;
        tx.commit().await?;
        Ok(row)
    }

    /// The coordination office files a recorded assessment; the installments follow the
    /// service record at once (a passed year becomes due, a failed one is cancelled, as the
    /// policy says). Returns the assessment and how many installments changed.
    pub async fn file_assessment(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        ctx: &RequestCtx,
    ) -> Result<(AssessmentRow, u64)> {
        actor.require(Permission::WorkflowAct)?;
        if !actor.has(Permission::AssessmentFile) {
            return Err(AppError::Forbidden("年度考核结果由协调办备案".into()));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let a = tx.assessment(id).await?.ok_or_else(not_found_assessment)?;
        if a.status.next(AssessmentEvent::File).is_none() {
            return Err(AppError::AlreadyHandled(format!(
                "该考核结果已于 {} 备案",
                a.filed_at.map(crate::clock::format_beijing).unwrap_or_default()
            )));
        }
        if !tx.file_assessment(id, expected_version, actor.user_id, now).await? {
            return Err(AppError::Stale);
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "assessment_file",
            ("assessment", id.to_string()),
            format!(
                "年度考核备案：{} 第 {} 个服务年度 {}（{}）",
                a.talent_name,
                a.service_year,
                assessment_result_name(&a.result),
                a.document_number,
            ),
        ))
        .await?;
        let why = format!(
            "第 {} 个服务年度考核{}备案",
            a.service_year,
            assessment_result_name(&a.result)
        );
        let done = self.rederive_in(&mut tx, Some(actor), ctx, a.talent_id, &why).await?;
        let set = u64::try_from(done.moved + done.added + done.cancelled).unwrap_or(0);
        let row = tx.assessment(id).await?.ok_or_else(not_found_assessment)?;
        tx.commit().await?;
        Ok((row, set))
    }

    /// Assessments in the actor's scope, newest first (optionally one talent's, or in one
    /// status: `recorded` is the coordination office's to-do list).
    pub async fn assessments(
        &self,
        actor: &Actor,
        talent_id: Option<i64>,
        status: Option<&str>,
    ) -> Result<Vec<AssessmentRow>> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        Ok(tx
            .assessments(talent_id, status.filter(|s| !s.is_empty()), actor.org_scope(), 500)
            .await?)
    }

    /// A page of the assessments list: `limit` rows from `offset`, with the total.
    pub async fn assessment_page(
        &self,
        actor: &Actor,
        talent_id: Option<i64>,
        status: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Page<AssessmentRow>> {
        actor.require(Permission::TalentRead)?;
        let mut tx = self.store.begin_read().await?;
        Ok(tx
            .assessment_page(
                talent_id,
                status.filter(|s| !s.is_empty()),
                actor.org_scope(),
                limit.clamp(1, 200),
                offset.max(0),
            )
            .await?)
    }

    /// The assessments under the list's filters for an export; audited with its filters.
    pub async fn export_assessments(
        &self,
        actor: &Actor,
        talent_id: Option<i64>,
        status: Option<&str>,
        limit: i64,
        ctx: &RequestCtx,
    ) -> Result<Vec<AssessmentRow>> {
        actor.require(Permission::TalentRead)?;
        let rows = self
            .store
            .begin_read()
            .await?
            .assessments(talent_id, status.filter(|s| !s.is_empty()), actor.org_scope(), limit)
            .await?;
        let talent = talent_id.map(|t| t.to_string());
        let status = status
            .filter(|s| !s.is_empty())
            .map(|s| AssessmentState::parse(s).map_or(s, |st| st.name_zh()));
        let summary = App::export_summary(
            "年度考核",
            rows.len(),
            &[("人才编号", talent.as_deref()), ("状态", status)],
        );
        self.record_export(actor, ctx, "assessments_exported", "assessment", summary)
            .await?;
        Ok(rows)
    }

    // ---- the gate -----------------------------------------------------------------------

    /// Installments due on or before today, city-wide (or in the actor's scope), narrowed by
    /// the list's filters, with their gate status; `limit` rows from `offset`. A filter that
    /// is not a date or a status is refused, naming its field.
    pub async fn due_installments(
        &self,
        actor: &Actor,
        filter: &DueFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Page<GateRow>> {
        actor.require(Permission::FundRead)?;
        let today = self.today();
        let offset = offset.max(0);
        let limit = limit.max(1);
        let query = filter.query(today, actor.org_scope(), limit, offset)?;
        let today = today.to_string();
        let mut tx = self.store.begin_read().await?;
        let (total, ids) = tx.due_installment_ids(&query).await?;
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(i) = tx.installment(id).await? else { continue };
            rows.push(gate_row(&mut tx, i, &today).await?);
        }
        Ok(Page {
            rows,
            total,
            offset,
            limit,
        })
    }

    /// The due installments under the list's filters for an export (up to `limit`), audited
    /// with its filters.
    pub async fn export_due_installments(
        &self,
        actor: &Actor,
        filter: &DueFilter,
        limit: i64,
        ctx: &RequestCtx,
    ) -> Result<Page<GateRow>> {
        let page = self.due_installments(actor, filter, 0, limit).await?;
        let status = filter
            .status
            .as_deref()
            .map(|s| InstallmentState::parse(s.trim()).map_or(s, |st| st.name_zh()));
        let summary = App::export_summary(
            "到期待遇",
            page.rows.len(),
            &[
                ("单位", filter.unit.as_deref()),
                ("待遇", filter.benefit.as_deref()),
                ("到期日自", filter.from.as_deref()),
                ("到期日至", filter.to.as_deref()),
                ("状态", status),
            ],
        );
        self.record_export(actor, ctx, "due_installments_exported", "installment", summary)
            .await?;
        Ok(page)
    }

    /// The gate status of one installment.
    pub async fn gate_status(&self, actor: &Actor, installment_id: i64) -> Result<GateRow> {
        actor.require(Permission::FundRead)?;
        let today = self.today().to_string();
        let mut tx = self.store.begin_read().await?;
        let i = tx
            .installment(installment_id)
            .await?
            .filter(|i| actor.can_see_org(i.org_id, i.org_parent_id))
            .ok_or_else(not_found_installment)?;
        gate_row(&mut tx, i, &today).await
    }

    /// The coordination office starts the release of one installment (the
    /// `benefit_release` workflow, in `requested`): refused unless it is due and its
    /// assessment passed. Returns the workflow item's id.
    pub async fn start_release(&self, actor: &Actor, installment_id: i64, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::WorkflowAct)?;
        let today = self.today().to_string();
        let mut tx = self.store.begin_write().await?;
        let i = tx
            .installment(installment_id)
            .await?
            .ok_or_else(not_found_installment)?;
        if let Some(why) = blocked(&i, &today) {
            let field = why.split('：').next().map_or("installment", |f| match f {
                "考核" => "assessment",
                "服务月数" => "service_months",
                "条件" => "condition",
                "到期日" => "due_on",
                _ => "status",
            });
            return Err(AppError::invalid(field, why));
        }
        // Checked here, after the installment's own refusals, as the workflow's starter
        // check did before the permission existed (same answers for every role).
        if !actor.has(Permission::ReleaseStart) {
            return Err(AppError::Forbidden("待遇发放由协调办提请".into()));
        }
        let item = self
            .start_in(
                &mut tx,
                actor,
                &BENEFIT_RELEASE,
                &WorkflowObject::new(RELEASE_OBJECT, i.id),
                i.org_id,
                None,
                ctx,
            )
            .await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Starts releases for a selection; each one on its own (one refused does not stop
    /// the others).
    pub async fn start_releases(&self, actor: &Actor, ids: &[i64], ctx: &RequestCtx) -> Result<Vec<StartOutcome>> {
        actor.require(Permission::WorkflowAct)?;
        if !actor.has(Permission::ReleaseStart) {
            return Err(AppError::Forbidden("待遇发放由协调办提请".into()));
        }
        if ids.is_empty() {
            return Err(AppError::invalid("installments", "待遇：请至少选择一笔到期待遇"));
        }
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            match self.start_release(actor, id, ctx).await {
                Ok(item) => out.push(StartOutcome {
                    installment_id: id,
                    item_id: Some(item),
                    error: None,
                }),
                Err(e @ (AppError::Forbidden(_) | AppError::PasswordChangeRequired)) => return Err(e),
                Err(e) => out.push(StartOutcome {
                    installment_id: id,
                    item_id: None,
                    error: Some(error_text(&e)),
                }),
            }
        }
        Ok(out)
    }

    /// `group_decision` → `approved`: the leading group's approval in a meeting commits
    /// the money (balance check); a refusal with the figures undoes the decision.
    pub(crate) async fn release_approving(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Transitioned<'_>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let installment_id = installment_of(t.item)?;
        let resolution = tx
            .last_workflow_event(t.item.id)
            .await?
            .and_then(|e| e.resolution_number)
            .unwrap_or_default();
        self.approve_release_in(tx, actor, installment_id, &resolution, ctx)
            .await?;
        Ok(())
    }

    /// `approved` → `certified`: the coordination office issues the certificate (证明),
    /// numbered uniquely within the year.
    pub(crate) async fn release_certifying(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Transitioned<'_>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let installment_id = installment_of(t.item)?;
        let i = tx
            .installment(installment_id)
            .await?
            .ok_or_else(not_found_installment)?;
        if i.status.next(InstallmentEvent::Certify).is_none() {
            return Err(AppError::invalid(
                "status",
                format!("状态：该笔待遇当前为“{}”，批准兑现后才能出具证明", i.status.name_zh()),
            ));
        }
        let now = self.now();
        let today = beijing_date(now);
        let year = i64::from(today.year());
        let seq = tx.next_certificate_seq(year).await?;
        let number = certificate_number(year, seq);
        let issuer = tx
            .org(actor.org_id)
            .await?
            .map(|o| o.name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "人才工作协调办公室".into());
        let content = certificate_content(&i, &number, &issuer, today);
        let json = serde_json::to_string(&content).map_err(|e| AppError::Internal(e.into()))?;
        tx.insert_certificate(&NewCertificate {
            installment_id: i.id,
            number: number.clone(),
            year,
            seq,
            content: json,
            issued_by: actor.user_id,
            issued_at: now,
        })
        .await
        .map_err(|e| AppError::from_store(e, &[]))?;
        if !tx.certify_installment(i.id, &number, now).await? {
            return Err(AppError::Stale);
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "release_certify",
            ("installment", i.id.to_string()),
            format!(
                "出具证明 {number}：{} {} 第 {} 期 {}（{}）",
                i.talent_name,
                i.benefit_name,
                i.seq,
                Fen(i.amount_fen).format_cn(),
                i.resolution_number.as_deref().unwrap_or("")
            ),
        ))
        .await?;
        Ok(())
    }

    /// The certificate of an installment, for printing.
    pub async fn certificate(&self, actor: &Actor, installment_id: i64) -> Result<CertificateView> {
        if !actor.has(Permission::FundRead) {
            actor.require(Permission::ProfileEdit)?;
        }
        let mut tx = self.store.begin_read().await?;
        let i = tx
            .installment(installment_id)
            .await?
            .ok_or_else(not_found_installment)?;
        let own = if actor.has(Permission::FundRead) {
            actor.can_see_org(i.org_id, i.org_parent_id)
        } else {
            self.my_talent_ids(&mut tx, actor).await?.contains(&i.talent_id)
        };
        if !own {
            return Err(not_found_installment());
        }
        let certificate = tx
            .certificate_of_installment(i.id)
            .await?
            .ok_or_else(|| AppError::NotFound("证明（尚未出具）".into()))?;
        let content: CertificateContent =
            serde_json::from_str(&certificate.content).map_err(|e| AppError::Internal(e.into()))?;
        Ok(CertificateView {
            certificate,
            content,
            installment: i,
        })
    }

    async fn my_talent_ids(&self, tx: &mut Tx, actor: &Actor) -> Result<Vec<i64>> {
        let Some(candidate) = tx.candidate_by_user(actor.user_id).await? else {
            return Ok(Vec::new());
        };
        let q = yincai_store::TalentQuery {
            candidate_id: Some(candidate.id),
            offset: 0,
            limit: 100,
            ..Default::default()
        };
        Ok(tx.talents(&q).await?.rows.into_iter().map(|t| t.id).collect())
    }

    /// The talent's own benefits: what they are entitled to, due, paid and pending, with
    /// the articles.
    pub async fn my_benefits(&self, actor: &Actor) -> Result<MyBenefits> {
        actor.require(Permission::ProfileEdit)?;
        let talent = self.my_talent(actor).await?;
        let today = self.today().to_string();
        let mut out = MyBenefits {
            talent_id: talent.as_ref().map(|t| t.row.id),
            talent_name: talent.as_ref().map(|t| t.row.name.clone()),
            installments: Vec::new(),
            entitled_fen: 0,
            due_fen: 0,
            paid_fen: 0,
            pending_fen: 0,
            entitled: String::new(),
            due: String::new(),
            paid: String::new(),
            pending: String::new(),
            other_benefits: talent
                .as_ref()
                .map(|t| t.benefits.iter().map(|(n, a)| (n.clone(), cite_zh(a))).collect())
                .unwrap_or_default(),
        };
        if let Some(t) = &talent {
            let mut tx = self.store.begin_read().await?;
            let rows = tx
                .installments(&InstallmentQuery {
                    talent_id: Some(t.row.id),
                    limit: 1000,
                    ..InstallmentQuery::default()
                })
                .await?
                .rows;
            let overflow = || AppError::Internal(anyhow::anyhow!("benefit sum overflows"));
            for i in rows {
                let (stage, stage_name) = match i.status {
                    InstallmentState::Cancelled => ("cancelled", "已取消"),
                    InstallmentState::Paid => ("paid", "已发放"),
                    _ if i.due_on.as_str() <= today.as_str() => ("due", "已到期，待发放"),
                    _ => ("pending", "未到期"),
                };
                if stage != "cancelled" {
                    out.entitled_fen = out.entitled_fen.checked_add(i.amount_fen).ok_or_else(overflow)?;
                }
                let bucket = match stage {
                    "paid" => Some(&mut out.paid_fen),
                    "due" => Some(&mut out.due_fen),
                    "pending" => Some(&mut out.pending_fen),
                    _ => None,
                };
                if let Some(b) = bucket {
                    *b = b.checked_add(i.amount_fen).ok_or_else(overflow)?;
                }
                out.installments.push(MyInstallment {
                    status_name: i.status.name_zh().into(),
                    article_zh: cite_zh(&i.article),
                    amount: yuan(i.amount_fen),
                    stage: stage.into(),
                    stage_name: stage_name.into(),
                    installment: i,
                });
            }
        }
        out.entitled = yuan(out.entitled_fen);
        out.due = yuan(out.due_fen);
        out.paid = yuan(out.paid_fen);
        out.pending = yuan(out.pending_fen);
        Ok(out)
    }
}

fn error_text(e: &AppError) -> String {
    match e {
        AppError::Invalid(errors) => errors.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("；"),
        AppError::Duplicate(f) => f.message.clone(),
        other => other.to_string(),
    }
}

fn installment_of(item: &WorkflowItemRow) -> Result<i64> {
    if item.object_type != RELEASE_OBJECT {
        return Err(AppError::Internal(anyhow::anyhow!(
            "release item {} is on {}",
            item.id,
            item.object_type
        )));
    }
    item.object_id
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("release item {} has no installment", item.id)))
}

async fn gate_row(tx: &mut Tx, i: InstallmentRow, today: &str) -> Result<GateRow> {
    let item = tx
        .workflow_items_for_object(RELEASE_OBJECT, &i.id.to_string())
        .await?
        .into_iter()
        .rfind(|w| w.workflow == BENEFIT_RELEASE.code);
    let under_way = item
        .as_ref()
        .is_some_and(|w| BENEFIT_RELEASE.state(&w.state).is_some_and(|s| !s.terminal));
    let mut blocked_reason = blocked(&i, today);
    if blocked_reason.is_none() && under_way {
        blocked_reason = Some("发放审批：已在办理中".into());
    }
    let def: &workflow::WorkflowDef = &BENEFIT_RELEASE;
    Ok(GateRow {
        status_name: i.status.name_zh().into(),
        article_zh: cite_zh(&i.article),
        amount: yuan(i.amount_fen),
        item_id: item.as_ref().map(|w| w.id),
        item_state_name: item.as_ref().map(|w| def.state_name(&w.state).to_string()),
        item_state: item.map(|w| w.state),
        startable: blocked_reason.is_none(),
        blocked_reason,
        installment: i,
    })
}

fn certificate_content(i: &InstallmentRow, number: &str, issuer: &str, today: jiff::civil::Date) -> CertificateContent {
    let article_zh = cite_zh(&i.article);
    let amount_text = format!(
        "人民币 {} 元（大写：{}）",
        Fen(i.amount_fen).yuan_string(),
        Fen(i.amount_fen).uppercase_cn()
    );
    let resolution = i.resolution_number.clone().unwrap_or_default();
    let year_text = i
        .service_year
        .map_or_else(String::new, |y| format!("第 {y} 个服务年度"));
    let assessed = if i.service_year.is_some() {
        format!("{year_text}考核合格，")
    } else {
        String::new()
    };
    let body = format!(
        "兹证明{}同志系{}引进人才，{}经人才工作领导小组审议同意（{}），\
         依据人才引进政策{}，可享受{}{}（第 {} 期），金额{}。特此证明。",
        i.talent_name, i.org_name, assessed, resolution, article_zh, year_text, i.benefit_name, i.seq, amount_text
    );
    CertificateContent {
        title: "证明".into(),
        number: number.into(),
        talent_name: i.talent_name.clone(),
        org_name: i.org_name.clone(),
        benefit_name: i.benefit_name.clone(),
        article_zh,
        service_year: i.service_year,
        amount_text,
        amount_fen: i.amount_fen,
        resolution_number: resolution,
        date_zh: yincai_domain::dates::date_in_figures(today),
        issuer: issuer.into(),
        body,
    }
}
