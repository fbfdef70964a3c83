//! The caller's pending tasks (待办).

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new().route("/tasks", get(my_tasks))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Task {
    /// The stored task; 0 for a task computed from the fund's state (`fund_to_batch`,
    /// `fund_batch_to_pay`), which is done when the money is paid.
    pub id: i64,
    pub kind: String,
    pub title: String,
    /// The page where the task is done.
    pub link: String,
    pub object_type: String,
    pub object_id: String,
    /// ISO date, when the step has a deadline in working days.
    pub due_date: Option<String>,
    pub created_at: i64,
}

#[utoipa::path(get, path = "/api/tasks", tag = "tasks", security(("bearer" = [])), responses((status = 200, body = Vec<Task>), (status = 403, body = ErrorBody)))]
pub async fn my_tasks(call: ApiCall) -> ApiResult<Vec<Task>> {
    let tasks = call.app.my_tasks(&call.actor).await?;
    Ok(Json(
        tasks
            .into_iter()
            .map(|t| Task {
                id: t.id,
                kind: t.kind,
                title: t.title,
                link: t.link,
                object_type: t.object_type,
                object_id: t.object_id,
                due_date: t.due_date,
                created_at: t.created_at,
            })
            .collect(),
    ))
}
