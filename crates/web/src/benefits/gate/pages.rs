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
    AssessmentInput, CertificateContent, GateRow, MyBenefits, StartOutcome, assessment_result_name,
};
use yincai_domain::lifecycle::{AssessmentEvent, AssessmentState, InstallmentState};
use yincai_domain::money::Fen;
use yincai_store::{AssessmentRow, Page};

use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, form_status, render, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/benefits/due", get(due))
        .route("/benefits/releases", post(start_releases))
        .route("/assessments", get(assessments).post(record_assessment))
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
    pager: Pager,
}

impl DuePage {
    fn is_paid(&self, s: &InstallmentState) -> bool {
        *s == InstallmentState::Paid
    }
    fn yuan(&self, fen: &i64) -> String {
        Fen(*fen).yuan_string()
    }
}

async fn due_page(call: &PageCall, paging: &Paging, outcomes: Vec<StartOutcome>, errors: FieldErrors) -> PageResult {
    let paging = Paging {
        page: paging.page.clone(),
        per_page: Some("100".into()),
    };
    let due = call.app.due_installments(&call.actor, paging.offset()).await?;
    let pager = Pager::new(due.total, &paging, &[]);
    Ok(render_with(
        form_status(&errors),
        &DuePage {
            layout: call.layout("到期待遇", "/benefits/due"),
            can_start: call.actor.has(Permission::ReleaseStart),
            due,
            outcomes,
            errors,
            pager,
        },
    ))
}

async fn due(call: PageCall, Query(q): Query<Paging>) -> PageResult {
    due_page(&call, &q, Vec::new(), FieldErrors::default()).await
}

async fn start_releases(call: PageCall, form: Form<Vec<(String, String)>>) -> PageResult {
    let ids: Vec<i64> = form
        .value
        .iter()
        .filter(|(k, _)| k == "installment")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    match call.app.start_releases(&call.actor, &ids, &call.ctx).await {
        Ok(outcomes) => due_page(&call, &Paging::default(), outcomes, FieldErrors::default()).await,
        Err(e) if !e.field_errors().is_empty() => {
            due_page(&call, &Paging::default(), Vec::new(), e.field_errors().into()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- /assessments -----------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct AssessmentQuery {
    talent_id: Option<String>,
    status: Option<String>,
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
    let talent_id = q.talent_id.as_deref().and_then(|t| t.trim().parse().ok());
    let rows = call
        .app
        .assessments(&call.actor, talent_id, q.status.as_deref())
        .await?;
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
