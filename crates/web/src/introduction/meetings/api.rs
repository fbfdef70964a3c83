//! Leading-group meetings over the API: convene, put items on the agenda, record the
//! decision per agenda item with its resolution number, close.

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yincai_app::meetings::{AgendaDecision, MeetingInput, MeetingView, RemovalInput, RescheduleInput, Subject};
use yincai_domain::workflow::Action;
use yincai_store::MeetingRow;

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list_meetings).post(create_meeting))
        .route("/meetings/{id}", get(get_meeting))
        .route("/meetings/{id}/agenda", post(add_agenda_item))
        .route("/meetings/{id}/agenda/{agenda_id}/decision", post(decide_agenda_item))
        .route("/meetings/{id}/agenda/{agenda_id}/removal", post(remove_agenda_item))
        .route("/meetings/{id}/close", post(close_meeting))
        .route("/meetings/{id}/reschedule", post(reschedule_meeting))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Meeting {
    pub id: i64,
    /// e.g. 2026年第3次
    pub number: String,
    pub title: String,
    /// ISO date.
    pub held_on: String,
    /// scheduled | closed
    pub status: String,
    pub version: i64,
}

impl From<MeetingRow> for Meeting {
    fn from(m: MeetingRow) -> Self {
        Meeting {
            id: m.id,
            number: m.number,
            title: m.title,
            held_on: m.held_on,
            status: m.status.code().into(),
            version: m.version,
        }
    }
}

/// A workflow item on an agenda (or waiting for one).
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaSubject {
    pub workflow_item_id: i64,
    pub workflow_name: String,
    pub state: String,
    pub state_name: String,
    pub org_name: String,
    pub object_type: String,
    pub object_id: String,
    /// What it is about: the plan's title, the applicant and position, the case's candidate.
    pub title: String,
}

impl From<Subject> for AgendaSubject {
    fn from(s: Subject) -> Self {
        AgendaSubject {
            workflow_item_id: s.workflow_item_id,
            workflow_name: s.workflow_name,
            state: s.state,
            state_name: s.state_name,
            org_name: s.org_name,
            object_type: s.object_type,
            object_id: s.object_id,
            title: s.title,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaItem {
    pub id: i64,
    pub seq: i64,
    /// annual_plan | application | special_case
    pub kind: String,
    pub title: String,
    /// approve | reject | return, once decided; removed when taken off the agenda undecided.
    pub decision: Option<String>,
    /// 批复文号.
    pub resolution_number: Option<String>,
    pub decision_note: String,
    pub decided_by_name: String,
    /// Epoch milliseconds.
    pub decided_at: Option<i64>,
    pub subjects: Vec<AgendaSubject>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub agenda: Vec<AgendaItem>,
    /// Items waiting for a meeting (coordination office only).
    pub waiting: Vec<AgendaSubject>,
}

impl From<MeetingView> for MeetingDetail {
    fn from(v: MeetingView) -> Self {
        MeetingDetail {
            meeting: v.meeting.into(),
            agenda: v
                .agenda
                .into_iter()
                .map(|a| AgendaItem {
                    id: a.item.id,
                    seq: a.item.seq,
                    kind: a.item.kind,
                    title: a.item.title,
                    decision: a.item.decision,
                    resolution_number: a.item.resolution_number,
                    decision_note: a.item.decision_note,
                    decided_by_name: a.decided_by_name,
                    decided_at: a.item.decided_at,
                    subjects: a.subjects.into_iter().map(AgendaSubject::from).collect(),
                })
                .collect(),
            waiting: v.waiting.into_iter().map(AgendaSubject::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MeetingBody {
    pub number: String,
    pub title: String,
    /// ISO date.
    pub held_on: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AgendaBody {
    /// Empty: named after the kind of its items.
    #[serde(default)]
    pub title: String,
    /// Workflow item ids, all of one kind.
    pub items: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// approve | reject | return
    pub action: String,
    /// 批复文号, required.
    pub resolution_number: String,
    /// Required for reject and return.
    #[serde(default)]
    pub reason: String,
}

/// Why an undecided item is taken off the agenda.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RemovalBody {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CloseBody {
    pub version: i64,
}

/// A meeting's new date and why it moves.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RescheduleBody {
    /// ISO date.
    pub held_on: String,
    pub reason: String,
    /// The meeting's version as read.
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Meetings, the latest first (coordination office, leading group, city leaders).
#[utoipa::path(get, path = "/api/meetings", tag = "meetings", security(("bearer" = [])),
    responses((status = 200, body = Vec<Meeting>), (status = 403, body = ErrorBody)))]
pub async fn list_meetings(call: ApiCall) -> ApiResult<Vec<Meeting>> {
    Ok(Json(
        call.app
            .meetings(&call.actor)
            .await?
            .into_iter()
            .map(Meeting::from)
            .collect(),
    ))
}

/// Convenes a meeting (coordination office). 409 `number` when the number is taken.
#[utoipa::path(post, path = "/api/meetings", tag = "meetings", security(("bearer" = [])), request_body = MeetingBody,
    responses((status = 200, body = MeetingDetail), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_meeting(call: ApiCall, ApiJson(body): ApiJson<MeetingBody>) -> ApiResult<MeetingDetail> {
    let input = MeetingInput {
        number: body.number,
        title: body.title,
        held_on: body.held_on,
    };
    let id = call.app.create_meeting(&call.actor, &input, &call.ctx).await?;
    Ok(Json(call.app.meeting(&call.actor, id).await?.into()))
}

/// A meeting with its agenda and decisions.
#[utoipa::path(get, path = "/api/meetings/{id}", tag = "meetings", security(("bearer" = [])),
    responses((status = 200, body = MeetingDetail), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_meeting(call: ApiCall, Path(id): Path<i64>) -> ApiResult<MeetingDetail> {
    Ok(Json(call.app.meeting(&call.actor, id).await?.into()))
}

/// Puts items on the agenda as one agenda item (coordination office). Accepted
/// applications are submitted to the leading group as a proposed-hire list.
#[utoipa::path(post, path = "/api/meetings/{id}/agenda", tag = "meetings", security(("bearer" = [])), request_body = AgendaBody,
    responses((status = 200, body = Created), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn add_agenda_item(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AgendaBody>,
) -> ApiResult<Created> {
    let agenda = call
        .app
        .add_agenda_item(&call.actor, id, &body.title, &body.items, &call.ctx)
        .await?;
    Ok(Json(Created { id: agenda }))
}

/// The leading group's decision on an agenda item (leading group). 422
/// `resolution_number` without one; 409 `already_handled` when it was decided already.
#[utoipa::path(post, path = "/api/meetings/{id}/agenda/{agenda_id}/decision", tag = "meetings", security(("bearer" = [])),
    request_body = DecisionBody,
    responses((status = 200, body = MeetingDetail), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn decide_agenda_item(
    call: ApiCall,
    Path((id, agenda_id)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> ApiResult<MeetingDetail> {
    let input = AgendaDecision {
        action: Action::parse(&body.action),
        resolution_number: body.resolution_number,
        reason: body.reason,
    };
    call.app
        .decide_agenda_item(&call.actor, id, agenda_id, &input, &call.ctx)
        .await?;
    Ok(Json(call.app.meeting(&call.actor, id).await?.into()))
}

/// Takes an undecided item off the agenda, with the reason (coordination office); its
/// subjects wait for another meeting. 422 `removal_reason` without one; 409
/// `already_handled` when the item was decided or removed already.
#[utoipa::path(post, path = "/api/meetings/{id}/agenda/{agenda_id}/removal", tag = "meetings", security(("bearer" = [])),
    request_body = RemovalBody,
    responses((status = 200, body = MeetingDetail), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn remove_agenda_item(
    call: ApiCall,
    Path((id, agenda_id)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<RemovalBody>,
) -> ApiResult<MeetingDetail> {
    let input = RemovalInput { reason: body.reason };
    call.app
        .remove_agenda_item(&call.actor, id, agenda_id, &input, &call.ctx)
        .await?;
    Ok(Json(call.app.meeting(&call.actor, id).await?.into()))
}

/// Ends a meeting once every agenda item is decided (coordination office).
#[utoipa::path(post, path = "/api/meetings/{id}/close", tag = "meetings", security(("bearer" = [])), request_body = CloseBody,
    responses((status = 200, body = MeetingDetail), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn close_meeting(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CloseBody>,
) -> ApiResult<MeetingDetail> {
    call.app.close_meeting(&call.actor, id, body.version, &call.ctx).await?;
    Ok(Json(call.app.meeting(&call.actor, id).await?.into()))
}

/// Moves a meeting that has recorded no decision to another date, with the reason
/// (coordination office); the agenda stays.
#[utoipa::path(post, path = "/api/meetings/{id}/reschedule", tag = "meetings", security(("bearer" = [])), request_body = RescheduleBody,
    responses((status = 200, body = MeetingDetail), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reschedule_meeting(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RescheduleBody>,
) -> ApiResult<MeetingDetail> {
    let input = RescheduleInput {
        held_on: body.held_on,
        reason: body.reason,
        version: body.version.to_string(),
    };
    call.app.reschedule_meeting(&call.actor, id, &input, &call.ctx).await?;
    Ok(Json(call.app.meeting(&call.actor, id).await?.into()))
}
