//! Workflow items over the API: an item with its case history and the caller's actions,
//! and acting on it (optimistic: send the version you read).

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yincai_app::workflow::{ActInput, WorkflowItemView};
use yincai_domain::workflow::{self, Action};

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workflow/{id}", get(get_item))
        .route("/workflow/{id}/act", post(act_on_item))
}

/// One event of the case history.
#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    pub seq: i64,
    /// Epoch milliseconds.
    pub at: i64,
    pub actor_name: String,
    /// The role under which the person acted.
    pub actor_role: String,
    /// start | submit | approve | return | reject | withdraw | publish | comment
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    /// 批复文号 of a leading-group decision.
    pub resolution_number: Option<String>,
    /// The meeting agenda item that carried the decision.
    pub meeting_item_id: Option<i64>,
    /// Shown to the applicant; `false`: a staff comment internal to the staff (the
    /// applicant's own view never lists those).
    pub shared: bool,
}

/// An action the caller may take now, with its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableAction {
    pub action: String,
    pub label: String,
    /// Taken in a leading-group meeting (`/api/meetings/...`), not here.
    pub in_meeting: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkflowItem {
    pub id: i64,
    /// annual_plan | application | special_case
    pub workflow: String,
    pub workflow_name: String,
    pub object_type: String,
    pub object_id: String,
    pub state: String,
    pub state_name: String,
    /// ISO date the pending step is due.
    pub due_date: Option<String>,
    /// Send it back when acting.
    pub version: i64,
    pub events: Vec<Event>,
    pub actions: Vec<AvailableAction>,
}

impl From<WorkflowItemView> for WorkflowItem {
    fn from(v: WorkflowItemView) -> Self {
        let def = workflow::by_code(&v.item.workflow);
        let state = v.item.state.clone();
        WorkflowItem {
            actions: v
                .actions
                .iter()
                .map(|a| AvailableAction {
                    action: a.code().into(),
                    label: def.map_or(a.name_zh(), |d| d.action_label(&state, *a)).into(),
                    in_meeting: def.is_some_and(|d| d.needs_meeting(&state, *a)),
                })
                .collect(),
            events: v
                .events
                .into_iter()
                .map(|e| Event {
                    seq: e.seq,
                    at: e.at,
                    actor_name: e.actor_name,
                    actor_role: e.actor_role,
                    action: e.action,
                    from_state: e.from_state,
                    to_state: e.to_state,
                    reason: e.reason,
                    resolution_number: e.resolution_number,
                    meeting_item_id: e.meeting_item_id,
                    shared: e.shared,
                })
                .collect(),
            id: v.item.id,
            workflow: v.item.workflow,
            workflow_name: v.workflow_name,
            object_type: v.item.object_type,
            object_id: v.item.object_id,
            state,
            state_name: v.state_name,
            due_date: v.item.due_date,
            version: v.item.version,
        }
    }
}

/// What to do to an item.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActBody {
    /// submit | approve | return | reject | withdraw | publish | comment
    pub action: String,
    /// The version you read; 409 `already_handled` says who acted first.
    pub version: i64,
    /// Required for return, reject and comment.
    #[serde(default)]
    pub reason: String,
    /// For a return: the earlier state to go back to (default: the submitter's).
    #[serde(default)]
    pub return_to: Option<String>,
    /// For a staff comment: `true` shares it with the applicant (default: internal to the
    /// staff). A change of state and the applicant's own comments are always shared.
    #[serde(default)]
    pub shared: bool,
}

/// An item with its case history and the caller's actions (404 outside one's scope).
#[utoipa::path(get, path = "/api/workflow/{id}", tag = "workflow", security(("bearer" = [])),
    responses((status = 200, body = WorkflowItem), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_item(call: ApiCall, Path(id): Path<i64>) -> ApiResult<WorkflowItem> {
    Ok(Json(call.app.workflow_item(&call.actor, id).await?.into()))
}

/// Acts on an item. 422 names the missing field (`reason`, `return_to`, `action`); 403
/// when the step is not the caller's (or is decided in a leading-group meeting); 409
/// `already_handled` when someone acted first.
#[utoipa::path(post, path = "/api/workflow/{id}/act", tag = "workflow", security(("bearer" = [])), request_body = ActBody,
    responses((status = 200, body = WorkflowItem), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn act_on_item(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ActBody>,
) -> ApiResult<WorkflowItem> {
    let input = ActInput {
        action: Action::parse(&body.action),
        reason: body.reason,
        return_to: body.return_to.filter(|r| !r.is_empty()),
        share_with_applicant: body.shared,
        ..Default::default()
    };
    call.app.act(&call.actor, id, body.version, &input, &call.ctx).await?;
    Ok(Json(call.app.workflow_item(&call.actor, id).await?.into()))
}
