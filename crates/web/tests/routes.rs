//! Every route, walked as every role and as nobody: no unauthorised 2xx anywhere.
//! Grows with every feature: a new route is added to `ROUTES` with who may use it.

mod common;

use common::{DEMO_USERS, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Who may use a route: these demo accounts get `ok`, every other account `denied`
/// (404 for a record outside one's scope: its existence is not revealed).
struct Route {
    method: Method,
    /// `{own}` is the unit user's organisation, `{foreign}` another department's unit,
    /// `{user}` the demo talent's account, `{cand}` another applicant's registration form,
    /// `{mine}` the demo talent's own.
    path: &'static str,
    body: Option<serde_json::Value>,
    allowed: &'static [&'static str],
    ok: u16,
    denied: u16,
    /// Accounts that get 404 rather than `denied` (an applicant asking for another's record).
    hidden_from: &'static [&'static str],
}

const ORG_READERS: &[&str] = &[
    "unit", "dept", "coord", "leader", "assessor", "finance", "mayor", "sysadmin",
];
const CITY_WIDE_ORG_READERS: &[&str] = &["coord", "leader", "assessor", "finance", "mayor", "sysadmin"];
const ALL: &[&str] = &DEMO_USERS;
const TASK_READERS: &[&str] = &[
    "talent", "unit", "dept", "coord", "leader", "assessor", "finance", "mayor", "service", "sysadmin", "secadmin",
];

fn routes() -> Vec<Route> {
    let r = |method: Method, path, body: Option<serde_json::Value>, allowed, ok, denied| Route {
        method,
        path,
        body,
        allowed,
        ok,
        denied,
        hidden_from: &[],
    };
    let hidden = |method: Method, path, hidden_from| Route {
        method,
        path,
        body: None,
        allowed: &["coord"],
        ok: 200,
        denied: 403,
        hidden_from,
    };
    let bad_org = Some(json!({"name": "", "kind": "nonsense"}));
    let bad_user = Some(json!({"username": "", "display_name": "", "org_id": 0, "roles": []}));
    let no_reason = Some(json!({"reason": ""}));
    vec![
        // API: accounts
        r(Method::GET, "/api/me", None, ALL, 200, 0),
        r(Method::GET, "/api/roles", None, ALL, 200, 0),
        r(Method::GET, "/api/tasks", None, TASK_READERS, 200, 403),
        r(Method::GET, "/api/users", None, &["sysadmin", "secadmin"], 200, 403),
        r(Method::POST, "/api/users", bad_user, &["sysadmin"], 422, 403),
        r(
            Method::GET,
            "/api/users/{user}",
            None,
            &["sysadmin", "secadmin"],
            200,
            403,
        ),
        r(
            Method::POST,
            "/api/users/{user}/unlock",
            no_reason.clone(),
            &["secadmin"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/users/{user}/reset-password",
            no_reason.clone(),
            &["secadmin"],
            422,
            403,
        ),
        r(
            Method::PUT,
            "/api/users/{user}/roles",
            Some(json!({"roles": ["talent"], "reason": ""})),
            &["secadmin"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/users/{user}/disable",
            no_reason.clone(),
            &["sysadmin"],
            422,
            403,
        ),
        r(
            Method::POST,
            "/api/users/{user}/enable",
            no_reason,
            &["sysadmin"],
            422,
            403,
        ),
        // API: organisations (out-of-scope records answer 404)
        r(Method::GET, "/api/orgs", None, ORG_READERS, 200, 403),
        r(Method::GET, "/api/orgs/{own}", None, ORG_READERS, 200, 403),
        r(
            Method::GET,
            "/api/orgs/{foreign}",
            None,
            CITY_WIDE_ORG_READERS,
            200,
            404,
        ),
        r(Method::POST, "/api/orgs", bad_org.clone(), &["sysadmin"], 422, 403),
        r(Method::PUT, "/api/orgs/{own}", bad_org, &["sysadmin"], 422, 403),
        // API: registration forms (人才登记表)
        r(Method::GET, "/api/me/profile", None, &["talent"], 200, 403),
        r(
            Method::PUT,
            "/api/me/profile",
            Some(json!({"name": "", "id_type": "citizen_id", "gender": ""})),
            &["talent"],
            422,
            403,
        ),
        r(Method::GET, "/api/candidates", None, &["coord"], 200, 403),
        hidden(Method::GET, "/api/candidates/{cand}", &["talent"]),
        r(
            Method::GET,
            "/api/candidates/{mine}",
            None,
            &["talent", "coord"],
            200,
            403,
        ),
        r(
            Method::POST,
            "/api/candidates/{cand}/reveal",
            Some(json!({"reason": ""})),
            &["coord"],
            422,
            403,
        ),
        // API: audit
        r(Method::GET, "/api/audit", None, &["auditor"], 200, 403),
        r(Method::GET, "/api/audit/verify", None, &["auditor"], 200, 403),
        // Pages
        r(Method::GET, "/workbench", None, ALL, 200, 0),
        r(Method::GET, "/account/password", None, ALL, 200, 0),
        r(Method::GET, "/orgs", None, ORG_READERS, 200, 403),
        r(Method::GET, "/orgs/{own}", None, ORG_READERS, 200, 403),
        r(Method::GET, "/orgs/{foreign}", None, CITY_WIDE_ORG_READERS, 200, 404),
        r(Method::GET, "/orgs/new", None, &["sysadmin"], 200, 403),
        r(Method::GET, "/orgs/export.xlsx", None, ORG_READERS, 200, 403),
        r(Method::GET, "/orgs/{own}/edit", None, &["sysadmin"], 200, 403),
        r(Method::GET, "/admin/users", None, &["sysadmin", "secadmin"], 200, 403),
        r(Method::GET, "/admin/users/new", None, &["sysadmin"], 200, 403),
        r(
            Method::GET,
            "/admin/users/{user}",
            None,
            &["sysadmin", "secadmin"],
            200,
            403,
        ),
        r(Method::GET, "/me/profile", None, &["talent"], 200, 403),
        // A form posted without its CSRF token is refused for everyone.
        r(Method::POST, "/me/profile", None, &[], 0, 403),
        r(Method::GET, "/candidates", None, &["coord"], 200, 403),
        hidden(Method::GET, "/candidates/{cand}", &["talent"]),
        r(Method::POST, "/candidates/{cand}/reveal", None, &[], 0, 403),
        r(Method::GET, "/audit", None, &["auditor"], 200, 403),
        r(Method::GET, "/audit/verify", None, &["auditor"], 200, 403),
        r(Method::GET, "/audit/export.xlsx", None, &["auditor"], 200, 403),
    ]
}

/// Pages and API routes that anyone may open.
const PUBLIC: [&str; 6] = [
    "/",
    "/login",
    "/register",
    "/healthz",
    "/api/openapi.json",
    "/api/roles",
];

#[tokio::test]
async fn every_route_as_every_role() {
    for app in TestApp::on_every_backend().await {
        let own = app.org_id("阿拉山口市口岸经济研究中心").await.to_string();
        let foreign = app.org_id("阿拉山口市文化馆").await.to_string();
        let user = app.user_id("talent").await.to_string();
        let mine = common::save_profile(&app, "talent", "110101199003071233", "13812345678")
            .await
            .to_string();
        let cand = common::save_new_applicant(&app, "applicant2", "11010519491231002X", "13912345678")
            .await
            .to_string();
        let fill = |p: &str| {
            p.replace("{own}", &own)
                .replace("{foreign}", &foreign)
                .replace("{user}", &user)
                .replace("{cand}", &cand)
                .replace("{mine}", &mine)
        };
        let mut tokens = Vec::new();
        for name in DEMO_USERS {
            tokens.push((name, app.login(name).await));
        }
        let mut failures = Vec::new();
        for route in routes() {
            let path = fill(route.path);
            for (name, token) in &tokens {
                let expected = if route.allowed.contains(name) {
                    route.ok
                } else if route.hidden_from.contains(name) {
                    404
                } else if route.denied == 404 && !ORG_READERS.contains(name) {
                    403 // without the permission at all, scope is never reached
                } else {
                    route.denied
                };
                assert_ne!(expected, 0, "{} {}: {name} must be allowed", route.method, route.path);
                let status = if route.path.starts_with("/api/") {
                    app.call(route.method.clone(), &path, Some(token), route.body.clone())
                        .await
                        .0
                        .as_u16()
                } else {
                    let cookie = format!("yincai_session={token}");
                    app.http
                        .request(route.method.clone(), app.url(&path))
                        .header("cookie", cookie)
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16()
                };
                if status != expected {
                    failures.push(format!(
                        "{} {} as {name}: {status}, expected {expected}",
                        route.method, route.path
                    ));
                }
            }
            // Nobody: the API answers 401, a page sends to the login page.
            let status = app
                .call(route.method.clone(), &path, None, route.body.clone())
                .await
                .0
                .as_u16();
            let expected = if route.path.starts_with("/api/") && route.path != "/api/roles" {
                401
            } else if route.path == "/api/roles" {
                200
            } else {
                303
            };
            if status != expected {
                failures.push(format!(
                    "{} {} anonymously: {status}, expected {expected}",
                    route.method, route.path
                ));
            }
        }
        for path in PUBLIC {
            let status = app.http.get(app.url(path)).send().await.unwrap().status();
            if status != StatusCode::OK {
                failures.push(format!("GET {path} anonymously: {status}"));
            }
        }
        // The policy calculator's API is public: anyone may evaluate facts.
        let facts = json!({"as_of": "2016-06-30", "mode": "recruit", "start": "2015-01-10"});
        let (status, _) = app.call(Method::POST, "/api/policy/evaluate", None, Some(facts)).await;
        if status != StatusCode::OK {
            failures.push(format!("POST /api/policy/evaluate anonymously: {status}"));
        }
        assert!(failures.is_empty(), "{}:\n{}", app.label, failures.join("\n"));
        app.stop().await;
    }
}

#[tokio::test]
async fn unknown_routes_answer_404_in_the_right_language() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let (status, body) = app.call(Method::GET, "/api/nothing-here", None, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let resp = app.http.get(app.url("/nothing-here")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp.text().await.unwrap().contains("页面不存在"));
    app.stop().await;
}
