//! Request ids, the cross-site request guard, security headers and one format for
//! every refusal.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use yincai_app::RequestCtx;

use crate::edge::is_api;
use crate::error::reject;

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
    let started = std::time::Instant::now();
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        headers.insert("x-request-id", v);
    }
    // The server's own time for the answer (W3C Server-Timing): shown by the browser's
    // developer tools and read by the page-time benchmark (`e2e/bench/pages.js`).
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={millis:.1}")) {
        headers.insert("server-timing", v);
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
    let api = is_api(req.uri().path());
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return forbidden(api);
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin != "null" && origin_host != host {
            return forbidden(api);
        }
    }
    next.run(req).await
}

fn forbidden(api: bool) -> Response {
    reject(
        api,
        StatusCode::FORBIDDEN,
        "cross_site",
        "跨站请求已拒绝：请从本系统页面提交".into(),
        vec![],
    )
}

/// The Content-Security-Policy of every HTML page: scripts only from our own files (no
/// inline script, no `eval`), nothing may frame a page. Inline styles are allowed:
/// ECharts writes `style` attributes into its chart and tooltip markup and htmx adds
/// its indicator style; a style cannot run code.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Security headers on every response, without overriding a stricter set a handler
/// chose (attachment downloads): `nosniff`, `Referrer-Policy: same-origin`,
/// `X-Frame-Options: DENY`; the page CSP on HTML; `Cache-Control: no-store` on
/// everything but the static assets (pages and API answers carry personal data).
pub async fn security_headers(req: Request, next: Next) -> Response {
    let assets = req.uri().path().starts_with("/assets/");
    let mut response = next.run(req).await;
    let html = content_type(&response).starts_with("text/html");
    let h = response.headers_mut();
    h.entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    h.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    if !assets {
        h.entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    if html {
        h.entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(PAGE_CSP));
    }
    response
}

fn content_type(response: &Response) -> &str {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Every refusal in the format of where it happened. Rejections that axum's own
/// extractors and router answer as plain text (a path segment that is not a number, a
/// query string that does not parse, a wrong method, a missing content type) become the
/// API's JSON error body under `/api/` and the error page elsewhere, in Chinese. A
/// refusal already in the right format passes unchanged.
pub async fn uniform_rejections(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let response = next.run(req).await;
    let status = response.status();
    if !status.is_client_error() {
        return response;
    }
    let ct = content_type(&response);
    let in_format = if api {
        ct.starts_with("application/json")
    } else {
        ct.starts_with("text/html")
    };
    if in_format {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let (code, message) = explain(api, status, &text);
    let mut out = reject(api, status, code, message.into(), vec![]);
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// A stable code and a Chinese message for a plain-text rejection.
fn explain(api: bool, status: StatusCode, text: &str) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST if text.starts_with("Failed to deserialize query string") => (
            "invalid_query",
            "查询参数不正确：请检查地址中“?”之后的参数（数字须为整数，同一参数只能出现一次）后重试",
        ),
        StatusCode::BAD_REQUEST if text.starts_with("Invalid") => {
            ("invalid_path", "地址不正确：路径中的编号须为整数，请检查地址后重试")
        }
        StatusCode::BAD_REQUEST => ("bad_request", "请求格式不正确，请检查后重试"),
        StatusCode::NOT_FOUND => ("not_found", "请求的地址不存在，请检查地址"),
        StatusCode::METHOD_NOT_ALLOWED if api => (
            "method_not_allowed",
            "该接口不支持此请求方法，请对照接口文档 /api/openapi.json",
        ),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "该页面不支持此操作，请从菜单进入"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "提交的内容过大（上限 1 MiB），请精简后重试"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE if api => (
            "unsupported_media_type",
            "请求体须为 JSON，并设置 Content-Type: application/json",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "提交的格式不受支持，请从本系统页面提交"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid_input", "提交的内容不符合要求，请检查后重试"),
        StatusCode::UNAUTHORIZED => ("unauthenticated", "请先登录"),
        StatusCode::FORBIDDEN => ("forbidden", "没有权限执行此操作"),
        _ => ("bad_request", "请求无法处理，请检查后重试"),
    }
}
