//! Request ids and the cross-site request guard.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use yincai_app::RequestCtx;

/// Gives every request an id (or keeps a sane one the client sent), makes it available
/// to handlers as a [`RequestCtx`] extension and returns it in `x-request-id`.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(String::from)
        .unwrap_or_else(|| yincai_domain::crypto::random_token(12));
    req.extensions_mut().insert(RequestCtx { request_id: id.clone() });
    let mut response = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// Refuses state-changing requests that a browser says come from another site
/// (`Sec-Fetch-Site`) or whose `Origin` is not this host. Together with SameSite
/// cookies and the per-session token this closes cross-site request forgery.
pub async fn origin_guard(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return forbidden();
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin != "null" && origin_host != host {
            return forbidden();
        }
    }
    next.run(req).await
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        "跨站请求已拒绝：请从本系统页面提交 (cross-site request refused)",
    )
        .into_response()
}
