//! The JSON API under `/api/`, documented at `/api/openapi.json`. Errors are JSON with a
//! stable `code` and a Chinese `message` ([`crate::error::ErrorBody`]).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::AppState;
use crate::error::ApiError;

mod accounts;
mod audit;
mod candidates;
mod orgs;
pub(crate) mod policy;
mod tasks;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .merge(accounts::routes())
        .merge(orgs::routes())
        .merge(candidates::routes())
        .merge(tasks::routes())
        .merge(audit::routes())
        .merge(policy::routes())
        .fallback(|| async { ApiError(yincai_app::AppError::NotFound("接口".into())) })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "yincai 引才 API",
        description = "阿拉山口市人才引进服务平台接口。登录取得令牌后以 `Authorization: Bearer <token>` 调用；错误以 JSON 返回稳定的 code 与中文 message。",
        version = "0.1.0"
    ),
    paths(
        accounts::login, accounts::logout, accounts::register, accounts::me, accounts::change_password,
        accounts::list_users, accounts::create_user, accounts::get_user, accounts::unlock_user,
        accounts::reset_password, accounts::set_roles, accounts::disable_user, accounts::enable_user, accounts::roles,
        orgs::list_orgs, orgs::create_org, orgs::get_org, orgs::update_org,
        candidates::get_my_profile, candidates::put_my_profile, candidates::list_candidates,
        candidates::get_candidate, candidates::reveal_candidate,
        tasks::my_tasks,
        audit::list_audit, audit::verify_audit,
        policy::evaluate_policy, policy::list_policies,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "登录、注册、账号与角色"),
        (name = "organisations", description = "机构（第四至八条）"),
        (name = "candidates", description = "人才登记表（第十二条第二项）：证件号、手机号加密存储、脱敏显示，查看完整号码须说明理由并记入审计"),
        (name = "tasks", description = "待办"),
        (name = "audit", description = "审计日志（仅审计管理员）"),
        (name = "policy", description = "政策计算（公开，无需登录）：引进范围、人才类别、待遇与条款依据，见 docs/adr/0002-policy-engine.md"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// A JSON body whose rejections (bad syntax, wrong types, too large) are answered in
/// the API's error format, in Chinese.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> Response {
    match r {
        JsonRejection::MissingJsonContentType(_) => ApiError::bad_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求体须为 JSON，并设置 Content-Type: application/json".into(),
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::bad_request(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("JSON 格式错误：{}。请检查请求体", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => ApiError::bad_request(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!(
                "字段缺失或类型不符：{}。请对照接口文档 /api/openapi.json 修改",
                e.body_text()
            ),
        ),
        JsonRejection::BytesRejection(_) => ApiError::bad_request(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "请求体过大（上限 1 MiB）或不完整，请精简后重试".into(),
        ),
        other => ApiError::bad_request(
            other.status(),
            "bad_request",
            format!("无法读取请求：{}", other.body_text()),
        ),
    }
}

/// A page of results with the total, for every list endpoint.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PageOf<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// `offset` and `limit` (1-200, default 50) of a list endpoint.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct Window {
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

impl Window {
    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 200)
    }
}
