//! Months served in the browser (Art. 26, 14(1)): `/talents/{id}/service-months` lists a
//! talent's service years with their months; the unit records a completed year's months, the
//! coordination office confirms them (and the installments follow the record).

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::Permission;
use yincai_app::clock::format_beijing;
use yincai_app::service_record::ServiceMonthsInput;
use yincai_store::ServiceMonthsRow;

use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, after_submit, form_status, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/talents/{id}/service-months", get(service_months).post(record))
        .route("/service-months/{id}/confirm", post(confirm))
}

#[derive(Template)]
#[template(path = "service_months.html")]
struct ServiceMonthsPage {
    layout: Layout,
    talent_id: i64,
    talent_name: String,
    rows: Vec<ServiceMonthsRow>,
    can_record: bool,
    can_confirm: bool,
    form: ServiceMonthsInput,
    errors: FieldErrors,
}

impl ServiceMonthsPage {
    fn time(&self, ms: &i64) -> String {
        format_beijing(*ms)
    }
}

async fn page(call: &PageCall, talent_id: i64, form: ServiceMonthsInput, errors: FieldErrors) -> PageResult {
    let talent = call.app.talent(&call.actor, talent_id).await?;
    let rows = call.app.service_months_of(&call.actor, talent_id).await?;
    Ok(render_with(
        form_status(&errors),
        &ServiceMonthsPage {
            layout: call.layout("服务月数", "/talents"),
            talent_id,
            talent_name: talent.row.name,
            rows,
            can_record: call.actor.has(Permission::AssessmentRecord),
            can_confirm: call.actor.has(Permission::AssessmentFile),
            form,
            errors,
        },
    ))
}

async fn service_months(call: PageCall, Path(id): Path<i64>) -> PageResult {
    page(&call, id, ServiceMonthsInput::default(), FieldErrors::default()).await
}

async fn record(call: PageCall, Path(id): Path<i64>, form: Form<ServiceMonthsInput>) -> PageResult {
    let result = call
        .app
        .record_service_months(&call.actor, id, &form.value, &call.ctx)
        .await;
    after_submit(
        result,
        |m| format!("/talents/{}/service-months#year-{}", m.talent_id, m.service_year),
        |errors| async move { page(&call, id, form.value, errors).await },
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    version: String,
}

async fn confirm(call: PageCall, Path(id): Path<i64>, form: Form<ConfirmForm>) -> PageResult {
    let version = form.value.version.trim().parse().unwrap_or(0);
    let (m, _) = call
        .app
        .confirm_service_months(&call.actor, id, version, &call.ctx)
        .await?;
    Ok(Redirect::to(&format!(
        "/talents/{}/service-months#year-{}",
        m.talent_id, m.service_year
    ))
    .into_response())
}
