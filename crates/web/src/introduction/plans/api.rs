//! Annual introduction plans (年度引进计划) and their announcements over the API: a unit
//! creates and edits its plan (draft step only), everyone in scope reads it, the
//! coordination office sets the announcement of an approved plan; the workflow steps
//! themselves go through `/api/workflow/{id}/act`. The published announcements are public.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::plans::{
    AnnouncementInput, AnnouncementView, PlanFilter, PlanInput, PlanListItem, PlanView, PositionInput, PositionView,
};

use crate::AppState;
use crate::api::{ApiJson, PageOf, Window};
use crate::auth::ApiCall;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list_plans).post(create_plan))
        .route("/plans/{id}", get(get_plan).put(update_plan).delete(delete_plan))
        .route("/plans/{id}/announcement", put(put_announcement))
        .route("/announcements", get(list_announcements))
}

/// One 特设岗位 to save. Art. 13(1): no age or quota limit, so there is no such field.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PositionBody {
    /// The id of a saved position to keep (on PUT); omit for a new one. Saved positions
    /// left out of a PUT are removed.
    #[serde(default)]
    pub id: Option<i64>,
    pub title: String,
    /// 引进人数, 1-999.
    pub openings: i64,
    /// 专业领域
    pub field: String,
    /// recruit (招聘) | transfer (调动) | special (特聘), Art. 11
    pub mode: String,
    /// none | bachelor | master | doctor (default none)
    #[serde(default)]
    pub min_degree: String,
    /// 专业要求
    #[serde(default)]
    pub majors: String,
    /// none | junior | intermediate | vice_senior | senior (default none)
    #[serde(default)]
    pub min_title: String,
    /// 职业资格
    #[serde(default)]
    pub qualifications: String,
    /// 其他要求
    #[serde(default)]
    pub requirements: String,
}

/// A plan to save with its positions. Errors name the field: `year`, `title`,
/// `positions[0].openings`, …
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanBody {
    /// The unit; defaults to the caller's own and must be it.
    #[serde(default)]
    pub org_id: Option<i64>,
    pub year: i64,
    pub title: String,
    #[serde(default)]
    pub note: String,
    pub positions: Vec<PositionBody>,
    /// The version you read (PUT); omit on POST.
    #[serde(default)]
    pub version: Option<i64>,
}

impl From<PlanBody> for PlanInput {
    fn from(b: PlanBody) -> Self {
        PlanInput {
            org_id: b.org_id,
            year: b.year.to_string(),
            title: b.title,
            note: b.note,
            positions: b
                .positions
                .into_iter()
                .map(|p| PositionInput {
                    id: p.id,
                    title: p.title,
                    openings: p.openings.to_string(),
                    field: p.field,
                    mode: p.mode,
                    min_degree: p.min_degree,
                    majors: p.majors,
                    min_title: p.min_title,
                    qualifications: p.qualifications,
                    requirements: p.requirements,
                })
                .collect(),
            version: b.version,
        }
    }
}

/// The announcement of an approved plan (coordination office).
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnnouncementBody {
    pub title: String,
    pub body: String,
    /// ISO date, e.g. 2026-12-01.
    pub open_date: String,
    /// ISO date, not before `open_date` and not in the past (Beijing).
    pub close_date: String,
    /// The plan's version you read.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Position {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub openings: i64,
    pub field: String,
    pub mode: String,
    /// 招聘 | 调动 | 特聘
    pub mode_name: String,
    pub min_degree: String,
    pub min_degree_name: String,
    pub majors: String,
    pub min_title: String,
    pub min_title_name: String,
    pub qualifications: String,
    pub requirements: String,
    pub version: i64,
}

impl From<PositionView> for Position {
    fn from(p: PositionView) -> Self {
        Position {
            id: p.row.id,
            plan_id: p.row.plan_id,
            title: p.row.title,
            openings: p.row.openings,
            field: p.row.field,
            mode: p.row.mode,
            mode_name: p.mode_name,
            min_degree: p.row.min_degree,
            min_degree_name: p.min_degree_name,
            majors: p.row.majors,
            min_title: p.row.min_title,
            min_title_name: p.min_title_name,
            qualifications: p.row.qualifications,
            requirements: p.row.requirements,
            version: p.row.version,
        }
    }
}

/// A plan in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub title: String,
    /// The workflow state: draft | department_review | coordination_review |
    /// group_decision | approved | published | rejected
    pub state: Option<String>,
    pub state_name: String,
    pub workflow_item_id: Option<i64>,
    pub positions: i64,
    pub openings: i64,
    pub open_date: Option<String>,
    pub close_date: Option<String>,
    pub published_at: Option<i64>,
    pub version: i64,
}

impl From<PlanListItem> for PlanSummary {
    fn from(i: PlanListItem) -> Self {
        let r = i.row;
        PlanSummary {
            id: r.plan.id,
            org_id: r.plan.org_id,
            org_name: r.org_name,
            year: r.plan.year,
            title: r.plan.title,
            state: r.state,
            state_name: i.state_name,
            workflow_item_id: r.item_id,
            positions: r.positions,
            openings: r.openings,
            open_date: r.plan.open_date,
            close_date: r.plan.close_date,
            published_at: r.plan.published_at,
            version: r.plan.version,
        }
    }
}

/// One event of the plan's case history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanEvent {
    pub seq: i64,
    /// Epoch milliseconds.
    pub at: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub role_name: String,
    pub action: String,
    pub action_name: String,
    pub from_state: String,
    pub to_state: String,
    pub reason: String,
    /// 批复文号 of the leading group's decision.
    pub resolution_number: Option<String>,
}

/// A plan with its positions, announcement, state and case history.
#[derive(Debug, Serialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub title: String,
    pub note: String,
    /// Send it back with PUT.
    pub version: i64,
    pub positions: Vec<Position>,
    pub openings: i64,
    pub state: String,
    pub state_name: String,
    /// Act on it with `POST /api/workflow/{workflow_item_id}/act`.
    pub workflow_item_id: Option<i64>,
    pub workflow_version: Option<i64>,
    pub announcement_title: Option<String>,
    pub announcement_body: Option<String>,
    pub open_date: Option<String>,
    pub close_date: Option<String>,
    pub published_at: Option<i64>,
    pub events: Vec<PlanEvent>,
    /// Workflow actions the caller may take now (leading-group decisions are taken in a
    /// meeting and not listed).
    pub actions: Vec<String>,
    pub may_edit: bool,
    /// A draft never submitted that the caller may delete.
    pub may_delete: bool,
    pub may_set_announcement: bool,
}

impl From<PlanView> for Plan {
    fn from(v: PlanView) -> Self {
        Plan {
            id: v.plan.id,
            org_id: v.plan.org_id,
            org_name: v.org_name,
            year: v.plan.year,
            title: v.plan.title,
            note: v.plan.note,
            version: v.plan.version,
            openings: v.openings,
            positions: v.positions.into_iter().map(Position::from).collect(),
            state: v.state,
            state_name: v.state_name,
            workflow_item_id: v.item.as_ref().map(|i| i.id),
            workflow_version: v.item.as_ref().map(|i| i.version),
            announcement_title: v.plan.announcement_title,
            announcement_body: v.plan.announcement_body,
            open_date: v.plan.open_date,
            close_date: v.plan.close_date,
            published_at: v.plan.published_at,
            events: v
                .events
                .into_iter()
                .map(|e| PlanEvent {
                    seq: e.row.seq,
                    at: e.row.at,
                    actor_name: e.row.actor_name,
                    actor_role: e.row.actor_role,
                    role_name: e.role_name,
                    action: e.row.action,
                    action_name: e.action_name,
                    from_state: e.row.from_state,
                    to_state: e.row.to_state,
                    reason: e.row.reason,
                    resolution_number: e.row.resolution_number,
                })
                .collect(),
            actions: v.actions.into_iter().map(|a| a.action).collect(),
            may_edit: v.may_edit,
            may_delete: v.may_delete,
            may_set_announcement: v.may_set_announcement,
        }
    }
}

/// A published announcement with its positions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Announcement {
    pub plan_id: i64,
    pub org_name: String,
    pub year: i64,
    pub title: String,
    pub body: String,
    pub open_date: String,
    pub close_date: String,
    /// Epoch milliseconds.
    pub published_at: i64,
    /// open (报名中) | upcoming (尚未开始) | closed (已截止), by today's Beijing date.
    pub status: String,
    pub status_name: String,
    pub openings: i64,
    /// Apply with the position's id (`/positions/{id}/apply`).
    pub positions: Vec<Position>,
}

impl From<AnnouncementView> for Announcement {
    fn from(a: AnnouncementView) -> Self {
        Announcement {
            plan_id: a.plan_id,
            org_name: a.org_name,
            year: a.year,
            title: a.title,
            body: a.body,
            open_date: a.open_date,
            close_date: a.close_date,
            published_at: a.published_at,
            status: serde_json::to_value(a.status)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            status_name: a.status_name,
            openings: a.openings,
            positions: a.positions.into_iter().map(Position::from).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PlanListFilter {
    pub year: Option<i64>,
    /// A workflow state, e.g. `department_review`.
    pub state: Option<String>,
    /// One unit (within your scope).
    pub org_id: Option<i64>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// Plans within the caller's scope (a unit its own, a department its units', the city's
/// offices and leaders all), newest year first.
#[utoipa::path(get, path = "/api/plans", tag = "plans", security(("bearer" = [])), params(PlanListFilter),
    responses((status = 200, body = PageOf<PlanSummary>), (status = 403, body = ErrorBody)))]
pub async fn list_plans(call: ApiCall, Query(f): Query<PlanListFilter>) -> ApiResult<PageOf<PlanSummary>> {
    let w = Window::new(f.offset, f.limit);
    let page = call
        .app
        .plans(
            &call.actor,
            &PlanFilter {
                year: f.year,
                state: f.state,
                org_id: f.org_id,
                offset: w.offset(),
                limit: w.limit(),
            },
        )
        .await?;
    Ok(Json(page.into()))
}

/// A unit creates its annual plan with positions; this starts the plan's workflow in the
/// draft step (submit it with `POST /api/workflow/{workflow_item_id}/act`).
#[utoipa::path(post, path = "/api/plans", tag = "plans", security(("bearer" = [])), request_body = PlanBody,
    responses((status = 201, body = Plan), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_plan(
    call: ApiCall,
    ApiJson(body): ApiJson<PlanBody>,
) -> Result<(StatusCode, Json<Plan>), ApiError> {
    let id = call.app.create_plan(&call.actor, &body.into(), &call.ctx).await?;
    Ok((StatusCode::CREATED, Json(call.app.plan(&call.actor, id).await?.into())))
}

/// One plan with its positions, announcement, state and case history (404 outside your
/// scope).
#[utoipa::path(get, path = "/api/plans/{id}", tag = "plans", security(("bearer" = [])),
    responses((status = 200, body = Plan), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_plan(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Plan> {
    Ok(Json(call.app.plan(&call.actor, id).await?.into()))
}

/// The unit edits its plan and positions, only in the draft step (also after a return):
/// 403 in any other step, 409 `stale` if the version is not current.
#[utoipa::path(put, path = "/api/plans/{id}", tag = "plans", security(("bearer" = [])), request_body = PlanBody,
    responses((status = 200, body = Plan), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update_plan(call: ApiCall, Path(id): Path<i64>, ApiJson(body): ApiJson<PlanBody>) -> ApiResult<Plan> {
    call.app.update_plan(&call.actor, id, &body.into(), &call.ctx).await?;
    Ok(Json(call.app.plan(&call.actor, id).await?.into()))
}

/// The unit deletes its plan while it is a draft never submitted (with its positions and
/// history; the audit log keeps the record). 403 for anyone else, 409 `already_handled`
/// once the plan was ever submitted.
#[utoipa::path(delete, path = "/api/plans/{id}", tag = "plans", security(("bearer" = [])),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn delete_plan(call: ApiCall, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    call.app.delete_plan_draft(&call.actor, id, &call.ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The coordination office sets the announcement of an approved plan (state
/// `approved`); publishing (`publish` on the workflow item) is refused until it is set.
/// 422 names the field (`open_date`, `close_date`, …).
#[utoipa::path(put, path = "/api/plans/{id}/announcement", tag = "plans", security(("bearer" = [])),
    request_body = AnnouncementBody,
    responses((status = 200, body = Plan), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_announcement(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AnnouncementBody>,
) -> ApiResult<Plan> {
    let input = AnnouncementInput {
        title: body.title,
        body: body.body,
        open_date: body.open_date,
        close_date: body.close_date,
        version: body.version,
    };
    call.app.set_announcement(&call.actor, id, &input, &call.ctx).await?;
    Ok(Json(call.app.plan(&call.actor, id).await?.into()))
}

/// The published announcements (public, no login): open ones first, then those not yet
/// open, then the closed ones, each with its positions.
#[utoipa::path(get, path = "/api/announcements", tag = "plans",
    responses((status = 200, body = Vec<Announcement>)))]
pub async fn list_announcements(State(state): State<AppState>) -> ApiResult<Vec<Announcement>> {
    let list = state.app.published_announcements().await?;
    Ok(Json(list.into_iter().map(Announcement::from).collect()))
}
