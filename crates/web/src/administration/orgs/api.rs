//! Organisations over the API (Art. 4-8).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::AppError;
use yincai_app::orgs::{OrgInput, OrgView};
use yincai_store::{OrgQuery, OrgSort};

use crate::AppState;
use crate::administration::accounts::api::Created;
use crate::api::{ApiJson, PageOf, Window};
use crate::auth::ApiCall;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list_orgs).post(create_org))
        .route("/orgs/{id}", get(get_org).put(update_org))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    /// city_unit | enterprise | central_unit | department | leading_group | coordination_office | ...
    pub kind: String,
    pub kind_name: String,
    /// 统一社会信用代码 (employer units).
    pub credit_code: Option<String>,
    /// The supervising department (主管部门).
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    /// For optimistic updates: send it back with PUT.
    pub version: i64,
}

impl From<OrgView> for Organisation {
    fn from(v: OrgView) -> Self {
        Organisation {
            id: v.org.id,
            name: v.org.name,
            kind: v.org.kind,
            kind_name: v.kind_name,
            credit_code: v.org.credit_code,
            parent_id: v.org.parent_id,
            parent_name: v.parent_name,
            version: v.org.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganisationInput {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub credit_code: Option<String>,
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl From<OrganisationInput> for OrgInput {
    fn from(i: OrganisationInput) -> Self {
        OrgInput {
            name: i.name,
            kind: i.kind,
            credit_code: i.credit_code.unwrap_or_default(),
            parent_id: i.parent_id,
            version: i.version,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct OrgFilter {
    pub kind: Option<String>,
    /// Part of the name or credit code.
    pub q: Option<String>,
    /// `kind` (default), `name`, or `updated` (most recently changed first).
    pub sort: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// Organisations within the caller's scope: a unit sees itself, a department its units.
#[utoipa::path(get, path = "/api/orgs", tag = "organisations", security(("bearer" = [])), params(OrgFilter),
    responses((status = 200, body = PageOf<Organisation>), (status = 403, body = ErrorBody)))]
pub async fn list_orgs(call: ApiCall, Query(f): Query<OrgFilter>) -> ApiResult<PageOf<Organisation>> {
    let w = Window::new(f.offset, f.limit);
    let sort = match f.sort.as_deref() {
        None | Some("") => OrgSort::default(),
        Some(code) => OrgSort::parse(code)
            .ok_or_else(|| AppError::invalid("sort", format!("排序：不支持“{code}”，请用 kind、name 或 updated")))?,
    };
    let page = call
        .app
        .orgs(
            &call.actor,
            OrgQuery {
                kind: f.kind,
                text: f.q,
                sort,
                offset: w.offset(),
                limit: w.limit(),
                ..Default::default()
            },
        )
        .await?;
    Ok(Json(page.into()))
}

/// Create an organisation (system admin).
#[utoipa::path(post, path = "/api/orgs", tag = "organisations", security(("bearer" = [])), request_body = OrganisationInput,
    responses((status = 201, body = Created), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_org(
    call: ApiCall,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = call.app.create_org(&call.actor, &input.into(), &call.ctx).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One organisation; 404 when it does not exist or is outside the caller's scope.
#[utoipa::path(get, path = "/api/orgs/{id}", tag = "organisations", security(("bearer" = [])),
    responses((status = 200, body = Organisation), (status = 404, body = ErrorBody)))]
pub async fn get_org(call: ApiCall, Path(id): Path<i64>) -> ApiResult<Organisation> {
    Ok(Json(call.app.org(&call.actor, id).await?.into()))
}

/// Update an organisation (system admin); 409 when someone changed it since `version`.
#[utoipa::path(put, path = "/api/orgs/{id}", tag = "organisations", security(("bearer" = [])), request_body = OrganisationInput,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_org(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> Result<StatusCode, ApiError> {
    call.app.update_org(&call.actor, id, &input.into(), &call.ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}
