//! The end of the introduction over the API: the procedure by mode of an application, the
//! talent database (Art. 6) and the talent's own record, and 一事一议 cases.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::AppError;
use yincai_app::special_cases::{SpecialCaseInput, SpecialCaseView};
use yincai_app::talents::{
    BankAccountInput, ProcedureInput, ProcedureView, TalentFilter, TalentListRow, TalentView, TransferStepInput,
};
use yincai_store::SpecialCaseQuery;

use crate::AppState;
use crate::api::{ApiJson, PageOf, Window};
use crate::auth::ApiCall;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/procedure", get(get_procedure).put(put_procedure))
        .route("/talents", get(list_talents))
        .route("/talents/{id}", get(get_talent))
        .route("/talents/{id}/bank-account", put(put_bank_account))
        .route("/me/talent", get(get_my_talent))
        .route("/me/talent/bank-account", put(put_my_bank_account))
        .route("/special-cases", get(list_special_cases).post(open_special_case))
        .route("/special-cases/{id}", get(get_special_case).put(put_special_case))
        .route("/special-cases/{id}/submit", post(submit_special_case))
}

/// One step of a transfer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransferStepBody {
    /// org_approval (组织部调动审批) | hr_approval (人社局调动审批) | transfer_order (调令) |
    /// file_transfer (档案转递) | salary_transfer (工资关系转移) | report (到岗报到)
    pub step: String,
    /// ISO date.
    pub done_on: String,
    /// Required for approvals and the transfer order.
    #[serde(default)]
    pub document_number: String,
}

/// The procedure of the position's mode. recruit: `contract_number`, `signed_on`,
/// `start_date`, `end_date`, `term_years`, `probation_months` (0-6); transfer: `steps`
/// (an approval by 组织部 or 人社局, and `report`); special: `agreement_kind` (hire |
/// secondment | part_time | joint_research), `start_date`, `term_years`, `months_per_year`
/// (1-12). Numbers and dates are strings, as typed.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProcedureBody {
    pub contract_number: String,
    pub signed_on: String,
    pub start_date: String,
    pub end_date: String,
    pub term_years: String,
    pub probation_months: String,
    pub steps: Vec<TransferStepBody>,
    pub agreement_kind: String,
    pub months_per_year: String,
    /// The version read; omit for the first record.
    pub version: Option<i64>,
}

impl From<ProcedureBody> for ProcedureInput {
    fn from(b: ProcedureBody) -> Self {
        ProcedureInput {
            contract_number: b.contract_number,
            signed_on: b.signed_on,
            start_date: b.start_date,
            end_date: b.end_date,
            term_years: b.term_years,
            probation_months: b.probation_months,
            steps: b
                .steps
                .into_iter()
                .map(|s| TransferStepInput {
                    step: s.step,
                    done_on: s.done_on,
                    document_number: s.document_number,
                })
                .collect(),
            agreement_kind: b.agreement_kind,
            months_per_year: b.months_per_year,
            version: b.version,
        }
    }
}

/// An application's procedure: the application, its state, what was recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Procedure {
    pub application_id: i64,
    pub candidate_name: String,
    pub position_title: String,
    pub org_id: i64,
    pub org_name: String,
    /// recruit | transfer | special
    pub mode: String,
    pub item_id: Option<i64>,
    pub state: Option<String>,
    pub state_name: String,
    /// The recorded details (with `mode`), or null.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub summary: Option<String>,
    /// Send it back with PUT.
    pub version: Option<i64>,
    pub editable: bool,
}

impl From<ProcedureView> for Procedure {
    fn from(v: ProcedureView) -> Self {
        Procedure {
            application_id: v.application.id,
            candidate_name: v.application.candidate_name,
            position_title: v.application.position_title,
            org_id: v.application.org_id,
            org_name: v.application.org_name,
            mode: v.mode,
            item_id: v.item_id,
            state: v.state,
            state_name: v.state_name,
            details: v.details.and_then(|d| serde_json::to_value(d).ok()),
            summary: v.summary,
            version: v.version,
            editable: v.editable,
        }
    }
}

/// A row of the talent database.
#[derive(Debug, Serialize, ToSchema)]
pub struct TalentRow {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub mode: String,
    pub mode_name: String,
    pub category: Option<i64>,
    pub start_date: String,
    /// The end of the agreed term, or of the relation once it ended early (ISO date).
    pub end_date: Option<String>,
}

impl From<TalentListRow> for TalentRow {
    fn from(r: TalentListRow) -> Self {
        TalentRow {
            id: r.id,
            name: r.name,
            org_id: r.org_id,
            org_name: r.org_name,
            mode: r.mode,
            mode_name: r.mode_name,
            category: r.category,
            start_date: r.start_date,
            end_date: r.end_date,
        }
    }
}

/// A talent record: person, unit, mode, start, category with reasons, obligations,
/// entitlements with their articles, the frozen policy evaluation (`facts`, `report`), the
/// resolution and the chain of steps (each linking to `/workflow/{item_id}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Talent {
    pub id: i64,
    pub candidate_id: i64,
    pub application_id: Option<i64>,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub mode: String,
    pub mode_name: String,
    /// city_unit | enterprise | central_unit
    pub employer: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub category: Option<i64>,
    pub category_reasons: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub obligations: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub entitlements: serde_json::Value,
    pub policy_id: String,
    pub policy_version: String,
    /// The exact facts evaluated.
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
    /// The policy report, as `POST /api/policy/evaluate` answers it.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
    pub resolution_number: Option<String>,
    pub item_id: Option<i64>,
    #[schema(value_type = Vec<Object>)]
    pub steps: serde_json::Value,
    /// The bank account paid into, masked (`**** **** **** 0123`); empty until recorded.
    pub bank_account_masked: String,
    /// 开户行; empty until recorded.
    pub bank_name: String,
}

impl From<TalentView> for Talent {
    fn from(t: TalentView) -> Self {
        Talent {
            id: t.row.id,
            candidate_id: t.row.candidate_id,
            application_id: t.row.application_id,
            obligations: serde_json::to_value(&t.obligations).unwrap_or_default(),
            entitlements: serde_json::to_value(&t.entitlements).unwrap_or_default(),
            steps: serde_json::to_value(&t.steps).unwrap_or_default(),
            facts: serde_json::from_str(&t.row.facts).unwrap_or_default(),
            report: serde_json::from_str(&t.row.report).unwrap_or_default(),
            name: t.row.name,
            org_id: t.row.org_id,
            org_name: t.row.org_name,
            mode: t.row.mode,
            mode_name: t.mode_name,
            employer: t.row.employer,
            start_date: t.row.start_date,
            end_date: t.row.end_date,
            category: t.row.category,
            category_reasons: t.category_reasons,
            policy_id: t.row.policy_id,
            policy_version: t.row.policy_version,
            resolution_number: t.resolution_number,
            item_id: t.item_id,
            bank_account_masked: t.bank.masked,
            bank_name: t.bank.bank_name,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct TalentParams {
    /// Part of the name.
    pub name: Option<String>,
    /// Part of the unit's name.
    pub unit: Option<String>,
    /// 1-6
    pub category: Option<String>,
    /// recruit | transfer | special | local | aid_extension
    pub mode: Option<String>,
    /// e.g. 2026
    pub start_year: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// A 一事一议 case to open or edit.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SpecialCaseBody {
    /// The candidate's registration form id (when opening).
    pub candidate_id: Option<i64>,
    pub reason: String,
    /// The proposed treatment, in words.
    pub treatment: String,
    /// Whole yuan, optional.
    pub amount_yuan: Option<i64>,
    /// The version read (edits).
    pub version: Option<i64>,
}

impl From<SpecialCaseBody> for SpecialCaseInput {
    fn from(b: SpecialCaseBody) -> Self {
        SpecialCaseInput {
            candidate_id: b.candidate_id.map(|c| c.to_string()).unwrap_or_default(),
            reason: b.reason,
            treatment: b.treatment,
            amount_yuan: b.amount_yuan.map(|a| a.to_string()).unwrap_or_default(),
            version: b.version,
        }
    }
}

/// A 一事一议 case with its state, history and resolution.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecialCase {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub reason: String,
    pub treatment: String,
    pub amount_yuan: Option<i64>,
    pub item_id: Option<i64>,
    /// draft | group_decision | approved | rejected
    pub state: Option<String>,
    pub state_name: String,
    pub resolution_number: Option<String>,
    pub version: i64,
    /// Send it to `POST …/submit`.
    pub item_version: Option<i64>,
    pub editable: bool,
    #[schema(value_type = Vec<Object>)]
    pub events: serde_json::Value,
}

impl From<SpecialCaseView> for SpecialCase {
    fn from(c: SpecialCaseView) -> Self {
        SpecialCase {
            id: c.row.id,
            candidate_id: c.row.candidate_id,
            candidate_name: c.row.candidate_name,
            reason: c.row.reason,
            treatment: c.treatment.text,
            amount_yuan: c.treatment.amount_yuan,
            item_id: c.row.item_id,
            state: c.row.state,
            state_name: c.state_name,
            resolution_number: c.resolution_number,
            version: c.row.version,
            item_version: c.item_version,
            editable: c.editable,
            events: serde_json::to_value(&c.events).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SpecialCaseParams {
    /// Part of the candidate's name.
    pub q: Option<String>,
    /// draft | group_decision | approved | rejected
    pub state: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// The item version read, to submit a case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitBody {
    pub item_version: i64,
}

/// The procedure of an application (the unit's own, or within the caller's scope; 404
/// otherwise).
#[utoipa::path(get, path = "/api/applications/{id}/procedure", tag = "talents", security(("bearer" = [])),
    responses((status = 200, body = Procedure), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_procedure(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Procedure> {
    Ok(Json(call.app.procedure(&call.actor, id).await?.into()))
}

/// Records or corrects the procedure (the employer unit, while the application is in
/// `procedure`). 422 names each field; 409 `stale` if someone saved first.
#[utoipa::path(put, path = "/api/applications/{id}/procedure", tag = "talents", security(("bearer" = [])),
    request_body = ProcedureBody,
    responses((status = 200, body = Procedure), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_procedure(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ProcedureBody>,
) -> ApiResult<Procedure> {
    Ok(Json(
        call.app
            .save_procedure(&call.actor, id, &body.into(), &call.ctx)
            .await?
            .into(),
    ))
}

/// The talent database (Art. 6) within the caller's scope.
#[utoipa::path(get, path = "/api/talents", tag = "talents", security(("bearer" = [])), params(TalentParams),
    responses((status = 200, body = PageOf<TalentRow>), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_talents(call: ApiCall, Query(p): Query<TalentParams>) -> ApiResult<PageOf<TalentRow>> {
    let w = Window::new(p.offset, p.limit);
    let filter = TalentFilter {
        name: p.name,
        unit: p.unit,
        category: p.category,
        mode: p.mode,
        start_year: p.start_year,
    };
    let page = call.app.talents(&call.actor, &filter, w.offset(), w.limit()).await?;
    Ok(Json(page.into()))
}

/// One talent record (404 outside the caller's scope).
#[utoipa::path(get, path = "/api/talents/{id}", tag = "talents", security(("bearer" = [])),
    responses((status = 200, body = Talent), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_talent(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Talent> {
    Ok(Json(call.app.talent(&call.actor, id).await?.into()))
}

/// The caller's own talent record (applicants); 404 until introduced.
#[utoipa::path(get, path = "/api/me/talent", tag = "talents", security(("bearer" = [])),
    responses((status = 200, body = Talent), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_my_talent(call: ApiCall) -> ApiResult<Talent> {
    let t = call
        .app
        .my_talent(&call.actor)
        .await?
        .ok_or_else(|| AppError::NotFound("您的人才档案（尚未完成引进）".into()))?;
    Ok(Json(t.into()))
}

/// A bank account to record: the number (digits, spaces allowed) and the bank (开户行).
#[derive(Debug, Deserialize, ToSchema)]
pub struct BankAccountBody {
    pub account: String,
    pub bank_name: String,
}

impl From<BankAccountBody> for BankAccountInput {
    fn from(b: BankAccountBody) -> Self {
        BankAccountInput {
            account: b.account,
            bank_name: b.bank_name,
        }
    }
}

/// The coordination office records the bank account a talent is paid into (encrypted,
/// shown masked). 422 names the field (`account`, `bank_name`).
#[utoipa::path(put, path = "/api/talents/{id}/bank-account", tag = "talents", security(("bearer" = [])),
    request_body = BankAccountBody,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_bank_account(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<BankAccountBody>,
) -> Result<StatusCode, ApiError> {
    call.app
        .record_bank_account(&call.actor, id, &body.into(), &call.ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The talent records the bank account they are paid into, on their own record.
#[utoipa::path(put, path = "/api/me/talent/bank-account", tag = "talents", security(("bearer" = [])),
    request_body = BankAccountBody,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_my_bank_account(
    call: ApiCall,
    ApiJson(body): ApiJson<BankAccountBody>,
) -> Result<StatusCode, ApiError> {
    call.app
        .record_my_bank_account(&call.actor, &body.into(), &call.ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 一事一议 cases (coordination office, leading group, city leaders).
#[utoipa::path(get, path = "/api/special-cases", tag = "special_cases", security(("bearer" = [])),
    params(SpecialCaseParams),
    responses((status = 200, body = PageOf<SpecialCase>), (status = 403, body = ErrorBody)))]
pub async fn list_special_cases(call: ApiCall, Query(p): Query<SpecialCaseParams>) -> ApiResult<PageOf<SpecialCase>> {
    let w = Window::new(p.offset, p.limit);
    let page = call
        .app
        .special_cases(
            &call.actor,
            &SpecialCaseQuery {
                text: p.q,
                state: p.state,
                offset: w.offset(),
                limit: w.limit(),
            },
        )
        .await?;
    Ok(Json(page.into()))
}

/// Opens a case on a candidate (coordination office); it starts in `draft`.
#[utoipa::path(post, path = "/api/special-cases", tag = "special_cases", security(("bearer" = [])),
    request_body = SpecialCaseBody,
    responses((status = 200, body = SpecialCase), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn open_special_case(call: ApiCall, ApiJson(body): ApiJson<SpecialCaseBody>) -> ApiResult<SpecialCase> {
    let id = call.app.open_special_case(&call.actor, &body.into(), &call.ctx).await?;
    Ok(Json(call.app.special_case(&call.actor, id).await?.into()))
}

/// One case with its history and resolution number.
#[utoipa::path(get, path = "/api/special-cases/{id}", tag = "special_cases", security(("bearer" = [])),
    responses((status = 200, body = SpecialCase), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_special_case(call: ApiCall, Path(id): Path<i64>) -> ApiResult<SpecialCase> {
    Ok(Json(call.app.special_case(&call.actor, id).await?.into()))
}

/// Edits the reason and treatment while the case is in `draft`.
#[utoipa::path(put, path = "/api/special-cases/{id}", tag = "special_cases", security(("bearer" = [])),
    request_body = SpecialCaseBody,
    responses((status = 200, body = SpecialCase), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_special_case(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SpecialCaseBody>,
) -> ApiResult<SpecialCase> {
    call.app
        .update_special_case(&call.actor, id, &body.into(), &call.ctx)
        .await?;
    Ok(Json(call.app.special_case(&call.actor, id).await?.into()))
}

/// Submits the case to the leading group (`draft` → `group_decision`); it is decided in a
/// meeting.
#[utoipa::path(post, path = "/api/special-cases/{id}/submit", tag = "special_cases", security(("bearer" = [])),
    request_body = SubmitBody,
    responses((status = 200, body = SpecialCase), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn submit_special_case(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SubmitBody>,
) -> ApiResult<SpecialCase> {
    call.app
        .submit_special_case(&call.actor, id, body.item_version, &call.ctx)
        .await?;
    Ok(Json(call.app.special_case(&call.actor, id).await?.into()))
}
