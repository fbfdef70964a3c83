//! 待遇额度核定 in the browser: the coordination office proposes the amount of a talent's
//! range or discretionary entitlement (`/talents/{id}/fixings/new`), edits it while it is
//! in draft, and submits it from the workflow block; the leading group fixes it in a
//! meeting. `/fixings/{id}` shows the proposal, the policy's range and the history.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use yincai_app::fixings::{Fixable, FixingInput, FixingView};
use yincai_app::{AppError, FieldError, Permission};
use yincai_domain::money::Fen;

use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, after_submit, form_status, render_with};
use crate::workflow::pages::WorkflowPanel;
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/talents/{id}/fixings/new", get(new_fixing))
        .route("/talents/{id}/fixings", axum::routing::post(propose))
        .route("/fixings/{id}", get(show).post(edit))
}

fn yuan(fen: i64) -> String {
    Fen(fen).yuan_string()
}

// ---- the proposal form --------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct NewQuery {
    benefit_code: Option<String>,
}

#[derive(Template)]
#[template(path = "fixing_form.html")]
struct FormPage {
    layout: Layout,
    talent_id: i64,
    talent_name: String,
    fixable: Vec<Fixable>,
    form: FixingInput,
    errors: FieldErrors,
}

async fn form_page(call: &PageCall, talent_id: i64, form: FixingInput, errors: FieldErrors) -> PageResult {
    let talent = call.app.talent(&call.actor, talent_id).await?;
    let fixable = call.app.fixable_benefits(&call.actor, talent_id).await?;
    Ok(render_with(
        form_status(&errors),
        &FormPage {
            layout: call.layout(format!("待遇额度核定：{}", talent.row.name), "/talents"),
            talent_id,
            talent_name: talent.row.name,
            fixable,
            form,
            errors,
        },
    ))
}

async fn new_fixing(call: PageCall, Path(id): Path<i64>, Query(q): Query<NewQuery>) -> PageResult {
    call.actor.require(Permission::WorkflowAct)?;
    let form = FixingInput {
        benefit_code: q.benefit_code.unwrap_or_default(),
        ..Default::default()
    };
    form_page(&call, id, form, FieldErrors::default()).await
}

async fn propose(call: PageCall, Path(id): Path<i64>, form: Form<FixingInput>) -> PageResult {
    let input = form.value;
    let result = call.app.propose_fixing(&call.actor, id, &input, &call.ctx).await;
    after_submit(
        result,
        |fixing| format!("/fixings/{fixing}?ok=created"),
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
#[template(path = "fixing_detail.html")]
struct DetailPage {
    layout: Layout,
    f: FixingView,
    form: FixingInput,
    errors: FieldErrors,
    panel: Option<WorkflowPanel>,
    notice: &'static str,
}

impl DetailPage {
    fn amount(&self) -> String {
        yuan(self.f.row.amount_fen)
    }
    fn amount_uppercase(&self) -> String {
        Fen(self.f.row.amount_fen).uppercase_cn()
    }
}

async fn detail_page(
    call: &PageCall,
    id: i64,
    form: Option<FixingInput>,
    errors: FieldErrors,
    notice: &'static str,
) -> PageResult {
    let f = call.app.fixing(&call.actor, id).await?;
    let panel = match f.row.item_id {
        Some(item) if call.actor.has(Permission::WorkflowAct) => {
            let view = call.app.workflow_item(&call.actor, item).await?;
            let today = call.app.today().to_string();
            Some(WorkflowPanel::new(
                &view,
                &call.actor,
                &today,
                &format!("/fixings/{id}"),
            ))
        }
        _ => None,
    };
    let form = form.unwrap_or_else(|| FixingInput {
        benefit_code: f.row.benefit_code.clone(),
        amount: yuan(f.row.amount_fen),
        project: f.row.project.clone(),
        reason: f.row.reason.clone(),
        version: Some(f.row.version),
    });
    Ok(render_with(
        form_status(&errors),
        &DetailPage {
            layout: call.layout(
                format!("待遇额度核定：{}，{}", f.row.talent_name, f.row.benefit_name),
                "/talents",
            ),
            f,
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
            "已拟定额度。核对无误后，请在下方“办理进度”中提请领导小组审定，或由协调办在会议议程中直接列入。"
        }
        Some("saved") => "已保存修改。",
        _ => "",
    };
    detail_page(&call, id, None, FieldErrors::default(), notice).await
}

async fn edit(call: PageCall, Path(id): Path<i64>, form: Form<FixingInput>) -> PageResult {
    let mut input = form.value;
    match call.app.update_fixing(&call.actor, id, &input, &call.ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/fixings/{id}?ok=saved")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            detail_page(&call, id, Some(input), e.field_errors().into(), "").await
        }
        Err(AppError::Stale) => {
            let errors = vec![FieldError::new(
                "",
                "该事项已在别处修改：您填写的内容保留在下方，请核对后再次保存",
            )];
            input.version = Some(call.app.fixing(&call.actor, id).await?.row.version);
            detail_page(&call, id, Some(input), errors.into(), "").await
        }
        Err(e) => Err(e.into()),
    }
}
