//! Re-evaluations and Art. 27 cancellation and recovery in the browser:
//! `/talents/{id}/evaluations` (the frozen evaluation and every re-evaluation with the
//! difference from the one before; the coordination office's form to record a change of
//! facts, and the proposals to end the relation for cause, which the leading group decides
//! in a meeting: `benefits::endings`), `/recoveries` (the list) and
//! `/recoveries/{id}` (the recovery with its repayments; finance records a repayment).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::Permission;
use yincai_app::clock::format_beijing;
use yincai_app::endings::EndingView;
use yincai_app::recovery::{EvaluationsView, FactsChange, RecoveryView, RepaymentInput};
use yincai_domain::lifecycle::RecoveryState;
use yincai_domain::money::Fen;
use yincai_store::{Page, RecoveryRow};

use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/talents/{id}/evaluations", get(evaluations).post(reevaluate))
        .route("/recoveries", get(list))
        .route("/recoveries/{id}", get(detail))
        .route("/recoveries/{id}/repayments", post(repay))
}

trait Helpers {
    fn yuan(&self, fen: &i64) -> String {
        Fen(*fen).yuan_string()
    }
    fn time(&self, ms: &i64) -> String {
        format_beijing(*ms)
    }
    fn status(&self, s: &RecoveryState) -> &'static str {
        s.name_zh()
    }
    fn statuses(&self) -> &'static [RecoveryState] {
        RecoveryState::ALL
    }
}

// ---- /talents/{id}/evaluations -----------------------------------------------------------

/// The change-of-facts form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct ChangeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    end: String,
    /// A checkbox: `on` when ticked.
    #[serde(default)]
    project_verified: String,
    /// A checkbox: `on` when ticked.
    #[serde(default)]
    project_benefit_significant: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "talent_evaluations.html")]
struct EvaluationsPage {
    layout: Layout,
    v: EvaluationsView,
    can_change: bool,
    change: ChangeForm,
    /// Proposals to end the relation for cause (Art. 27), for those who read them.
    endings: Vec<EndingView>,
    /// The viewer may propose one (the coordination office) and none is under way.
    may_propose_ending: bool,
    errors: FieldErrors,
}

impl Helpers for EvaluationsPage {}

impl EvaluationsPage {
    /// The policy's title (as the measures name themselves), not its file id.
    fn policy_title(&self, id: &str) -> String {
        yincai_app::policies()
            .plans()
            .iter()
            .find(|p| p.meta.id == id)
            .map_or_else(|| "所适用的政策".to_string(), |p| format!("《{}》", p.meta.title))
    }
    fn category(&self, c: &Option<u8>) -> String {
        c.map_or_else(|| "—".into(), |c| format!("第{c}类"))
    }
}

async fn evaluations_page(call: &PageCall, id: i64, change: ChangeForm, errors: FieldErrors) -> PageResult {
    let v = call.app.talent_evaluations(&call.actor, id).await?;
    let endings = call.app.endings_of_talent(&call.actor, id).await?;
    let under_way = endings.iter().any(|e| e.row.state.as_deref() != Some("rejected"));
    Ok(render_with(
        crate::pages::form_status(&errors),
        &EvaluationsPage {
            layout: call.layout(format!("评估记录：{}", v.talent_name), "/talents"),
            can_change: call.actor.has(Permission::MeetingManage),
            may_propose_ending: call.actor.has(Permission::EndingPropose) && !under_way,
            v,
            change,
            endings,
            errors,
        },
    ))
}

async fn evaluations(call: PageCall, Path(id): Path<i64>) -> PageResult {
    evaluations_page(&call, id, ChangeForm::default(), FieldErrors::default()).await
}

async fn reevaluate(call: PageCall, Path(id): Path<i64>, form: Form<ChangeForm>) -> PageResult {
    let f = &form.value;
    let change = FactsChange {
        title: f.title.clone(),
        end: f.end.clone(),
        project_verified: matches!(f.project_verified.as_str(), "on" | "true"),
        project_benefit_significant: matches!(f.project_benefit_significant.as_str(), "on" | "true"),
    };
    match call
        .app
        .reevaluate_talent(&call.actor, id, &change, &f.reason, &call.ctx)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/talents/{id}/evaluations")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            let errors = e.field_errors();
            evaluations_page(&call, id, form.value, errors.into()).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- /recoveries --------------------------------------------------------------------------

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    status: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

#[derive(Template)]
#[template(path = "recoveries.html")]
struct ListPage {
    layout: Layout,
    rows: Page<RecoveryRow>,
    status: String,
    pager: Pager,
}

impl Helpers for ListPage {}

async fn list(call: PageCall, Query(q): Query<ListQuery>) -> PageResult {
    let status = q.status.clone().unwrap_or_default();
    let paging = Paging {
        page: q.paging.page.clone(),
        per_page: Some("50".into()),
    };
    let rows = call
        .app
        .recoveries(&call.actor, Some(status.as_str()), paging.offset())
        .await?;
    let pager = Pager::new(rows.total, &paging, &[("status", status.as_str())]);
    Ok(render_with(
        StatusCode::OK,
        &ListPage {
            layout: call.layout("待遇追回", "/recoveries"),
            rows,
            status,
            pager,
        },
    ))
}

#[derive(Template)]
#[template(path = "recovery_detail.html")]
struct DetailPage {
    layout: Layout,
    v: RecoveryView,
    can_repay: bool,
    form: RepaymentInput,
    errors: FieldErrors,
}

impl Helpers for DetailPage {}

impl DetailPage {}

async fn detail_page(call: &PageCall, id: i64, form: Option<RepaymentInput>, errors: FieldErrors) -> PageResult {
    let v = call.app.recovery(&call.actor, id).await?;
    let mut form = form.unwrap_or_default();
    form.version = v.recovery.version.to_string();
    Ok(render_with(
        crate::pages::form_status(&errors),
        &DetailPage {
            layout: call.layout(format!("待遇追回：{}", v.recovery.talent_name), "/recoveries"),
            can_repay: call.actor.has(Permission::FundPay) && !v.recovery.status.is_terminal(),
            v,
            form,
            errors,
        },
    ))
}

async fn detail(call: PageCall, Path(id): Path<i64>) -> PageResult {
    detail_page(&call, id, None, FieldErrors::default()).await
}

async fn repay(call: PageCall, Path(id): Path<i64>, form: Form<RepaymentInput>) -> PageResult {
    let result = call.app.record_repayment(&call.actor, id, &form.value, &call.ctx).await;
    after_submit(
        result,
        |_| format!("/recoveries/{id}"),
        |errors| detail_page(&call, id, Some(form.value), errors),
    )
    .await
}
