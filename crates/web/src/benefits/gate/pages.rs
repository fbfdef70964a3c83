//! The release gate in the browser (Art. 19, 22-23): `/benefits/due` (the coordination
//! office's list of installments due city-wide with their gate status, and a button to
//! start releases for the selected ones), `/assessments` (annual assessments: the unit
//! records, the coordination office files), `/installments/{id}/certificate` (the
//! certificate 证明 on A4, print stylesheet) and `/me/benefits` (the talent's own view).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::Permission;
use yincai_app::clock::format_beijing;
use yincai_app::gate::{
    AssessmentInput, CertificateContent, DueFilter, GateRow, MyBenefits, StartOutcome, assessment_result_name,
};
use yincai_domain::lifecycle::{AssessmentEvent, AssessmentState, InstallmentState};
use yincai_domain::money::Fen;
use yincai_store::{AssessmentRow, Page};

use crate::auth::{Form, PageCall};
use crate::export::{Cell, Column, MAX_ROWS, col, xlsx};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, form_status, render, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/benefits/due", get(due))
        .route("/benefits/due/export.xlsx", get(export_due))
        .route("/benefits/releases", post(start_releases))
        .route("/assessments", get(assessments).post(record_assessment))
        .route("/assessments/export.xlsx", get(export_assessments))
        .route("/assessments/{id}/file", post(file_assessment))
        .route("/installments/{id}/certificate", get(certificate))
        .route("/me/benefits", get(my_benefits))
}

// ---- /benefits/due ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "gate_due.html")]
struct DuePage {
    layout: Layout,
    due: Page<GateRow>,
    can_start: bool,
    outcomes: Vec<StartOutcome>,
    errors: FieldErrors,
    /// The list's filters as typed, what is wrong with them, the statuses to choose from.
    filter: DueFilter,
    filter_errors: FieldErrors,
    statuses: Vec<(&'static str, &'static str)>,
    pager: Pager,
    export_link: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct DueQuery {
    #[serde(flatten)]
    filter: DueFilter,
    #[serde(flatten)]
    paging: Paging,
}

impl DueQuery {
    fn text(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or_default()
    }

    /// The filters as URL pairs, for the pager and the export link.
    fn pairs(&self) -> [(&'static str, &str); 5] {
        let f = &self.filter;
        [
            ("unit", Self::text(&f.unit)),
            ("benefit", Self::text(&f.benefit)),
            ("from", Self::text(&f.from)),
            ("to", Self::text(&f.to)),
            ("status", Self::text(&f.status)),
        ]
    }
}

impl DuePage {
    fn is_paid(&self, s: &InstallmentState) -> bool {
        *s == InstallmentState::Paid
    }
    fn yuan(&self, fen: &i64) -> String {
        Fen(*fen).yuan_string()
    }
}

async fn due_page(call: &PageCall, q: &DueQuery, outcomes: Vec<StartOutcome>, errors: FieldErrors) -> PageResult {
    let paging = Paging {
        page: q.paging.page.clone(),
        per_page: Some(q.paging.per_page.clone().unwrap_or_else(|| "100".into())),
    };
    let (due, filter_errors) = match call
        .app
        .due_installments(&call.actor, &q.filter, paging.offset(), paging.limit())
        .await
    {
        Ok(due) => (due, FieldErrors::default()),
        Err(e) if !e.field_errors().is_empty() => {
            let none = Page {
                rows: Vec::new(),
                total: 0,
                offset: 0,
                limit: paging.limit(),
            };
            (none, e.field_errors().into())
        }
        Err(e) => return Err(e.into()),
    };
    let pager = Pager::new(due.total, &paging, &q.pairs());
    let status = if errors.is_empty() {
        form_status(&filter_errors)
    } else {
        form_status(&errors)
    };
    Ok(render_with(
        status,
        &DuePage {
            layout: call.layout("到期待遇", "/benefits/due"),
            can_start: call.actor.has(Permission::ReleaseStart),
            due,
            outcomes,
            errors,
            filter: q.filter.clone(),
            filter_errors,
            statuses: InstallmentState::ALL
                .iter()
                .filter(|s| **s != InstallmentState::Cancelled)
                .map(|s| (s.code(), s.name_zh()))
                .collect(),
            export_link: format!("/benefits/due/export.xlsx?{}", pager.base),
            pager,
        },
    ))
}

async fn due(call: PageCall, Query(q): Query<DueQuery>) -> PageResult {
    due_page(&call, &q, Vec::new(), FieldErrors::default()).await
}

const DUE_COLUMNS: [Column; 10] = [
    col("人才", 12.0),
    col("单位", 30.0),
    col("待遇", 16.0),
    col("条款", 16.0),
    col("服务年度", 10.0),
    col("到期日", 12.0),
    col("金额（元）", 14.0),
    col("服务记录", 14.0),
    col("批复文号", 22.0),
    col("状态", 12.0),
];

/// The due list under its filters as .xlsx: the amount in yuan as a number with a 合计 row,
/// the due date as a date; the export is audited.
async fn export_due(call: PageCall, Query(q): Query<DueQuery>) -> PageResult {
    let page = call
        .app
        .export_due_installments(&call.actor, &q.filter, MAX_ROWS, &call.ctx)
        .await?;
    let rows: Vec<Vec<Cell>> = page
        .rows
        .into_iter()
        .map(|r| {
            let i = r.installment;
            // The engine's verdict on the year, as the page shows it (ADR 0011).
            let assessed = match i.service_year {
                None => "领导小组核定",
                Some(_) => i.engine_status.label_zh(),
            };
            vec![
                i.talent_name.into(),
                i.org_name.into(),
                i.benefit_name.into(),
                r.article_zh.into(),
                i.service_year.map_or_else(|| Cell::Text(String::new()), Cell::Int),
                Cell::Date(i.due_on),
                Cell::Money(i.amount_fen),
                assessed.into(),
                i.resolution_number.unwrap_or_default().into(),
                r.status_name.into(),
            ]
        })
        .collect();
    Ok(xlsx("到期待遇", "到期待遇", &DUE_COLUMNS, &rows, page.total))
}

async fn start_releases(call: PageCall, form: Form<Vec<(String, String)>>) -> PageResult {
    let ids: Vec<i64> = form
        .value
        .iter()
        .filter(|(k, _)| k == "installment")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    match call.app.start_releases(&call.actor, &ids, &call.ctx).await {
        Ok(outcomes) => due_page(&call, &DueQuery::default(), outcomes, FieldErrors::default()).await,
        Err(e) if !e.field_errors().is_empty() => {
            due_page(&call, &DueQuery::default(), Vec::new(), e.field_errors().into()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- /assessments -----------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct AssessmentQuery {
    talent_id: Option<String>,
    status: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

impl AssessmentQuery {
    fn talent(&self) -> Option<i64> {
        self.talent_id.as_deref().and_then(|t| t.trim().parse().ok())
    }
}

const ASSESSMENT_COLUMNS: [Column; 8] = [
    col("人才", 12.0),
    col("单位", 30.0),
    col("服务年度", 10.0),
    col("结果", 10.0),
    col("文号", 24.0),
    col("文件日期", 12.0),
    col("状态", 10.0),
    col("录入时间", 18.0),
];

/// The assessments under the list's filters as .xlsx (the service year a number, the
/// document date a date); the export is audited.
async fn export_assessments(call: PageCall, Query(q): Query<AssessmentQuery>) -> PageResult {
    let rows = call
        .app
        .export_assessments(&call.actor, q.talent(), q.status.as_deref(), MAX_ROWS, &call.ctx)
        .await?;
    let total = rows.len() as i64;
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|a| {
            vec![
                a.talent_name.into(),
                a.org_name.into(),
                Cell::Int(a.service_year),
                assessment_result_name(&a.result).into(),
                a.document_number.into(),
                Cell::Date(a.document_date),
                a.status.name_zh().into(),
                format_beijing(a.recorded_at).into(),
            ]
        })
        .collect();
    Ok(xlsx("年度考核", "年度考核", &ASSESSMENT_COLUMNS, &rows, total))
}

#[derive(Template)]
#[template(path = "gate_assessments.html")]
struct AssessmentsPage {
    layout: Layout,
    rows: Vec<AssessmentRow>,
    /// The talents the form may name (the unit's).
    talents: Vec<yincai_app::talents::TalentListRow>,
    can_record: bool,
    can_file: bool,
    form: AssessmentInput,
    errors: FieldErrors,
    pager: Pager,
    /// The export of what the list shows under its filters.
    export_link: String,
}

impl AssessmentsPage {
    fn result_name(&self, r: &str) -> &'static str {
        assessment_result_name(r)
    }
    fn status_name(&self, s: &AssessmentState) -> &'static str {
        s.name_zh()
    }
    fn may_file(&self, s: &AssessmentState) -> bool {
        s.next(AssessmentEvent::File).is_some()
    }
    fn time(&self, ms: &i64) -> String {
        format_beijing(*ms)
    }
    fn selected(&self, r: &str) -> bool {
        self.form.result == r
    }
}

async fn assessments_page(
    call: &PageCall,
    q: &AssessmentQuery,
    form: AssessmentInput,
    errors: FieldErrors,
) -> PageResult {
    let page = call
        .app
        .assessment_page(
            &call.actor,
            q.talent(),
            q.status.as_deref(),
            q.paging.offset(),
            q.paging.limit(),
        )
        .await?;
    let pairs = [
        ("talent_id", q.talent_id.as_deref().unwrap_or_default()),
        ("status", q.status.as_deref().unwrap_or_default()),
    ];
    let pager = Pager::new(page.total, &q.paging, &pairs);
    let export_link = format!("/assessments/export.xlsx?{}", pager.base);
    let rows = page.rows;
    Ok(render_with(
        form_status(&errors),
        &AssessmentsPage {
            layout: call.layout("年度考核", "/assessments"),
            talents: if call.actor.has(Permission::AssessmentRecord) {
                crate::pages::talent_choices(call).await?
            } else {
                Vec::new()
            },
            rows,
            can_record: call.actor.has(Permission::AssessmentRecord),
            can_file: call.actor.has(Permission::AssessmentFile),
            form,
            errors,
            pager,
            export_link,
        },
    ))
}

async fn assessments(call: PageCall, Query(q): Query<AssessmentQuery>) -> PageResult {
    let form = AssessmentInput {
        talent_id: q.talent_id.clone().unwrap_or_default(),
        ..AssessmentInput::default()
    };
    assessments_page(&call, &q, form, FieldErrors::default()).await
}

async fn record_assessment(call: PageCall, form: Form<AssessmentInput>) -> PageResult {
    let result = call.app.record_assessment(&call.actor, &form.value, &call.ctx).await;
    after_submit(
        result,
        |a| format!("/assessments?saved={}", a.id),
        |errors| async move { assessments_page(&call, &AssessmentQuery::default(), form.value, errors).await },
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
struct FileForm {
    #[serde(default)]
    version: String,
}

async fn file_assessment(call: PageCall, Path(id): Path<i64>, form: Form<FileForm>) -> PageResult {
    let version = form.value.version.trim().parse().unwrap_or(0);
    call.app.file_assessment(&call.actor, id, version, &call.ctx).await?;
    Ok(Redirect::to(&format!("/assessments?filed={id}")).into_response())
}

// ---- /installments/{id}/certificate -------------------------------------------------------

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    c: CertificateContent,
    back: String,
}

async fn certificate(call: PageCall, Path(id): Path<i64>) -> PageResult {
    let v = call.app.certificate(&call.actor, id).await?;
    let back = if call.actor.has(Permission::FundRead) {
        "/benefits/due".into()
    } else {
        "/me/benefits".into()
    };
    Ok(render(&CertificatePage { c: v.content, back }))
}

// ---- /me/benefits -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "gate_my_benefits.html")]
struct MyBenefitsPage {
    layout: Layout,
    m: MyBenefits,
}

async fn my_benefits(call: PageCall) -> PageResult {
    let m = call.app.my_benefits(&call.actor).await?;
    Ok(render(&MyBenefitsPage {
        layout: call.layout("我的待遇", "/me/benefits"),
        m,
    }))
}
