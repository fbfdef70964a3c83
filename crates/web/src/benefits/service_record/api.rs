//! Months served over the API (Art. 26, 14(1)), tag "benefits": the unit records the months
//! its talent served in a completed service year, the coordination office confirms them, and
//! the talent's installments follow the service record at once (ADR 0011).

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yincai_app::service_record::{Rederived, ServiceMonthsInput};
use yincai_store::ServiceMonthsRow;

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/talents/{id}/service-months",
            get(list_service_months).post(record_service_months),
        )
        .route("/service-months/{id}/confirm", post(confirm_service_months))
}

/// One service year's months served.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceMonths {
    pub id: i64,
    pub talent_id: i64,
    /// 1 for the first year of service.
    pub service_year: i64,
    /// 0 to 12.
    pub months: i64,
    /// The attendance record or document they come from.
    pub basis: String,
    pub recorded_by_name: String,
    pub recorded_at: i64,
    /// Set once the coordination office confirmed them; only confirmed months count.
    pub confirmed_by_name: Option<String>,
    pub confirmed_at: Option<i64>,
    pub version: i64,
}

impl From<ServiceMonthsRow> for ServiceMonths {
    fn from(m: ServiceMonthsRow) -> Self {
        ServiceMonths {
            id: m.id,
            talent_id: m.talent_id,
            service_year: m.service_year,
            months: m.months,
            basis: m.basis,
            recorded_by_name: m.recorded_by_name,
            recorded_at: m.recorded_at,
            confirmed_by_name: m.confirmed_by_name,
            confirmed_at: m.confirmed_at,
            version: m.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ServiceMonthsBody {
    pub service_year: i64,
    pub months: i64,
    pub basis: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmBody {
    /// The version read.
    pub version: i64,
}

/// What a confirmation changed in the talent's installments.
#[derive(Debug, Serialize, ToSchema)]
pub struct Confirmed {
    pub service_months: ServiceMonths,
    pub installments_added: usize,
    pub installments_moved: usize,
    pub installments_cancelled: usize,
    /// Scheduled installments the engine now says are due.
    pub installments_due: usize,
}

impl Confirmed {
    fn new(row: ServiceMonthsRow, r: &Rederived) -> Self {
        Confirmed {
            service_months: row.into(),
            installments_added: r.added,
            installments_moved: r.moved,
            installments_cancelled: r.cancelled,
            installments_due: r.became_due,
        }
    }
}

/// A talent's months served, by service year.
#[utoipa::path(get, path = "/api/talents/{id}/service-months", tag = "benefits", security(("bearer" = [])),
    responses((status = 200, body = [ServiceMonths]), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_service_months(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Vec<ServiceMonths>> {
    let rows = call.app.service_months_of(&call.actor, id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// The unit records the months its talent served in a completed service year (once a year).
#[utoipa::path(post, path = "/api/talents/{id}/service-months", tag = "benefits", security(("bearer" = [])),
    request_body = ServiceMonthsBody,
    responses((status = 200, body = ServiceMonths), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn record_service_months(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ServiceMonthsBody>,
) -> ApiResult<ServiceMonths> {
    let input = ServiceMonthsInput {
        service_year: body.service_year.to_string(),
        months: body.months.to_string(),
        basis: body.basis,
    };
    Ok(Json(
        call.app
            .record_service_months(&call.actor, id, &input, &call.ctx)
            .await?
            .into(),
    ))
}

/// The coordination office confirms a year's months; the installments are re-derived.
#[utoipa::path(post, path = "/api/service-months/{id}/confirm", tag = "benefits", security(("bearer" = [])),
    request_body = ConfirmBody,
    responses((status = 200, body = Confirmed), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn confirm_service_months(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> ApiResult<Confirmed> {
    let (row, r) = call
        .app
        .confirm_service_months(&call.actor, id, body.version, &call.ctx)
        .await?;
    Ok(Json(Confirmed::new(row, &r)))
}
