//! Authentication extractors. A page handler that takes [`PageUser`] only runs for a
//! logged-in user with a live session; an API handler that takes [`ApiUser`] likewise,
//! by bearer token or by browser session plus CSRF header. Permission and scope checks
//! are the use cases' (yincai_app::authz).

use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use yincai_app::{Actor, AppError, RequestCtx};

use crate::AppState;
use crate::error::{ApiError, PageError, error_page};

pub const SESSION_COOKIE: &str = "yincai_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("tokens are URL-safe base64")
}

pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("yincai_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

fn full_path(parts: &Parts) -> String {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map(|o| &o.0)
        .unwrap_or(&parts.uri);
    uri.path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into())
}

/// Only local paths may be a `next` target (no open redirect).
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/workbench"
    }
}

fn login_redirect(parts: &Parts, expired: bool) -> Response {
    let next = full_path(parts);
    let mut target = String::from("/login?");
    if expired {
        target.push_str("m=expired&");
    }
    target.push_str("next=");
    target.push_str(&url_encode(&next));
    Redirect::to(&target).into_response()
}

pub fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}

/// The logged-in user of a page request, with the session token.
pub struct PageUser {
    pub actor: Actor,
    pub token: String,
}

impl PageUser {
    /// The form's CSRF token must be the session's.
    #[allow(
        clippy::result_large_err,
        reason = "a Response is axum's natural refusal; this is no hot path"
    )]
    pub fn check_csrf(&self, token: &str) -> Result<(), Response> {
        if token.is_empty() || token != self.actor.csrf_token {
            return Err(error_page(
                StatusCode::FORBIDDEN,
                "页面已过期或来源不明：请刷新页面后重新提交".into(),
            ));
        }
        Ok(())
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(login_redirect(parts, false));
        };
        match state.app.authenticate(&token).await {
            Ok(actor) => {
                let path = parts.uri.path();
                if actor.must_change_password && path != "/account/password" && path != "/logout" {
                    return Err(Redirect::to("/account/password").into_response());
                }
                Ok(PageUser { actor, token })
            }
            Err(AppError::SessionExpired { .. }) => Err(login_redirect(parts, true)),
            Err(AppError::Unauthenticated) | Err(AppError::Disabled) => Err(login_redirect(parts, false)),
            Err(e) => Err(PageError(e).into_response()),
        }
    }
}

/// The user of a page that anyone may see (the portal).
pub struct MaybeUser(pub Option<Actor>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(MaybeUser(None));
        };
        Ok(MaybeUser(state.app.authenticate(&token).await.ok()))
    }
}

/// The authenticated caller of an API request.
pub struct ApiUser {
    pub actor: Actor,
    pub token: String,
}

/// API routes a user who must change their password may still call.
const PASSWORD_CHANGE_ALLOWED: [&str; 3] = ["/api/me", "/api/me/password", "/api/auth/logout"];

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
        let (token, by_cookie) = match bearer {
            Some(t) => (t, false),
            None => (
                cookie(&parts.headers, SESSION_COOKIE).ok_or(ApiError(AppError::Unauthenticated))?,
                true,
            ),
        };
        let actor = state.app.authenticate(&token).await?;
        // A browser session must prove the request comes from our pages.
        if by_cookie && !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if sent.is_empty() || sent != actor.csrf_token {
                return Err(ApiError(AppError::Forbidden("缺少或错误的 X-CSRF-Token 请求头".into())));
            }
        }
        let path = full_path(parts);
        let path = path.split('?').next().unwrap_or("");
        if actor.must_change_password && !PASSWORD_CHANGE_ALLOWED.contains(&path) {
            return Err(ApiError(AppError::PasswordChangeRequired));
        }
        Ok(ApiUser { actor, token })
    }
}

/// The request's id, for audit records.
pub struct Ctx(pub RequestCtx);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ctx(parts.extensions.get::<RequestCtx>().cloned().unwrap_or_default()))
    }
}

/// A URL-encoded form with its CSRF field. Every field of `T` should be a string (or
/// optional string), so that whatever the user typed comes back on an error.
pub struct Form<T> {
    pub csrf: String,
    pub value: T,
}

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| {
            error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交的内容过大或不完整，请精简后重试".into(),
            )
        })?;
        let csrf = serde_urlencoded::from_bytes::<CsrfOnly>(&bytes)
            .map(|c| c.csrf)
            .unwrap_or_default();
        let value = serde_urlencoded::from_bytes::<T>(&bytes).map_err(|e| {
            error_page(
                StatusCode::BAD_REQUEST,
                format!("表单格式不正确：{e}。请返回上一页重新填写"),
            )
        })?;
        Ok(Form { csrf, value })
    }
}
