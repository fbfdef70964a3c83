//! The release gate in the browser (Art. 19, 22-23): `/benefits/due` (the coordination
//! office's list of installments due city-wide with their gate status, and a button to
//! start releases for the selected ones), `/assessments` (annual assessments: the unit
//! records, the coordination office files), `/installments/{id}/certificate` (the
//! certificate 证明 on A4, print stylesheet) and `/me/benefits` (the talent's own view).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use yincai_app::Permission;
use yincai_app::clock::format_beijing;
use yincai_app::gate::{
    AssessmentInput, CertificateContent, GateRow, MyBenefits, StartOutcome, assessment_result_name,
};
use yincai_domain::lifecycle::{AssessmentEvent, AssessmentState, InstallmentState};
use yincai_domain::money::Fen;
use yincai_store::{AssessmentRow, Page};

use crate::auth::{Ctx, Form, PageUser};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, render, render_with};
use crate::{AppState, PageError};

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

async fn due_page(
    state: &AppState,
    user: &PageUser,
    paging: &Paging,
    outcomes: Vec<StartOutcome>,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let paging = Paging {
        page: paging.page.clone(),
        per_page: Some("100".into()),
    };
    let due = state.app.due_installments(&user.actor, paging.offset()).await?;
    let pager = Pager::new(due.total, &paging, &[]);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(
        status,
        &DuePage {
            layout: Layout::new("到期待遇", Some(&user.actor), "/benefits/due"),
            can_start: user.actor.has(Permission::ReleaseStart),
            due,
            outcomes,
            errors,
            pager,
        },
    ))
}

async fn due(State(state): State<AppState>, user: PageUser, Query(q): Query<Paging>) -> Result<Response, PageError> {
    due_page(&state, &user, &q, Vec::new(), FieldErrors::default()).await
}

async fn start_releases(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: PageUser,
    form: Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ids: Vec<i64> = form
        .value
        .iter()
        .filter(|(k, _)| k == "installment")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    match state.app.start_releases(&user.actor, &ids, &ctx).await {
        Ok(outcomes) => due_page(&state, &user, &Paging::default(), outcomes, FieldErrors::default()).await,
        Err(e) if !e.field_errors().is_empty() => {
            due_page(&state, &user, &Paging::default(), Vec::new(), e.field_errors().into()).await
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
    state: &AppState,
    user: &PageUser,
    q: &AssessmentQuery,
    form: AssessmentInput,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let talent_id = q.talent_id.as_deref().and_then(|t| t.trim().parse().ok());
    let rows = state
        .app
        .assessments(&user.actor, talent_id, q.status.as_deref())
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(
        status,
        &AssessmentsPage {
            layout: Layout::new("年度考核", Some(&user.actor), "/assessments"),
            rows,
            can_record: user.actor.has(Permission::AssessmentRecord),
            can_file: user.actor.has(Permission::AssessmentFile),
            form,
            errors,
        },
    ))
}

async fn assessments(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, PageError> {
    let form = AssessmentInput {
        talent_id: q.talent_id.clone().unwrap_or_default(),
        ..AssessmentInput::default()
    };
    assessments_page(&state, &user, &q, form, FieldErrors::default()).await
}

async fn record_assessment(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: PageUser,
    form: Form<AssessmentInput>,
) -> Result<Response, PageError> {
    let result = state.app.record_assessment(&user.actor, &form.value, &ctx).await;
    after_submit(
        result,
        |a| format!("/assessments?saved={}", a.id),
        |errors| async move { assessments_page(&state, &user, &AssessmentQuery::default(), form.value, errors).await },
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
struct FileForm {
    #[serde(default)]
    version: String,
}

async fn file_assessment(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: PageUser,
    Path(id): Path<i64>,
    form: Form<FileForm>,
) -> Result<Response, PageError> {
    let version = form.value.version.trim().parse().unwrap_or(0);
    state.app.file_assessment(&user.actor, id, version, &ctx).await?;
    Ok(Redirect::to(&format!("/assessments?filed={id}")).into_response())
}

// ---- /installments/{id}/certificate -------------------------------------------------------

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    c: CertificateContent,
    back: String,
}

async fn certificate(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = state.app.certificate(&user.actor, id).await?;
    let back = if user.actor.has(Permission::FundRead) {
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

async fn my_benefits(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let m = state.app.my_benefits(&user.actor).await?;
    Ok(render(&MyBenefitsPage {
        layout: Layout::new("我的待遇", Some(&user.actor), "/me/benefits"),
        m,
    }))
}
