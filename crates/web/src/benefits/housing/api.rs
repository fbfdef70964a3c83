//! Housing over the API (Art. 14): the register of housing units, allocations to introduced
//! talents by the tier's area, the gift on reaching the years and the return on early exit
//! (the coordination office); a talent's housing (anyone who may read the talent).

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yincai_app::housing::{
    AllocateInput, AllocationView, CloseInput, HousingEntitlement, HousingOverview, TalentHousing, UnitInput, UnitView,
};

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::ApiCall;
use crate::error::{ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/housing", get(get_housing))
        .route("/housing/units", post(add_unit))
        .route("/housing/units/{id}", axum::routing::put(update_unit))
        .route("/housing/allocations", post(allocate))
        .route("/housing/allocations/{id}/gift", post(gift))
        .route("/housing/allocations/{id}/return", post(return_unit))
        .route("/housing/talents/{id}", get(talent_housing))
}

/// A housing unit of the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct HousingUnit {
    pub id: i64,
    pub address: String,
    /// Area in whole 0.01 m² (12000 = 120 m²).
    pub area_centi_m2: i64,
    /// The area as written, in m²: `120`, `99.85`.
    pub area: String,
    /// free | allocated | gifted
    pub status: String,
    pub status_name: String,
    pub note: String,
    pub holder_talent_id: Option<i64>,
    pub holder_name: Option<String>,
    pub version: i64,
}

impl From<UnitView> for HousingUnit {
    fn from(u: UnitView) -> Self {
        HousingUnit {
            id: u.row.id,
            address: u.row.address,
            area_centi_m2: u.row.area_centi_m2,
            area: u.area,
            status: u.row.status.code().into(),
            status_name: u.status_name.into(),
            note: u.row.note,
            holder_talent_id: u.row.holder_talent_id,
            holder_name: u.row.holder_name,
            version: u.row.version,
        }
    }
}

/// An allocation of a unit to a talent.
#[derive(Debug, Serialize, ToSchema)]
pub struct HousingAllocation {
    pub id: i64,
    pub unit_id: i64,
    pub unit_address: String,
    pub unit_area_centi_m2: i64,
    pub talent_id: i64,
    pub talent_name: String,
    pub org_name: String,
    /// The tier's area (whole m²).
    pub entitled_area_m2: i64,
    /// The article of the tier, e.g. `14(3)`.
    pub article: String,
    pub gift_after_years: Option<i64>,
    /// ISO date: the first day of free use.
    pub start_date: String,
    /// ISO date: service start + the years (none: never gifted).
    pub gift_date: Option<String>,
    /// active | gifted | returned
    pub status: String,
    pub status_name: String,
    /// E.g. that the unit is larger than the entitled area.
    pub note: String,
    pub end_date: Option<String>,
    pub end_reason: Option<String>,
    pub gifted_on: Option<String>,
    pub can_gift: bool,
    /// Why the gift cannot be recorded today.
    pub gift_blocked: Option<String>,
    pub can_return: bool,
    pub version: i64,
}

impl From<AllocationView> for HousingAllocation {
    fn from(a: AllocationView) -> Self {
        let r = a.row;
        HousingAllocation {
            id: r.id,
            unit_id: r.unit_id,
            unit_address: r.unit_address,
            unit_area_centi_m2: r.unit_area_centi_m2,
            talent_id: r.talent_id,
            talent_name: r.talent_name,
            org_name: r.org_name,
            entitled_area_m2: r.entitled_area_m2,
            article: r.article,
            gift_after_years: r.gift_after_years,
            start_date: r.start_date,
            gift_date: r.gift_date,
            status: r.status.code().into(),
            status_name: a.status_name.into(),
            note: r.note,
            end_date: r.end_date,
            end_reason: r.end_reason,
            gifted_on: r.gifted_on,
            can_gift: a.can_gift,
            gift_blocked: a.gift_blocked,
            can_return: a.can_return,
            version: r.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Housing {
    pub units: Vec<HousingUnit>,
    pub allocations: Vec<HousingAllocation>,
    /// Today (Beijing), ISO.
    pub today: String,
}

impl From<HousingOverview> for Housing {
    fn from(o: HousingOverview) -> Self {
        Housing {
            units: o.units.into_iter().map(Into::into).collect(),
            allocations: o.allocations.into_iter().map(Into::into).collect(),
            today: o.today,
        }
    }
}

/// The housing entitlement of the talent's current report (the last re-evaluation).
#[derive(Debug, Serialize, ToSchema)]
pub struct Entitlement {
    pub name: String,
    pub article: String,
    pub area_m2: i64,
    pub gift_after_years: Option<i64>,
    pub gift_date: Option<String>,
    /// The further gift condition not yet found (Art. 14(2): 项目连续实施且效益显著).
    pub gift_waits_for: Option<String>,
    /// The gift in words, e.g. 连续工作满 5 年（2029-03-01）后可直接赠予.
    pub gift: String,
}

impl From<HousingEntitlement> for Entitlement {
    fn from(e: HousingEntitlement) -> Self {
        Entitlement {
            name: e.name,
            article: e.article,
            area_m2: e.area_m2,
            gift_after_years: e.gift_after_years,
            gift_date: e.gift_date,
            gift_waits_for: e.gift_waits_for,
            gift: e.gift_zh,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TalentHousingBody {
    pub talent_id: i64,
    pub talent_name: String,
    /// None: the current report grants no housing.
    pub entitlement: Option<Entitlement>,
    pub allocations: Vec<HousingAllocation>,
    /// Free units not smaller than the entitled area (coordination office only).
    pub free_units: Vec<HousingUnit>,
}

impl From<TalentHousing> for TalentHousingBody {
    fn from(t: TalentHousing) -> Self {
        TalentHousingBody {
            talent_id: t.talent_id,
            talent_name: t.talent_name,
            entitlement: t.entitlement.map(Into::into),
            allocations: t.allocations.into_iter().map(Into::into).collect(),
            free_units: t.free_units.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UnitBody {
    pub address: String,
    /// m² as text with at most two decimals, e.g. `120` or `99.85`.
    pub area: String,
    #[serde(default)]
    pub note: String,
    /// The version read (required to edit).
    pub version: Option<i64>,
}

impl From<UnitBody> for UnitInput {
    fn from(b: UnitBody) -> Self {
        UnitInput {
            address: b.address,
            area: b.area,
            note: b.note,
            version: b.version.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AllocateBody {
    pub unit_id: i64,
    pub talent_id: i64,
    /// ISO date: the first day of free use.
    pub start_date: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GiftBody {
    /// The allocation's version read.
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnBody {
    pub version: i64,
    /// ISO date: the end of the relation.
    pub date: String,
    pub reason: String,
}

/// The register and every allocation (coordination office).
#[utoipa::path(get, path = "/api/housing", tag = "housing", security(("bearer" = [])),
    responses((status = 200, body = Housing), (status = 403, body = ErrorBody)))]
pub async fn get_housing(call: ApiCall) -> ApiResult<Housing> {
    Ok(Json(call.app.housing_overview(&call.actor).await?.into()))
}

/// Registers a housing unit (free). A registered address is 409.
#[utoipa::path(post, path = "/api/housing/units", tag = "housing", security(("bearer" = [])), request_body = UnitBody,
    responses((status = 200, body = HousingUnit), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn add_unit(call: ApiCall, ApiJson(body): ApiJson<UnitBody>) -> ApiResult<HousingUnit> {
    Ok(Json(
        call.app
            .add_housing_unit(&call.actor, &body.into(), &call.ctx)
            .await?
            .into(),
    ))
}

/// Edits a unit with its `version` (the area only while it is free).
#[utoipa::path(put, path = "/api/housing/units/{id}", tag = "housing", security(("bearer" = [])), request_body = UnitBody,
    responses((status = 200, body = HousingUnit), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn update_unit(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UnitBody>,
) -> ApiResult<HousingUnit> {
    Ok(Json(
        call.app
            .update_housing_unit(&call.actor, id, &body.into(), &call.ctx)
            .await?
            .into(),
    ))
}

/// Allocates a free unit to a talent whose current report grants housing: a unit smaller
/// than the tier's area is 422 with the figures; a larger one is allowed and noted; a unit
/// already allocated is 409.
#[utoipa::path(post, path = "/api/housing/allocations", tag = "housing", security(("bearer" = [])), request_body = AllocateBody,
    responses((status = 200, body = HousingAllocation), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn allocate(call: ApiCall, ApiJson(body): ApiJson<AllocateBody>) -> ApiResult<HousingAllocation> {
    let input = AllocateInput {
        unit_id: body.unit_id.to_string(),
        talent_id: body.talent_id.to_string(),
        start_date: body.start_date,
    };
    Ok(Json(
        call.app.allocate_housing(&call.actor, &input, &call.ctx).await?.into(),
    ))
}

/// Records the gift today: only on or after the gift date and while still in service (422).
#[utoipa::path(post, path = "/api/housing/allocations/{id}/gift", tag = "housing", security(("bearer" = [])), request_body = GiftBody,
    responses((status = 200, body = HousingAllocation), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn gift(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<GiftBody>,
) -> ApiResult<HousingAllocation> {
    let input = CloseInput {
        version: body.version.to_string(),
        ..CloseInput::default()
    };
    Ok(Json(
        call.app.gift_housing(&call.actor, id, &input, &call.ctx).await?.into(),
    ))
}

/// Returns the unit on early exit: the unit is free again, the allocation closed with the
/// date and reason.
#[utoipa::path(post, path = "/api/housing/allocations/{id}/return", tag = "housing", security(("bearer" = [])), request_body = ReturnBody,
    responses((status = 200, body = HousingAllocation), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn return_unit(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ReturnBody>,
) -> ApiResult<HousingAllocation> {
    let input = CloseInput {
        version: body.version.to_string(),
        date: body.date,
        reason: body.reason,
    };
    Ok(Json(
        call.app
            .return_housing(&call.actor, id, &input, &call.ctx)
            .await?
            .into(),
    ))
}

/// A talent's housing entitlement (from the current report) and allocations.
#[utoipa::path(get, path = "/api/housing/talents/{id}", tag = "housing", security(("bearer" = [])),
    responses((status = 200, body = TalentHousingBody), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn talent_housing(call: ApiCall, Path(id): Path<i64>) -> ApiResult<TalentHousingBody> {
    Ok(Json(call.app.talent_housing(&call.actor, id).await?.into()))
}
