//! Server-rendered pages, one module per feature.

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::error::error_page;

mod account;
mod applications;
mod attachments;
mod audit;
mod calculator;
mod candidates;
mod fixings;
mod fund;
mod gate;
mod housing;
mod meetings;
mod orgs;
mod plans;
mod portal;
mod projection;
mod recovery;
mod talents;
mod users;
mod workbench;
pub mod workflow;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(portal::routes())
        .merge(account::routes())
        .merge(attachments::routes())
        .merge(workbench::routes())
        .merge(orgs::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(calculator::routes())
        .merge(candidates::routes())
        .merge(applications::routes())
        .merge(talents::routes())
        .merge(fixings::routes())
        .merge(meetings::routes())
        .merge(plans::routes())
        .merge(projection::routes())
        .merge(fund::routes())
        .merge(gate::routes())
        .merge(housing::routes())
        .merge(recovery::routes())
        .merge(workflow::routes())
}

pub async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "页面不存在，请检查地址或从菜单进入".into())
}

/// Renders a template, or a 500 page if it cannot be rendered.
pub fn render<T: Template>(t: &T) -> Response {
    render_with(StatusCode::OK, t)
}

pub fn render_with<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败，请稍后重试".into())
        }
    }
}

/// The `page` and `per_page` of a list page, read leniently.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Paging {
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl Paging {
    /// 1 when missing or unreadable; at most [`MAX_PAGE`], so the offset never overflows.
    pub fn page(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
            .min(MAX_PAGE)
    }
    pub fn limit(&self) -> i64 {
        self.per_page
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(20)
            .clamp(1, 200)
    }
    pub fn offset(&self) -> i64 {
        (self.page() - 1).saturating_mul(self.limit())
    }
}

/// The highest page number a list page takes: with 200 rows a page that is an offset of
/// 2·10⁹, far beyond any real list, and nowhere near an overflow.
pub const MAX_PAGE: i64 = 10_000_000;

/// Pager figures for a list template.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The query string without `page`, to build links.
    pub base: String,
}

impl Pager {
    pub fn new(total: i64, paging: &Paging, filters: &[(&str, &str)]) -> Pager {
        let pages = ((total + paging.limit() - 1) / paging.limit()).max(1);
        let kept: Vec<(&str, &str)> = filters.iter().filter(|(_, v)| !v.is_empty()).copied().collect();
        let base = serde_urlencoded::to_string(kept).unwrap_or_default();
        Pager {
            page: paging.page(),
            pages,
            total,
            base,
        }
    }

    pub fn link(&self, page: i64) -> String {
        if self.base.is_empty() {
            format!("?page={page}")
        } else {
            format!("?{}&page={page}", self.base)
        }
    }
}

/// 200 for a form shown fresh, 422 for a form shown again with its errors.
pub fn form_status(errors: &[yincai_app::FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Shows where a field failed: the message for `field`, if any.
pub fn field_error<'a>(errors: &'a [yincai_app::FieldError], field: &str) -> &'a str {
    errors
        .iter()
        .find(|e| e.field == field)
        .map_or("", |e| e.message.as_str())
}
