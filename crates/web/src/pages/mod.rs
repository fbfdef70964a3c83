//! Server-rendered pages, one module per feature.

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use yincai_app::AppError;

use crate::AppState;
use crate::error::{PageError, error_page};

use crate::administration::accounts::account_pages as account;
use crate::administration::audit::pages as audit;
use crate::administration::orgs::pages as orgs;
use crate::attachments::pages as attachments;
use crate::benefits::endings::pages as endings;
use crate::benefits::fixings::pages as fixings;
use crate::benefits::fund::pages as fund;
use crate::benefits::gate::pages as gate;
use crate::benefits::housing::pages as housing;
use crate::benefits::service_record::pages as service_record;
use crate::introduction::applications::pages as applications;
use crate::introduction::candidates::pages as candidates;
use crate::introduction::meetings::pages as meetings;
use crate::introduction::plans::pages as plans;
use crate::policy::calculator;
use crate::policy::measures;
mod portal;
use crate::administration::accounts::user_pages as users;
use crate::benefits::projection::pages as projection;
use crate::benefits::recovery::pages as recovery;
use crate::benefits::talents::pages as talents;
use crate::workflow::pages as workflow;
use crate::workflow::workbench;

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
        .merge(measures::routes())
        .merge(candidates::routes())
        .merge(applications::routes())
        .merge(talents::routes())
        .merge(fixings::routes())
        .merge(endings::routes())
        .merge(meetings::routes())
        .merge(plans::routes())
        .merge(projection::routes())
        .merge(fund::routes())
        .merge(gate::routes())
        .merge(service_record::routes())
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

/// A list's filters as a query string (`state=draft&year=2026`), the empty ones left out:
/// what its pager and its export link carry.
fn query_string(filters: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = filters.iter().filter(|(_, v)| !v.is_empty()).copied().collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

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
        Pager {
            page: paging.page(),
            pages,
            total,
            base: query_string(filters),
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

/// Where a page form's submission leads: on success a redirect to `to(value)`; on field
/// errors the form again, as the user typed it, with the messages beside the fields
/// (`again(errors)`); any other refusal is the error page.
pub async fn after_submit<T, Again>(
    result: Result<T, AppError>,
    to: impl FnOnce(T) -> String,
    again: impl FnOnce(FieldErrors) -> Again,
) -> Result<Response, PageError>
where
    Again: Future<Output = Result<Response, PageError>>,
{
    match result {
        Ok(value) => Ok(Redirect::to(&to(value)).into_response()),
        Err(e) if !e.field_errors().is_empty() => again(e.field_errors().into()).await,
        Err(e) => Err(e.into()),
    }
}

/// The talents a form may name, in the viewer's scope (name and unit, for a select), so
/// nobody has to type a 人才编号 that no list shows.
pub async fn talent_choices(
    call: &crate::auth::PageCall,
) -> Result<Vec<yincai_app::talents::TalentListRow>, PageError> {
    Ok(call
        .app
        .talents(&call.actor, &yincai_app::talents::TalentFilter::default(), 0, 1000)
        .await?
        .rows)
}

/// 200 for a form shown fresh, 422 for a form shown again with its errors.
pub fn form_status(errors: &FieldErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The messages of a refused form, each on its field: one type for every page. A template
/// shows `errors.on("name")` beside the input and `for e in errors` above the form.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(Vec<yincai_app::FieldError>);

impl FieldErrors {
    /// The message on `field`, or "" when it has none.
    pub fn on(&self, field: &str) -> &str {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.message.as_str())
    }

    /// Every message on a field whose name starts with `prefix` (the rows of a table).
    pub fn starting_with(&self, prefix: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|e| e.field.starts_with(prefix))
            .map(|e| e.message.as_str())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, yincai_app::FieldError> {
        self.0.iter()
    }
}

impl From<Vec<yincai_app::FieldError>> for FieldErrors {
    fn from(errors: Vec<yincai_app::FieldError>) -> Self {
        FieldErrors(errors)
    }
}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a yincai_app::FieldError;
    type IntoIter = std::slice::Iter<'a, yincai_app::FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Every page route the pages' routers declare, as (method, path) in axum's syntax. The
/// route × role test (`tests/routes.rs`) walks this list and fails on a route without a
/// row; the unit test below proves the list is the routers' (no more, no less).
pub fn page_routes() -> &'static [(&'static str, &'static str)] {
    &[
        ("GET", "/account/password"),
        ("POST", "/account/password"),
        ("GET", "/positions/{id}/apply"),
        ("POST", "/positions/{id}/apply"),
        ("GET", "/me/applications"),
        ("GET", "/applications"),
        ("GET", "/applications/export.xlsx"),
        ("GET", "/applications/{id}"),
        ("POST", "/applications/{id}/checklist"),
        ("GET", "/applications/{id}/letter"),
        ("POST", "/applications/{id}/letter"),
        ("POST", "/attachments"),
        ("GET", "/attachments/{id}"),
        ("GET", "/audit"),
        ("GET", "/audit/export.xlsx"),
        ("GET", "/audit/verify"),
        ("GET", "/calculator"),
        ("GET", "/policy"),
        ("GET", "/me/profile"),
        ("POST", "/me/profile"),
        ("GET", "/candidates"),
        ("GET", "/candidates/export.xlsx"),
        ("GET", "/candidates/{id}"),
        ("POST", "/candidates/{id}/reveal"),
        ("GET", "/talents/{id}/fixings/new"),
        ("POST", "/talents/{id}/fixings"),
        ("GET", "/fixings/{id}"),
        ("POST", "/fixings/{id}"),
        ("GET", "/talents/{id}/endings/new"),
        ("POST", "/talents/{id}/endings"),
        ("GET", "/endings/{id}"),
        ("POST", "/endings/{id}"),
        ("GET", "/fund"),
        ("POST", "/fund/budgets"),
        ("GET", "/fund/batches"),
        ("POST", "/fund/batches"),
        ("GET", "/fund/batches/{id}"),
        ("POST", "/fund/batches/{id}/pay"),
        ("GET", "/fund/batches/{id}/export.xlsx"),
        ("GET", "/benefits/due"),
        ("GET", "/benefits/due/export.xlsx"),
        ("POST", "/benefits/releases"),
        ("GET", "/assessments"),
        ("GET", "/assessments/export.xlsx"),
        ("POST", "/assessments"),
        ("POST", "/assessments/{id}/file"),
        ("GET", "/talents/{id}/service-months"),
        ("POST", "/talents/{id}/service-months"),
        ("POST", "/service-months/{id}/confirm"),
        ("GET", "/installments/{id}/certificate"),
        ("GET", "/me/benefits"),
        ("GET", "/housing"),
        ("POST", "/housing/units"),
        ("POST", "/housing/allocations"),
        ("POST", "/housing/allocations/{id}/gift"),
        ("POST", "/housing/allocations/{id}/return"),
        ("GET", "/housing/talents/{id}"),
        ("GET", "/meetings"),
        ("POST", "/meetings"),
        ("GET", "/meetings/{id}"),
        ("POST", "/meetings/{id}/agenda"),
        ("POST", "/meetings/{id}/agenda/{agenda_id}/decision"),
        ("POST", "/meetings/{id}/agenda/{agenda_id}/removal"),
        ("POST", "/meetings/{id}/close"),
        ("POST", "/meetings/{id}/reschedule"),
        ("GET", "/meetings/by-agenda/{agenda_id}"),
        ("GET", "/orgs"),
        ("POST", "/orgs"),
        ("GET", "/orgs/new"),
        ("GET", "/orgs/export.xlsx"),
        ("GET", "/orgs/{id}"),
        ("POST", "/orgs/{id}"),
        ("GET", "/orgs/{id}/edit"),
        ("GET", "/plans"),
        ("GET", "/plans/export.xlsx"),
        ("POST", "/plans"),
        ("GET", "/plans/new"),
        ("GET", "/plans/{id}"),
        ("POST", "/plans/{id}"),
        ("GET", "/plans/{id}/edit"),
        ("POST", "/plans/{id}/delete"),
        ("GET", "/plans/{id}/announcement"),
        ("POST", "/plans/{id}/announcement"),
        ("GET", "/announcements/{id}"),
        ("GET", "/"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("GET", "/register"),
        ("POST", "/register"),
        ("GET", "/fund/projection"),
        ("GET", "/fund/projection.xlsx"),
        ("GET", "/talents/{id}/evaluations"),
        ("POST", "/talents/{id}/evaluations"),
        ("GET", "/recoveries"),
        ("GET", "/recoveries/{id}"),
        ("POST", "/recoveries/{id}/repayments"),
        ("GET", "/talents"),
        ("GET", "/talents/export.xlsx"),
        ("GET", "/talents/{id}"),
        ("POST", "/talents/{id}/bank-account"),
        ("GET", "/me/talent"),
        ("POST", "/me/talent/bank-account"),
        ("GET", "/applications/{id}/procedure"),
        ("POST", "/applications/{id}/procedure"),
        ("GET", "/special-cases"),
        ("GET", "/special-cases/export.xlsx"),
        ("POST", "/special-cases"),
        ("GET", "/special-cases/new"),
        ("GET", "/special-cases/{id}"),
        ("POST", "/special-cases/{id}"),
        ("POST", "/special-cases/{id}/submit"),
        ("GET", "/admin/users"),
        ("POST", "/admin/users"),
        ("GET", "/admin/users/new"),
        ("GET", "/admin/users/{id}"),
        ("POST", "/admin/users/{id}/roles"),
        ("POST", "/admin/users/{id}/{action}"),
        ("POST", "/admin/proposals/{pid}/{decision}"),
        ("GET", "/workbench"),
        ("GET", "/workflow/{id}"),
        ("POST", "/workflow/{id}/act"),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{Request, StatusCode};

    use super::page_routes;

    /// Every page module (portal here, the others in their features' folders), read at compile time: the routes they declare.
    const SOURCES: &[(&str, &str)] = &[
        ("mod", include_str!("mod.rs")),
        ("account", include_str!("../administration/accounts/account_pages.rs")),
        ("applications", include_str!("../introduction/applications/pages.rs")),
        ("attachments", include_str!("../attachments/pages.rs")),
        ("audit", include_str!("../administration/audit/pages.rs")),
        ("calculator", include_str!("../policy/calculator.rs")),
        ("measures", include_str!("../policy/measures.rs")),
        ("candidates", include_str!("../introduction/candidates/pages.rs")),
        ("endings", include_str!("../benefits/endings/pages.rs")),
        ("fixings", include_str!("../benefits/fixings/pages.rs")),
        ("fund", include_str!("../benefits/fund/pages.rs")),
        ("gate", include_str!("../benefits/gate/pages.rs")),
        ("housing", include_str!("../benefits/housing/pages.rs")),
        ("meetings", include_str!("../introduction/meetings/pages.rs")),
        ("orgs", include_str!("../administration/orgs/pages.rs")),
        ("plans", include_str!("../introduction/plans/pages.rs")),
        ("portal", include_str!("portal.rs")),
        ("projection", include_str!("../benefits/projection/pages.rs")),
        ("recovery", include_str!("../benefits/recovery/pages.rs")),
        ("service_record", include_str!("../benefits/service_record/pages.rs")),
        ("talents", include_str!("../benefits/talents/pages.rs")),
        ("users", include_str!("../administration/accounts/user_pages.rs")),
        ("workbench", include_str!("../workflow/workbench.rs")),
        ("workflow", include_str!("../workflow/pages.rs")),
    ];

    /// The (method, path) pairs of every `.route("path", get(..).post(..))` in `source`
    /// (comment lines skipped).
    fn declared_routes(source: &str) -> Vec<(String, String)> {
        let code: String = source
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut found = Vec::new();
        for (at, _) in code.match_indices(".route(") {
            let rest = &code[at + ".route(".len()..];
            let Some(rest) = rest.trim_start().strip_prefix('"') else {
                panic!("a .route( whose path is not a literal: {}", &rest[..rest.len().min(80)]);
            };
            let path = &rest[..rest.find('"').unwrap()];
            // The method router: up to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let methods = &rest[..end];
            for method in ["get", "post", "put", "delete", "patch"] {
                let call = format!("{method}(");
                let called = methods
                    .match_indices(&call)
                    .any(|(i, _)| i == 0 || !methods[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                if called {
                    found.push((method.to_uppercase(), path.to_string()));
                }
            }
        }
        found
    }

    #[test]
    fn the_list_names_every_route_the_page_sources_declare_and_no_other() {
        // Every page module is read above (a new file must be added to SOURCES).
        let modules: BTreeSet<&str> = SOURCES[0]
            .1
            .lines()
            .filter_map(|l| {
                // `mod portal;` here, `use crate::<context>::<feature>::pages as plans;` elsewhere.
                let l = l.trim().trim_start_matches("pub ").strip_suffix(';')?;
                l.strip_prefix("mod ").or_else(|| {
                    let path = l.strip_prefix("use crate::")?;
                    Some(
                        path.split_once(" as ")
                            .map_or_else(|| path.rsplit("::").next().unwrap(), |(_, name)| name),
                    )
                })
            })
            // A module's name, not a type (`AppState`) or a list (`{PageError, ..}`).
            .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        let read: BTreeSet<&str> = SOURCES[1..].iter().map(|(name, _)| *name).collect();
        assert_eq!(modules, read, "every page module of pages/mod.rs is in SOURCES");

        // mod.rs only merges the modules' routers (and this test's own text names `.route(`).
        let declared: BTreeSet<(String, String)> = SOURCES[1..].iter().flat_map(|(_, s)| declared_routes(s)).collect();
        let listed: BTreeSet<(String, String)> = page_routes()
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        assert_eq!(page_routes().len(), listed.len(), "page_routes() names a route twice");
        let missing: Vec<_> = declared.difference(&listed).collect();
        let extra: Vec<_> = listed.difference(&declared).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "declared in pages/*.rs but not in page_routes(): {missing:?}; listed but not declared: {extra:?}"
        );
        // The parser finds what it must: a route split over lines and one with two methods.
        assert!(declared.contains(&("POST".into(), "/attachments".into())));
        assert!(declared.contains(&("GET".into(), "/plans/{id}/announcement".into())));
        assert!(declared.contains(&("POST".into(), "/plans/{id}/announcement".into())));
    }

    /// The answer of the router for a request it has no route or no method for.
    const UNROUTED: StatusCode = StatusCode::IM_A_TEAPOT;

    #[tokio::test]
    async fn every_listed_route_reaches_a_handler_of_the_page_router() {
        let dir = yincai_store::test_support::TempDir::new("yincai-page-routes");
        let config = yincai_app::startup::DataConfig {
            data_dir: dir.0.clone(),
            database_url: None,
        };
        let app = yincai_app::startup::open_app(&config, Arc::new(yincai_app::clock::SystemClock))
            .await
            .unwrap();
        let state = crate::AppState {
            app,
            secure_cookies: false,
        };
        let router = super::router()
            .fallback(|| async { UNROUTED })
            .method_not_allowed_fallback(|| async { UNROUTED })
            .with_state(state);
        let answer = |method: &str, path: &str| {
            let mut router = router.clone();
            let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
            async move { tower::Service::call(&mut router, request).await.unwrap().status() }
        };
        let mut unrouted = Vec::new();
        for (method, path) in page_routes() {
            // Placeholders filled with a number: a handler answers (a login redirect, a
            // refusal, a 404 page of its own), never the fallback.
            let filled: String = path
                .split('/')
                .map(|s| if s.starts_with('{') { "1" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            if answer(method, &filled).await == UNROUTED {
                unrouted.push(format!("{method} {path}"));
            }
        }
        assert!(unrouted.is_empty(), "listed but not routed: {unrouted:?}");
        // The check can fail: an unknown path and a method a route does not take.
        assert_eq!(answer("GET", "/no-such-page").await, UNROUTED);
        assert_eq!(answer("DELETE", "/workbench").await, UNROUTED);
        assert_eq!(answer("POST", "/workbench").await, UNROUTED);
    }
}
