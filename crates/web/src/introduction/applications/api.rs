//! Applications over the API (Art. 12(2)-(3)): apply, the applicant's own applications,
//! the reviewers' list and detail (form with the changes of a 补正, Art. 10 category with
//! its reasons, checklist, findings), saving the checklist with the findings (审查认定), the
//! intent letter. Steps (pass, return,
//! reject, resubmit, send the letter, accept, decline) are workflow actions:
//! `POST /api/workflow/{item_id}/act` with the `item_id` and `item_version` given here.

use std::collections::BTreeMap;

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::applications::{
    ActionChoice, ApplicationFilter, ApplicationSummary, ApplicationView, CheckItem, Finding, LetterView,
    MyApplication, ReviewInput,
};
use yincai_store::WorkflowEventRow;

use crate::AppState;
use crate::api::{ApiJson, PageOf, Window};
use crate::auth::ApiCall;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list_applications).post(apply))
        .route("/me/applications", get(my_applications))
        .route("/applications/{id}", get(get_application))
        .route("/applications/{id}/checklist", put(put_checklist))
        .route("/applications/{id}/letter", get(get_letter).post(generate_letter))
}

/// An application in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationRow {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub position_id: i64,
    pub position_title: String,
    /// recruit | transfer | special
    pub mode: String,
    pub mode_name: String,
    /// Approved openings of the position.
    pub openings: i64,
    pub plan_id: i64,
    pub plan_title: String,
    /// The unit that owns the position.
    pub org_id: i64,
    pub org_name: String,
    /// Art. 10 category (1-6) computed from the submitted form and the review's findings, if any.
    pub category: Option<i64>,
    /// draft (补正) | review | passed | offered | accepted | group_decision | procedure |
    /// confirmation | introduced | declined | rejected
    pub state: String,
    pub state_name: String,
    /// The workflow item: act on it with `POST /api/workflow/{item_id}/act`.
    pub item_id: i64,
    /// Send it as `version` when acting.
    pub item_version: i64,
    /// ISO date the pending step is due.
    pub due_date: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// The application's own version (send it back when saving the checklist).
    pub version: i64,
}

impl From<ApplicationSummary> for ApplicationRow {
    fn from(s: ApplicationSummary) -> Self {
        ApplicationRow {
            id: s.id,
            candidate_id: s.candidate_id,
            candidate_name: s.candidate_name,
            position_id: s.position_id,
            position_title: s.position_title,
            mode: s.mode,
            mode_name: s.mode_name,
            openings: s.openings,
            plan_id: s.plan_id,
            plan_title: s.plan_title,
            org_id: s.org_id,
            org_name: s.org_name,
            category: s.category,
            state: s.state,
            state_name: s.state_name,
            item_id: s.item_id,
            item_version: s.item_version,
            due_date: s.due_date,
            created_at: s.created_at,
            version: s.version,
        }
    }
}

/// One step of the case history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryStep {
    pub seq: i64,
    /// Epoch milliseconds.
    pub at: i64,
    pub actor_name: String,
    pub actor_role: String,
    /// start | submit | approve | return | reject | withdraw | comment
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    pub resolution_number: Option<String>,
    /// Shown to the applicant; `false`: a staff comment internal to the staff.
    pub shared: bool,
}

impl From<WorkflowEventRow> for HistoryStep {
    fn from(e: WorkflowEventRow) -> Self {
        HistoryStep {
            seq: e.seq,
            at: e.at,
            actor_name: e.actor_name,
            actor_role: e.actor_role,
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            reason: e.reason,
            resolution_number: e.resolution_number,
            shared: e.shared,
        }
    }
}

/// An action the caller may take now (through `POST /api/workflow/{item_id}/act`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationAction {
    pub action: String,
    pub label: String,
    /// return and reject need a reason.
    pub needs_reason: bool,
}

impl From<ActionChoice> for ApplicationAction {
    fn from(a: ActionChoice) -> Self {
        ApplicationAction {
            action: a.code.into(),
            label: a.label.into(),
            needs_reason: a.needs_reason,
        }
    }
}

/// An intent letter (招聘意向书 / 特聘意向书).
#[derive(Debug, Serialize, ToSchema)]
pub struct IntentLetter {
    pub application_id: i64,
    /// recruit | special
    pub kind: String,
    pub kind_name: String,
    /// e.g. 阿人才意〔2026〕12号
    pub number: String,
    /// The text, one paragraph a line (salutation first, issuer and date last).
    pub body: String,
    /// Epoch milliseconds.
    pub issued_at: i64,
    /// When the applicant accepted it.
    pub accepted_at: Option<i64>,
    /// The print page.
    pub print_url: String,
}

impl From<LetterView> for IntentLetter {
    fn from(l: LetterView) -> Self {
        IntentLetter {
            print_url: format!("/applications/{}/letter", l.application_id),
            application_id: l.application_id,
            kind: l.kind,
            kind_name: l.kind_name,
            number: l.number,
            body: l.body,
            issued_at: l.issued_at,
            accepted_at: l.accepted_at,
        }
    }
}

/// One of the caller's own applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyApplicationBody {
    #[serde(flatten)]
    pub application: ApplicationRow,
    pub history: Vec<HistoryStep>,
    pub actions: Vec<ApplicationAction>,
    /// The letter, once sent.
    pub letter: Option<IntentLetter>,
    /// Why it was returned for completion (补正), while it waits for resubmission.
    pub return_reason: Option<String>,
}

impl From<MyApplication> for MyApplicationBody {
    fn from(a: MyApplication) -> Self {
        MyApplicationBody {
            application: a.summary.into(),
            history: a.events.into_iter().map(HistoryStep::from).collect(),
            actions: a.actions.into_iter().map(ApplicationAction::from).collect(),
            letter: a.letter.map(IntentLetter::from),
            return_reason: a.return_reason,
        }
    }
}

/// A field of the submitted form; `old` is its value before the last 补正 when changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormFieldBody {
    pub key: String,
    pub label: String,
    pub value: String,
    pub old: Option<String>,
}

/// One line of the review checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckRowBody {
    /// identity | degree | title | qualifications | no_record
    pub code: String,
    pub label: String,
    pub checked: bool,
    pub note: String,
}

/// One finding of the qualification review (审查认定): a fact of Art. 10(3)-(6) that the
/// registration form does not state, judged by the reviewer from the materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingRowBody {
    /// research_results (取得科研成果, Art. 10(4)) | shortage_field (紧缺专业, 10(5)) |
    /// practical_talent (实用型人才, 10(6)) | leading_technology (掌握领先技术, 10(3))
    pub code: String,
    pub label: String,
    /// What the reviewer finds, with the category it counts towards.
    pub hint: String,
    /// Found: the fact counts in the category and becomes the talent's fact at confirmation.
    pub checked: bool,
    /// What the finding rests on (the document, certificate or opinion).
    pub basis: String,
}

/// An Art. 10 category met.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryBody {
    pub number: u8,
    /// e.g. "10(2)"
    pub article: String,
    pub reason: String,
}

/// The policy engine's reading of the submitted form.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationBody {
    pub category: Option<u8>,
    pub categories: Vec<CategoryBody>,
    pub covered: bool,
    pub excluded_by: Option<String>,
    pub policy: String,
    /// What the facts were taken from.
    pub basis: String,
    /// The labels of the review's findings taken into account.
    pub findings: Vec<String>,
    pub error: Option<String>,
}

/// An application with its form (masked), changes, category, checklist, history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub application: ApplicationRow,
    /// The registration form as submitted last (ID number and phone masked).
    #[schema(value_type = Object)]
    pub form: serde_json::Value,
    pub fields: Vec<FormFieldBody>,
    /// The fields the last 补正 changed.
    pub changes: Vec<FormFieldBody>,
    pub resubmitted: bool,
    /// The Art. 10 category computed from the form and the review's findings.
    pub evaluation: EvaluationBody,
    /// Empty for the applicant: the review's working papers are the staff's.
    pub checklist: Vec<CheckRowBody>,
    /// The review's findings (审查认定), every item, checked or not; empty for the applicant.
    pub findings: Vec<FindingRowBody>,
    /// Whether findings were recorded (an application not yet reviewed has none).
    pub findings_recorded: bool,
    pub history: Vec<HistoryStep>,
    pub actions: Vec<ApplicationAction>,
    pub letter: Option<IntentLetter>,
}

impl From<ApplicationView> for ApplicationDetail {
    fn from(v: ApplicationView) -> Self {
        let field = |f: yincai_app::applications::FormField| FormFieldBody {
            key: f.key.into(),
            label: f.label.into(),
            value: f.value,
            old: f.old,
        };
        ApplicationDetail {
            application: v.summary.into(),
            form: v.form,
            fields: v.fields.into_iter().map(field).collect(),
            changes: v.changes.into_iter().map(field).collect(),
            resubmitted: v.resubmitted,
            evaluation: EvaluationBody {
                category: v.evaluation.category,
                categories: v
                    .evaluation
                    .categories
                    .into_iter()
                    .map(|c| CategoryBody {
                        number: c.number,
                        article: c.article,
                        reason: c.reason,
                    })
                    .collect(),
                covered: v.evaluation.covered,
                excluded_by: v.evaluation.excluded_by,
                policy: v.evaluation.policy,
                basis: v.evaluation.basis,
                findings: v.evaluation.findings,
                error: v.evaluation.error,
            },
            checklist: v
                .checklist
                .into_iter()
                .map(|c| CheckRowBody {
                    code: c.code.into(),
                    label: c.label.into(),
                    checked: c.checked,
                    note: c.note,
                })
                .collect(),
            findings: v
                .findings
                .into_iter()
                .map(|f| FindingRowBody {
                    code: f.code.into(),
                    label: f.label.into(),
                    hint: f.hint.into(),
                    checked: f.checked,
                    basis: f.basis,
                })
                .collect(),
            findings_recorded: v.findings_recorded,
            history: v.events.into_iter().map(HistoryStep::from).collect(),
            actions: v.actions.into_iter().map(ApplicationAction::from).collect(),
            letter: v.letter.map(IntentLetter::from),
        }
    }
}

/// Apply to a position of a published plan.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplyBody {
    pub position_id: i64,
}

/// One checklist line as sent.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckItemBody {
    #[serde(default)]
    pub checked: bool,
    #[serde(default)]
    pub note: String,
}

/// One finding as sent.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FindingBody {
    #[serde(default)]
    pub checked: bool,
    /// What the finding rests on (the document, certificate or opinion); required when
    /// checked, at most 200 characters.
    #[serde(default)]
    pub basis: String,
}

/// The review checklist by item code (identity, degree, title, qualifications, no_record);
/// items left out are saved unchecked. With it, the findings (审查认定).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChecklistBody {
    pub items: BTreeMap<String, CheckItemBody>,
    /// The review's findings by code (research_results, shortage_field, practical_talent,
    /// leading_technology); items left out are saved unchecked. Omit the field to keep the
    /// findings recorded before. A checked finding needs its basis (422 `basis_<code>`).
    #[serde(default)]
    pub findings: Option<BTreeMap<String, FindingBody>>,
    /// The application's version you read; omit to overwrite.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ApplicationListFilter {
    /// Workflow state, e.g. review.
    pub state: Option<String>,
    pub position_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// Apply to a position (applicants with a registration form). The form is snapshotted
/// (masked) and the application goes to the qualification review. 422 `profile` without a
/// registration form, 422 `position_id` outside the plan's dates, 409 `position_id` when
/// already applied, 404 for a position of an unpublished plan.
#[utoipa::path(post, path = "/api/applications", tag = "applications", security(("bearer" = [])), request_body = ApplyBody,
    responses((status = 201, body = ApplicationDetail), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn apply(
    call: ApiCall,
    ApiJson(body): ApiJson<ApplyBody>,
) -> Result<(StatusCode, Json<ApplicationDetail>), ApiError> {
    let id = call.app.apply(&call.actor, body.position_id, &call.ctx).await?;
    let view = call.app.application(&call.actor, id).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// The caller's own applications with their history, actions and letters (applicants).
#[utoipa::path(get, path = "/api/me/applications", tag = "applications", security(("bearer" = [])),
    responses((status = 200, body = Vec<MyApplicationBody>), (status = 403, body = ErrorBody)))]
pub async fn my_applications(call: ApiCall) -> ApiResult<Vec<MyApplicationBody>> {
    let rows = call.app.my_applications(&call.actor).await?;
    Ok(Json(rows.into_iter().map(MyApplicationBody::from).collect()))
}

/// Applications for reviewers: the coordination office and leading group see all, a unit
/// those to its positions, a department those of its units.
#[utoipa::path(get, path = "/api/applications", tag = "applications", security(("bearer" = [])), params(ApplicationListFilter),
    responses((status = 200, body = PageOf<ApplicationRow>), (status = 403, body = ErrorBody)))]
pub async fn list_applications(
    call: ApiCall,
    Query(f): Query<ApplicationListFilter>,
) -> ApiResult<PageOf<ApplicationRow>> {
    let w = Window::new(f.offset, f.limit);
    let page = call
        .app
        .applications(
            &call.actor,
            &ApplicationFilter {
                state: f.state,
                position_id: f.position_id,
                plan_id: f.plan_id,
                offset: w.offset(),
                limit: w.limit(),
            },
        )
        .await?;
    Ok(Json(page.into()))
}

/// One application (404 for another applicant's, or another unit's).
#[utoipa::path(get, path = "/api/applications/{id}", tag = "applications", security(("bearer" = [])),
    responses((status = 200, body = ApplicationDetail), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_application(call: ApiCall, Path(id): Path<i64>) -> ApiResult<ApplicationDetail> {
    Ok(Json(call.app.application(&call.actor, id).await?.into()))
}

/// Save the review checklist and findings (审查认定) (coordination office, application in
/// review); the Art. 10 category is recomputed from the form and the findings and stored.
/// Passing the review needs every checklist item checked. The findings are kept on 补正
/// resubmission and become the talent's facts at confirmation.
#[utoipa::path(put, path = "/api/applications/{id}/checklist", tag = "applications", security(("bearer" = [])),
    request_body = ChecklistBody,
    responses((status = 200, body = ApplicationDetail), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_checklist(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ChecklistBody>,
) -> ApiResult<ApplicationDetail> {
    let input = ReviewInput {
        version: body.version,
        checklist: body
            .items
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    CheckItem {
                        checked: v.checked,
                        note: v.note,
                    },
                )
            })
            .collect(),
        findings: body.findings.map(|f| {
            f.into_iter()
                .map(|(k, v)| {
                    (
                        k,
                        Finding {
                            checked: v.checked,
                            basis: v.basis,
                        },
                    )
                })
                .collect()
        }),
        ..Default::default()
    };
    call.app.review_application(&call.actor, id, &input, &call.ctx).await?;
    Ok(Json(call.app.application(&call.actor, id).await?.into()))
}

/// Generate (or regenerate, keeping its number) the intent letter of a passed application
/// (coordination office). Send it with the workflow action submit.
#[utoipa::path(post, path = "/api/applications/{id}/letter", tag = "applications", security(("bearer" = [])),
    responses((status = 200, body = IntentLetter), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn generate_letter(call: ApiCall, Path(id): Path<i64>) -> ApiResult<IntentLetter> {
    Ok(Json(call.app.generate_letter(&call.actor, id, &call.ctx).await?.into()))
}

/// The intent letter: reviewers once generated, the applicant once sent.
#[utoipa::path(get, path = "/api/applications/{id}/letter", tag = "applications", security(("bearer" = [])),
    responses((status = 200, body = IntentLetter), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_letter(call: ApiCall, Path(id): Path<i64>) -> ApiResult<IntentLetter> {
    Ok(Json(call.app.letter(&call.actor, id).await?.into()))
}
