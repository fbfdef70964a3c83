//! Authentication extractors. A page handler that takes [`PageCall`] (built from
//! [`PageUser`]) only runs for a logged-in user with a live session; an API handler that
//! takes [`ApiCall`] (built from [`ApiUser`]) likewise, by bearer token or by browser
//! session plus CSRF header. Permission and scope checks are the use cases'
//! (yincai_app::authz).

use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use yincai_app::{Actor, App, AppError, RequestCtx};

use crate::AppState;
use crate::error::{ApiError, PageError, error_page};
use crate::layout::Layout;

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

/// Only local paths may be a `next` target (no open redirect). A target must start with
/// one `/` and consist of visible ASCII only: no control character, whitespace, non-ASCII
/// (a real target is always percent-encoded) or backslash (browsers drop tab/CR/LF and
/// read `\` as `/`, so `/\t/evil.example` or `/\\evil.example` would leave the host), and
/// no second `/` or `\` right after the first.
/// Its percent-decoded form, in case something decodes it again, must also start with one
/// `/` and hold no control character or backslash.
/// Anything else falls back to the workbench, so a bad value is never a 500.
pub fn safe_next(next: &str) -> &str {
    if is_local_path(next) && percent_decode(next).is_some_and(|d| is_local_path_bytes(&d)) {
        next
    } else {
        "/workbench"
    }
}

fn is_local_path(s: &str) -> bool {
    is_local_path_bytes(s.as_bytes()) && s.bytes().all(|b| b.is_ascii_graphic())
}

fn is_local_path_bytes(b: &[u8]) -> bool {
    b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        && !b.iter().any(|&c| c == b'\\' || c.is_ascii_control())
}

/// `%XX` decoded once; `None` for a malformed escape.
pub(crate) fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
            out.push(digit(hex[0])? * 16 + digit(hex[1])?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
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

/// The logged-in user of a page request, with the session token. Once extracted it is
/// kept in the request's extensions, so the [`Form`] of the same request checks its CSRF
/// token against this session without authenticating twice.
#[derive(Clone)]
pub struct PageUser {
    pub actor: Actor,
    pub token: String,
}

/// A page form's CSRF token must be the session's ([`Form`] and [`PageCall::check_csrf`]).
#[allow(
    clippy::result_large_err,
    reason = "a Response is axum's natural refusal; this is no hot path"
)]
fn check_csrf(actor: &Actor, token: &str) -> Result<(), Response> {
    if token.is_empty() || token != actor.csrf_token {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "页面已过期或来源不明：请刷新页面后重新提交".into(),
        ));
    }
    Ok(())
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
                let user = PageUser { actor, token };
                parts.extensions.insert(user.clone());
                Ok(user)
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
            .and_then(bearer_token)
            .map(str::to_string);
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

/// The token of an `Authorization: Bearer <token>` header; the scheme is
/// case-insensitive (RFC 7235), so `bearer` and `BEARER` are accepted too.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The request's id, for audit records.
pub struct Ctx(pub RequestCtx);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ctx(parts.extensions.get::<RequestCtx>().cloned().unwrap_or_default()))
    }
}

/// What nearly every API handler needs, in one extractor: the app, the authenticated caller
/// (as [`ApiUser`] establishes it) and the request's facts for the audit record.
pub struct ApiCall {
    pub app: App,
    pub actor: Actor,
    /// The session's token (a password change keeps this session and ends the others).
    pub token: String,
    pub ctx: RequestCtx,
}

impl FromRequestParts<AppState> for ApiCall {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiUser { actor, token } = ApiUser::from_request_parts(parts, state).await?;
        let Ok(Ctx(ctx)) = Ctx::from_request_parts(parts, state).await;
        Ok(ApiCall {
            app: state.app.clone(),
            actor,
            token,
            ctx,
        })
    }
}

/// What nearly every page handler needs, in one extractor: the app, the logged-in user
/// (as [`PageUser`] establishes it, with the same redirects to the login or to the password
/// change) and the request's facts for the audit record. Extracting it also leaves the
/// [`PageUser`] in the request's extensions, so the request's [`Form`] checks its CSRF
/// token against this session.
pub struct PageCall {
    pub app: App,
    pub actor: Actor,
    /// The session's token (logging out ends this session).
    pub token: String,
    pub ctx: RequestCtx,
}

impl FromRequestParts<AppState> for PageCall {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let PageUser { actor, token } = PageUser::from_request_parts(parts, state).await?;
        let Ok(Ctx(ctx)) = Ctx::from_request_parts(parts, state).await;
        Ok(PageCall {
            app: state.app.clone(),
            actor,
            token,
            ctx,
        })
    }
}

impl PageCall {
    /// What surrounds a page this user sees: its title, their menu with `active` marked.
    pub fn layout(&self, title: impl Into<String>, active: &'static str) -> Layout {
        Layout::new(title, Some(&self.actor), active)
    }

    /// The CSRF token of a form read by hand (a multipart upload) must be the session's.
    #[allow(
        clippy::result_large_err,
        reason = "a Response is axum's natural refusal; this is no hot path"
    )]
    pub fn check_csrf(&self, token: &str) -> Result<(), Response> {
        check_csrf(&self.actor, token)
    }
}

/// The form of a logged-in user's page POST. Extracting it checks the form's `_csrf` field
/// against the session, so no handler can forget the check; a handler that names no
/// [`PageUser`] still gets one checked. Every field of `T` should be a string (or optional
/// string), so that whatever the user typed comes back on an error. A value with a control
/// character other than tab, CR and LF is refused first with a 422 page naming the field
/// ([`crate::edge::check_form`]).
pub struct Form<T> {
    pub value: T,
}

/// A form whose only field is the CSRF token (a button that posts).
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoFields {}

/// The form of a page an anonymous visitor posts (login, an applicant's registration).
/// There is no session to hold a CSRF token; cross-site posts are refused by the origin
/// check of every unsafe request ([`crate::middleware`]).
pub struct AnonymousForm<T> {
    pub value: T,
}

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = match parts.extensions.get::<PageUser>() {
            Some(user) => user.clone(),
            None => PageUser::from_request_parts(&mut parts, state).await?,
        };
        let bytes = form_bytes(Request::from_parts(parts, body), state).await?;
        // The token first: a forged post learns nothing about the form's fields.
        let csrf = serde_urlencoded::from_bytes::<CsrfOnly>(&bytes)
            .map(|c| c.csrf)
            .unwrap_or_default();
        check_csrf(&user.actor, &csrf)?;
        Ok(Form {
            value: read_form(&bytes)?,
        })
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AnonymousForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = form_bytes(req, state).await?;
        Ok(AnonymousForm {
            value: read_form(&bytes)?,
        })
    }
}

/// The body of a form, every value checked for control characters.
async fn form_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<axum::body::Bytes, Response> {
    let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| {
        error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "提交的内容过大或不完整，请精简后重试".into(),
        )
    })?;
    if let Err(e) = crate::edge::check_form(&bytes) {
        return Err(error_page(StatusCode::UNPROCESSABLE_ENTITY, e.message));
    }
    Ok(bytes)
}

#[allow(
    clippy::result_large_err,
    reason = "a Response is axum's natural refusal; this is no hot path"
)]
fn read_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Response> {
    serde_urlencoded::from_bytes::<T>(bytes).map_err(|e| {
        // serde's message is English and names internal fields: log it, show Chinese.
        tracing::debug!(error = %e, "unreadable form");
        error_page(
            StatusCode::BAD_REQUEST,
            "表单缺少内容或格式不正确，请返回上一页重新填写".into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Where a browser goes with `Location: <target>` from http://127.0.0.1/ (the WHATWG
    /// parser of the `url` crate strips tab/CR/LF and reads `\` as `/` as browsers do).
    fn lands_on(target: &str) -> Option<String> {
        let base = reqwest::Url::parse("http://127.0.0.1/").unwrap();
        base.join(target).ok().and_then(|u| u.host_str().map(str::to_string))
    }

    #[test]
    fn known_escapes_fall_back_to_the_workbench() {
        for bad in [
            "/\t/evil.example",
            "/%09/evil.example",
            "/\r\n/evil.example",
            "/\u{1}",
            "\u{1}",
            "//x",
            "/\\x",
            "\\\\evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            " //evil.example",
            "https://evil.example",
            "",
            "/x y",
            "/张三",
        ] {
            assert_eq!(safe_next(bad), "/workbench", "{bad:?}");
        }
        for good in ["/workbench", "/plans?year=2026&page=2", "/talents?name=%E5%BC%A0", "/"] {
            assert_eq!(safe_next(good), good);
        }
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }

    /// Strings likely to fool a redirect check: slashes, backslashes, whitespace, control
    /// characters, percent escapes, scheme and host pieces, any character.
    fn nasty() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("/".to_string()),
            Just("\\".to_string()),
            Just("%2F".to_string()),
            Just("%5C".to_string()),
            Just("%09".to_string()),
            Just("%00".to_string()),
            Just(":".to_string()),
            Just("@".to_string()),
            Just("evil.example".to_string()),
            Just("http:".to_string()),
            Just(".".to_string()),
            Just("?".to_string()),
            Just("#".to_string()),
            "[\\t\\r\\n \\x00-\\x1f\\x7f]".prop_map(|s: String| s),
            any::<char>().prop_map(|c| c.to_string()),
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn whatever_next_is_the_redirect_stays_on_the_host(next in nasty()) {
            let target = safe_next(&next);
            prop_assert_eq!(lands_on(target), Some("127.0.0.1".to_string()), "next={:?} target={:?}", next, target);
            // A target is always a valid header value (no 500 from the redirect).
            prop_assert!(axum::http::HeaderValue::from_str(target).is_ok());
            // Decoded once more, it still stays.
            let decoded = String::from_utf8_lossy(&percent_decode(target).unwrap()).into_owned();
            prop_assert_eq!(lands_on(&decoded), Some("127.0.0.1".to_string()), "decoded {:?}", decoded);
        }

        #[test]
        fn any_string_at_all_stays_on_the_host(next in any::<String>()) {
            prop_assert_eq!(lands_on(safe_next(&next)), Some("127.0.0.1".to_string()));
        }
    }
}
