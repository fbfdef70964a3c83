//! Authorization in one place (issue 9, item 9): the workbench offers what the grants table
//! permits and every offer opens; a refusal names who may act, taken from the table; and no
//! layer outside `yincai_app::authz` asks which role someone holds.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

/// The hrefs of the workbench's shortcuts (常用功能).
fn shortcuts(page: &str) -> Vec<String> {
    let list = page
        .split("<ul class=\"shortcuts\">")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_default();
    list.split("<a href=\"")
        .skip(1)
        .filter_map(|a| a.split('"').next())
        .map(|h| h.replace("&#x3f;", "?").replace("&#x3d;", "=").replace("&amp;", "&"))
        .collect()
}

#[tokio::test]
async fn the_workbench_offers_what_the_permissions_open_and_every_offer_opens() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    // (user, offered, not offered)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "unit",
            &["/plans/new", "/plans", "/applications", "/assessments", "/talents"],
            &["/meetings", "/fund", "/special-cases"],
        ),
        (
            "dept",
            &["/plans", "/talents", "/orgs"],
            &["/plans/new", "/applications", "/meetings"],
        ),
        (
            "coord",
            &[
                "/plans",
                "/applications",
                "/meetings",
                "/special-cases",
                "/candidates",
                "/assessments",
                "/benefits/due",
                "/fund",
            ],
            &["/plans/new", "/admin/users", "/audit"],
        ),
        (
            "leader",
            &["/meetings", "/plans", "/talents"],
            &["/plans/new", "/fund", "/special-cases"],
        ),
        ("mayor", &["/meetings", "/fund", "/orgs"], &["/plans", "/applications"]),
        (
            "finance",
            &["/fund", "/talents", "/orgs"],
            &["/plans", "/meetings", "/applications"],
        ),
        ("assessor", &["/talents", "/orgs"], &["/plans", "/fund"]),
        (
            "sysadmin",
            &["/orgs/new", "/admin/users/new", "/admin/users"],
            &["/plans", "/talents", "/audit", "/fund"],
        ),
        (
            "secadmin",
            &["/admin/users", "/admin/users?status=locked"],
            &["/orgs/new", "/plans", "/audit"],
        ),
        ("auditor", &["/audit"], &["/admin/users", "/orgs", "/plans", "/talents"]),
        (
            "talent",
            &["/", "/me/profile", "/me/applications", "/me/talent"],
            &["/plans", "/talents", "/orgs"],
        ),
    ];
    for (user, offered, withheld) in cases {
        let b = app.browser(user).await;
        let (status, page) = b.get("/workbench").await;
        assert_eq!(status, StatusCode::OK, "{user}");
        let hrefs = shortcuts(&page);
        for h in *offered {
            assert!(hrefs.iter().any(|x| x == h), "{user} is offered {h}: {hrefs:?}");
        }
        for h in *withheld {
            assert!(!hrefs.iter().any(|x| x == h), "{user} is not offered {h}: {hrefs:?}");
        }
        assert_eq!(hrefs.last().map(String::as_str), Some("/calculator"), "{user}");
        for h in &hrefs {
            let (status, _) = b.get(h).await;
            assert_eq!(status, StatusCode::OK, "{user}: the shortcut {h} opens");
        }
    }
    app.stop().await;
}

/// Budgets and payments were one permission (FundManage); split, each refusal says who does
/// it, and finance still does both.
#[tokio::test]
async fn a_refusal_names_the_office_that_may_act() {
    for app in TestApp::on_every_backend().await {
        let coord = app.login("coord").await;
        let (status, body) = app
            .post(
                "/api/fund/budgets",
                &coord,
                json!({"year": 2031, "amount": "1000000.00", "note": "预算"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", app.label);
        assert_eq!(
            body["message"].as_str(),
            Some("无权执行此操作：录入专项资金预算（由财政局办理）"),
            "{}",
            app.label
        );
        let finance = app.login("finance").await;
        let (status, body) = app
            .post(
                "/api/fund/budgets",
                &finance,
                json!({"year": 2031, "amount": "1000000.00", "note": "预算"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", app.label);
        app.stop().await;
    }
}

/// The use cases ask for permissions (and match a role only through `Actor::acts_as`, for
/// the workflow tables); the web layer names roles only to show or choose them.
#[test]
fn no_layer_outside_authz_asks_for_a_role() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut offenders = Vec::new();
    let mut scan = |dir: &str, allowed: &[&str], needles: &[&str]| {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                if !rel.ends_with(".rs") || allowed.contains(&rel.as_str()) {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for needle in needles {
                    if text.contains(needle) {
                        offenders.push(format!("{rel}: {needle}"));
                    }
                }
            }
        }
    };
    scan(
        "crates/app/src",
        &["crates/app/src/authz.rs"],
        &[".has_role(", "actor.roles.contains(", "actor.roles.iter().any("],
    );
    scan(
        "crates/web/src",
        // The account pages show and choose roles; the layout and the history show them.
        &[
            "crates/web/src/administration/accounts/user_pages.rs",
            "crates/web/src/administration/accounts/api.rs",
        ],
        &[
            ".has_role(",
            ".roles.contains(",
            "Role::Unit",
            "Role::Coordination",
            "Role::Department",
            "Role::LeadingGroup",
            "Role::Finance",
            "Role::Talent",
            "Role::CityLeader",
            "Role::Assessor",
        ],
    );
    assert!(
        offenders.is_empty(),
        "role checks outside authz:\n{}",
        offenders.join("\n")
    );
}
