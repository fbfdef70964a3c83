//! 因故解除 in the browser (Art. 27, ADR 0010): the coordination office proposes ending a
//! talent's relation for cause (`/talents/{id}/endings/new`), edits it while in draft and
//! submits it from the workflow block; the leading group decides it in a meeting.
//! `/endings/{id}` shows the proposal, its history and, once approved, the recovery.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use yincai_app::endings::{CAUSES, EndingInput, EndingView};
use yincai_app::{AppError, FieldError, Permission};

use crate::auth::{Ctx, Form, PageUser};
use crate::layout::Layout;
use crate::pages::{FieldErrors, after_submit, form_status, render_with};
use crate::workflow::pages::WorkflowPanel;
use crate::{AppState, PageError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/talents/{id}/endings/new", get(new_ending))
        .route("/talents/{id}/endings", post(propose))
        .route("/endings/{id}", get(show).post(edit))
}

// ---- the proposal form --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "ending_form.html")]
struct FormPage {
    layout: Layout,
    talent_id: i64,
    talent_name: String,
    causes: &'static [(&'static str, &'static str)],
    form: EndingInput,
    errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    user: &PageUser,
    talent_id: i64,
    form: EndingInput,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let talent = state.app.talent(&user.actor, talent_id).await?;
    Ok(render_with(
        form_status(&errors),
        &FormPage {
            layout: Layout::new(format!("因故解除：{}", talent.row.name), Some(&user.actor), "/talents"),
            talent_id,
            talent_name: talent.row.name,
            causes: &CAUSES,
            form,
            errors,
        },
    ))
}

async fn new_ending(State(state): State<AppState>, user: PageUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    user.actor.require(Permission::EndingPropose)?;
    form_page(&state, &user, id, EndingInput::default(), FieldErrors::default()).await
}

async fn propose(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: PageUser,
    Path(id): Path<i64>,
    form: Form<EndingInput>,
) -> Result<Response, PageError> {
    let input = form.value;
    let result = state.app.propose_ending(&user.actor, id, &input, &ctx).await;
    after_submit(
        result,
        |ending| format!("/endings/{ending}?ok=created"),
        |errors| form_page(&state, &user, id, input, errors),
    )
    .await
}

// ---- one proposal -------------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct DetailQuery {
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "ending_detail.html")]
struct DetailPage {
    layout: Layout,
    e: EndingView,
    causes: &'static [(&'static str, &'static str)],
    form: EndingInput,
    errors: FieldErrors,
    panel: Option<WorkflowPanel>,
    notice: &'static str,
}

async fn detail_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    form: Option<EndingInput>,
    errors: FieldErrors,
    notice: &'static str,
) -> Result<Response, PageError> {
    let e = state.app.ending(&user.actor, id).await?;
    let panel = match e.row.item_id {
        Some(item) if user.actor.has(Permission::WorkflowAct) => {
            let view = state.app.workflow_item(&user.actor, item).await?;
            let today = state.app.today().to_string();
            Some(WorkflowPanel::new(
                &view,
                &user.actor,
                &today,
                &format!("/endings/{id}"),
            ))
        }
        _ => None,
    };
    let form = form.unwrap_or_else(|| EndingInput {
        cause: e.row.cause.clone(),
        ended_on: e.row.ended_on.clone(),
        reason: e.row.reason.clone(),
        basis: e.row.basis.clone(),
        responsible: e.row.responsible.clone(),
        version: Some(e.row.version),
    });
    Ok(render_with(
        form_status(&errors),
        &DetailPage {
            layout: Layout::new(
                format!("因故解除：{}", e.row.talent_name),
                Some(&user.actor),
                "/talents",
            ),
            e,
            causes: &CAUSES,
            form,
            errors,
            panel,
            notice,
        },
    ))
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let notice = match q.ok.as_deref() {
        Some("created") => {
            "已保存解除议案。核对无误后，请在下方“办理进度”中报领导小组审批；领导小组在会议上批准后才解除并取消待遇。"
        }
        Some("saved") => "已保存修改。",
        _ => "",
    };
    detail_page(&state, &user, id, None, FieldErrors::default(), notice).await
}

async fn edit(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: PageUser,
    Path(id): Path<i64>,
    form: Form<EndingInput>,
) -> Result<Response, PageError> {
    let mut input = form.value;
    match state.app.update_ending(&user.actor, id, &input, &ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/endings/{id}?ok=saved")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            detail_page(&state, &user, id, Some(input), e.field_errors().into(), "").await
        }
        Err(AppError::Stale) => {
            let errors = vec![FieldError::new(
                "",
                "该事项已在别处修改：您填写的内容保留在下方，请核对后再次保存",
            )];
            input.version = Some(state.app.ending(&user.actor, id).await?.row.version);
            detail_page(&state, &user, id, Some(input), errors.into(), "").await
        }
        Err(e) => Err(e.into()),
    }
}
