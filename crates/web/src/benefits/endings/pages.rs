//! 因故解除 in the browser (Art. 27, ADR 0010): the coordination office proposes ending a
//! talent's relation for cause (`/talents/{id}/endings/new`), edits it while in draft and
//! submits it from the workflow block; the leading group decides it in a meeting.
//! `/endings/{id}` shows the proposal, its history and, once approved, the recovery.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::endings::{CAUSES, EndingInput, EndingView};
use yincai_app::{AppError, FieldError, Permission};

use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, after_submit, form_status, render_with};
use crate::workflow::pages::WorkflowPanel;
use crate::{AppState, PageResult};

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

async fn form_page(call: &PageCall, talent_id: i64, form: EndingInput, errors: FieldErrors) -> PageResult {
    let talent = call.app.talent(&call.actor, talent_id).await?;
    Ok(render_with(
        form_status(&errors),
        &FormPage {
            layout: call.layout(format!("因故解除：{}", talent.row.name), "/talents"),
            talent_id,
            talent_name: talent.row.name,
            causes: &CAUSES,
            form,
            errors,
        },
    ))
}

async fn new_ending(call: PageCall, Path(id): Path<i64>) -> PageResult {
    call.actor.require(Permission::EndingPropose)?;
    form_page(&call, id, EndingInput::default(), FieldErrors::default()).await
}

async fn propose(call: PageCall, Path(id): Path<i64>, form: Form<EndingInput>) -> PageResult {
    let input = form.value;
    let result = call.app.propose_ending(&call.actor, id, &input, &call.ctx).await;
    after_submit(
        result,
        |ending| format!("/endings/{ending}?ok=created"),
        |errors| form_page(&call, id, input, errors),
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
    call: &PageCall,
    id: i64,
    form: Option<EndingInput>,
    errors: FieldErrors,
    notice: &'static str,
) -> PageResult {
    let e = call.app.ending(&call.actor, id).await?;
    let panel = match e.row.item_id {
        Some(item) if call.actor.has(Permission::WorkflowAct) => {
            let view = call.app.workflow_item(&call.actor, item).await?;
            let today = call.app.today().to_string();
            Some(WorkflowPanel::new(
                &view,
                &call.actor,
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
            layout: call.layout(format!("因故解除：{}", e.row.talent_name), "/talents"),
            e,
            causes: &CAUSES,
            form,
            errors,
            panel,
            notice,
        },
    ))
}

async fn show(call: PageCall, Path(id): Path<i64>, Query(q): Query<DetailQuery>) -> PageResult {
    let notice = match q.ok.as_deref() {
        Some("created") => {
            "已保存解除议案。核对无误后，请在下方“办理进度”中报领导小组审批；领导小组在会议上批准后才解除并取消待遇。"
        }
        Some("saved") => "已保存修改。",
        _ => "",
    };
    detail_page(&call, id, None, FieldErrors::default(), notice).await
}

async fn edit(call: PageCall, Path(id): Path<i64>, form: Form<EndingInput>) -> PageResult {
    let mut input = form.value;
    match call.app.update_ending(&call.actor, id, &input, &call.ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/endings/{id}?ok=saved")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            detail_page(&call, id, Some(input), e.field_errors().into(), "").await
        }
        Err(AppError::Stale) => {
            let errors = vec![FieldError::new(
                "",
                "该事项已在别处修改：您填写的内容保留在下方，请核对后再次保存",
            )];
            input.version = Some(call.app.ending(&call.actor, id).await?.row.version);
            detail_page(&call, id, Some(input), errors.into(), "").await
        }
        Err(e) => Err(e.into()),
    }
}
