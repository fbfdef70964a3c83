//! 因故解除 over the API (Art. 27, ADR 0010): the coordination office proposes ending a
//! talent's relation for cause with the facts it verified, edits it while in draft and
//! submits it; the leading group decides it in a meeting (`/api/meetings/...`), whose
//! approval cancels the benefits and opens the recovery (`/api/recoveries/{id}`). There is
//! no endpoint that ends a relation directly.

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yincai_app::endings::{EndingInput, EndingView};

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::benefits::talents::api::SubmitBody;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/talents/{id}/endings", get(talent_endings).post(propose_ending))
        .route("/endings/{id}", get(get_ending).put(put_ending))
        .route("/endings/{id}/submit", post(submit_ending))
}

/// A proposal as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EndingBody {
    /// The case of Art. 27: breach (人才违约或违法违纪) | talent_fraud (人才弄虚作假) |
    /// unit_fraud (用人单位弄虚作假).
    pub cause: String,
    /// ISO date the relation ends.
    pub ended_on: String,
    /// What the coordination office verified (核实情况).
    pub reason: String,
    /// What it verified it on (核实依据).
    pub basis: String,
    /// The unit's leaders and others responsible; required for unit_fraud.
    #[serde(default)]
    pub responsible: String,
    /// The version read (edits).
    pub version: Option<i64>,
}

impl From<EndingBody> for EndingInput {
    fn from(b: EndingBody) -> Self {
        EndingInput {
            cause: b.cause,
            ended_on: b.ended_on,
            reason: b.reason,
            basis: b.basis,
            responsible: b.responsible,
            version: b.version,
        }
    }
}

/// A proposal with its state, history and, once approved, the recovery it opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ending {
    pub id: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_id: i64,
    pub org_name: String,
    /// breach | talent_fraud | unit_fraud
    pub cause: String,
    pub cause_name: String,
    pub ended_on: String,
    pub reason: String,
    pub basis: String,
    pub responsible: String,
    /// Set when the leading group approved it.
    pub recovery_id: Option<i64>,
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

impl From<EndingView> for Ending {
    fn from(e: EndingView) -> Self {
        Ending {
            id: e.row.id,
            talent_id: e.row.talent_id,
            talent_name: e.row.talent_name,
            org_id: e.row.org_id,
            org_name: e.row.org_name,
            cause: e.row.cause,
            cause_name: e.cause_name,
            ended_on: e.row.ended_on,
            reason: e.row.reason,
            basis: e.row.basis,
            responsible: e.row.responsible,
            recovery_id: e.row.recovery_id,
            item_id: e.row.item_id,
            state: e.row.state,
            state_name: e.state_name,
            resolution_number: e.resolution_number,
            version: e.row.version,
            item_version: e.item_version,
            editable: e.editable,
            events: serde_json::to_value(&e.events).unwrap_or_default(),
        }
    }
}

/// The proposals to end a talent's relation for cause (empty for those who do not read the
/// leading group's business; 404 outside the caller's scope).
#[utoipa::path(get, path = "/api/talents/{id}/endings", tag = "endings", security(("bearer" = [])),
    responses((status = 200, body = Vec<Ending>), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn talent_endings(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Vec<Ending>> {
    let list = call.app.endings_of_talent(&call.actor, id).await?;
    Ok(Json(list.into_iter().map(Ending::from).collect()))
}

/// Proposes ending the relation for cause (coordination office); it starts in `draft`. 422
/// names each field; 409 if one is under way.
#[utoipa::path(post, path = "/api/talents/{id}/endings", tag = "endings", security(("bearer" = [])),
    request_body = EndingBody,
    responses((status = 200, body = Ending), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn propose_ending(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<EndingBody>,
) -> ApiResult<Ending> {
    let ending = call
        .app
        .propose_ending(&call.actor, id, &body.into(), &call.ctx)
        .await?;
    Ok(Json(call.app.ending(&call.actor, ending).await?.into()))
}

/// One proposal with its history and resolution number.
#[utoipa::path(get, path = "/api/endings/{id}", tag = "endings", security(("bearer" = [])),
    responses((status = 200, body = Ending), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_ending(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Ending> {
    Ok(Json(call.app.ending(&call.actor, id).await?.into()))
}

/// Edits the proposal while it is in `draft`.
#[utoipa::path(put, path = "/api/endings/{id}", tag = "endings", security(("bearer" = [])),
    request_body = EndingBody,
    responses((status = 200, body = Ending), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_ending(call: ApiCall, Path(id): Path<i64>, ApiJson(body): ApiJson<EndingBody>) -> ApiResult<Ending> {
    call.app.update_ending(&call.actor, id, &body.into(), &call.ctx).await?;
    Ok(Json(call.app.ending(&call.actor, id).await?.into()))
}

/// Submits the proposal to the leading group (`draft` → `group_decision`); it is decided in
/// a meeting.
#[utoipa::path(post, path = "/api/endings/{id}/submit", tag = "endings", security(("bearer" = [])),
    request_body = SubmitBody,
    responses((status = 200, body = Ending), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn submit_ending(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SubmitBody>,
) -> ApiResult<Ending> {
    call.app
        .submit_ending(&call.actor, id, body.item_version, &call.ctx)
        .await?;
    Ok(Json(call.app.ending(&call.actor, id).await?.into()))
}
