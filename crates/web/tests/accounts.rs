//! Separation of duties (三员分立, 双人复核; ADR 0009), one path to money, and login and
//! sessions (security review 2026-12, F1, F2, F5, F7, F8): each finding reproduced through the
//! HTTP API and the pages, on SQLite and PostgreSQL, and refused.

use crate::common;

use common::{DEMO_PASSWORD, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A role-less account created by the system admin in the finance bureau.
async fn new_account(app: &TestApp, sys: &str, username: &str) -> i64 {
    let org = app.org_id("阿拉山口市财政局").await;
    let (status, body) = app
        .post(
            "/api/users",
            sys,
            json!({"username": username, "display_name": "影子", "org_id": org}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{}: {body}", app.label);
    body["id"].as_i64().unwrap()
}

async fn roles_of(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/users/{id}"), token).await.1["roles"].clone()
}

async fn propose_roles(app: &TestApp, sec: &str, id: i64, roles: Value) -> (StatusCode, Value) {
    app.put(
        &format!("/api/users/{id}/roles"),
        sec,
        json!({"roles": roles, "reason": "岗位调整"}),
    )
    .await
}

async fn confirm(app: &TestApp, token: &str, proposal: &Value) -> (StatusCode, Value) {
    app.post(
        &format!("/api/account-proposals/{}/confirm", proposal["proposal_id"]),
        token,
        json!({"reason": "已核对任职文件"}),
    )
    .await
}

#[tokio::test]
async fn the_system_admin_cannot_create_an_account_with_a_business_role() {
    for app in TestApp::on_every_backend().await {
        let sys = app.login("sysadmin").await;
        let org = app.org_id("阿拉山口市财政局").await;
        for roles in [json!(["finance"]), json!(["leading_group"]), json!(["sec_admin"])] {
            let (status, body) = app
                .post(
                    "/api/users",
                    &sys,
                    json!({"username": "shadow", "display_name": "影子", "org_id": org, "roles": roles}),
                )
                .await;
            assert_eq!(
                (status, body["errors"][0]["field"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("roles")),
                "{}: {body}",
                app.label
            );
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("不能授予任何角色")
            );
        }
        // Created without roles, the account holds none and no password is handed out.
        let id = new_account(&app, &sys, "shadow").await;
        assert_eq!(roles_of(&app, &sys, id).await, json!([]), "{}", app.label);
        // Nor on the page.
        let browser = app.browser("sysadmin").await;
        let org = org.to_string();
        let (status, html) = browser
            .submit(
                "/admin/users",
                &[
                    ("username", "shadow2"),
                    ("display_name", "影子二"),
                    ("org_id", &org),
                    ("roles", "finance"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(html.contains("系统管理员创建账号时不能授予任何角色"), "{html}");
        let (status, location) = browser
            .submit(
                "/admin/users",
                &[("username", "shadow2"), ("display_name", "影子二"), ("org_id", &org)],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = browser.get(&location).await;
        assert!(html.contains("没有任何角色") && !html.contains("一次性密码"), "{html}");
        app.stop().await;
    }
}

#[tokio::test]
async fn no_single_administrator_grants_a_role_resets_a_password_or_unlocks() {
    for app in TestApp::on_every_backend().await {
        let [sys, sec] = app.logins(["sysadmin", "secadmin"]).await;
        let id = new_account(&app, &sys, "shadow").await;

        // The system admin cannot propose at all; the security admin's proposal changes nothing.
        let (status, _) = propose_roles(&app, &sys, id, json!(["finance"])).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", app.label);
        let (status, grant) = propose_roles(&app, &sec, id, json!(["finance"])).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{}: {grant}", app.label);
        assert_eq!(roles_of(&app, &sec, id).await, json!([]), "a proposal grants nothing");

        // The proposer cannot confirm their own proposal.
        let (status, body) = confirm(&app, &sec, &grant).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{}: {body}",
            app.label
        );
        assert!(
            body["message"].as_str().unwrap().contains("不能复核本人提出的申请"),
            "{body}"
        );
        // Nobody proposes for their own account (a security admin granting herself a role).
        let me = app.user_id("secadmin").await;
        let (status, _) = propose_roles(&app, &sec, me, json!(["sec_admin"])).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A reset: the security admin learns only the first half.
        let (status, reset) = app
            .post(
                &format!("/api/users/{id}/reset-password"),
                &sec,
                json!({"reason": "发放初始密码"}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{reset}");
        let first = reset["password_part"].as_str().unwrap().to_string();
        assert_eq!(first.len(), 8);
        assert_eq!(confirm(&app, &sec, &reset).await.0, StatusCode::FORBIDDEN);
        assert!(
            app.login_with("shadow", &first).await.is_err(),
            "half a password is none"
        );
        // Two pending proposals of the same kind are not allowed.
        let (status, _) = app
            .post(
                &format!("/api/users/{id}/reset-password"),
                &sec,
                json!({"reason": "再来一次"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Unlock: a locked account stays locked on a proposal alone.
        for _ in 0..5 {
            let _ = app.login_with("finance", "wrong-password").await;
        }
        let finance = app.user_id("finance").await;
        let (status, unlock) = app
            .post(
                &format!("/api/users/{finance}/unlock"),
                &sec,
                json!({"reason": "本人来电"}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        assert_eq!(confirm(&app, &sec, &unlock).await.0, StatusCode::FORBIDDEN);
        assert_eq!(
            app.login_with("finance", DEMO_PASSWORD).await.unwrap_err().0,
            StatusCode::LOCKED,
            "{}",
            app.label
        );

        // Business roles take no part in it.
        let coord = app.login("coord").await;
        assert_eq!(confirm(&app, &coord, &grant).await.0, StatusCode::FORBIDDEN);
        assert_eq!(
            propose_roles(&app, &coord, id, json!(["finance"])).await.0,
            StatusCode::FORBIDDEN
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_grant_reset_and_unlock_confirmed_by_a_second_administrator_take_effect() {
    for app in TestApp::on_every_backend().await {
        let [sys, sec, sec2] = app.logins(["sysadmin", "secadmin", "secadmin2"]).await;
        let id = new_account(&app, &sys, "newfin").await;
        let (_, grant) = propose_roles(&app, &sec, id, json!(["finance"])).await;
        let (status, _) = confirm(&app, &sec2, &grant).await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        assert_eq!(roles_of(&app, &sec, id).await, json!(["finance"]));
        // Confirmed once only.
        assert_eq!(confirm(&app, &sys, &grant).await.0, StatusCode::CONFLICT);

        let (_, reset) = app
            .post(
                &format!("/api/users/{id}/reset-password"),
                &sec,
                json!({"reason": "发放初始密码"}),
            )
            .await;
        let (status, confirmed) = confirm(&app, &sys, &reset).await;
        assert_eq!(status, StatusCode::OK);
        let second = confirmed["password_part"].as_str().unwrap();
        assert!(app.login_with("newfin", second).await.is_err());
        let password = format!("{}{second}", reset["password_part"].as_str().unwrap());
        let token = app.login_with("newfin", &password).await.unwrap();
        let (_, me) = app.get("/api/me", &token).await;
        assert_eq!(
            (me["roles"].clone(), me["must_change_password"].clone()),
            (json!(["finance"]), json!(true))
        );

        // A rejection needs a reason and changes nothing.
        let (_, grant) = propose_roles(&app, &sec, id, json!([])).await;
        let reject = format!("/api/account-proposals/{}/reject", grant["proposal_id"]);
        let (status, _) = app.post(&reject, &sys, json!({"reason": ""})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = app.post(&reject, &sys, json!({"reason": "无任职文件"})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(roles_of(&app, &sec, id).await, json!(["finance"]));

        // Both acts are in the audit trail: who, when, why.
        let auditor = app.login("auditor").await;
        let (_, page) = app
            .get(
                &format!("/api/audit?object_type=user&object_id={id}&limit=50"),
                &auditor,
            )
            .await;
        let acts: Vec<(String, String)> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["action"].as_str().unwrap().to_string(),
                    r["actor_name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for expected in [
            ("account_change_proposed", "secadmin"),
            ("account_change_confirmed", "secadmin2"),
            ("account_change_confirmed", "sysadmin"),
            ("account_change_rejected", "sysadmin"),
        ] {
            assert!(
                acts.iter().any(|(a, n)| a == expected.0 && n == expected.1),
                "{}: {expected:?} in {acts:?}",
                app.label
            );
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn no_account_holds_an_administrator_and_a_business_role() {
    for app in TestApp::on_every_backend().await {
        let [sys, sec] = app.logins(["sysadmin", "secadmin"]).await;
        let coord = app.user_id("coord").await;
        let (status, body) = propose_roles(&app, &sec, coord, json!(["coordination", "sec_admin"])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body}", app.label);
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("管理员角色不能与业务角色"),
            "{body}"
        );
        let sec2 = app.user_id("secadmin2").await;
        let (status, _) = propose_roles(&app, &sec, sec2, json!(["sec_admin", "finance"])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // Nor by turning the IT centre into a leading group.
        let it = app.org_id("阿拉山口市信息中心").await;
        let (_, mut org) = app.get(&format!("/api/orgs/{it}"), &sys).await;
        org["kind"] = json!("leading_group");
        let (status, body) = app.put(&format!("/api/orgs/{it}"), &sys, org).await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("kind")),
            "{}: {body}",
            app.label
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_release_cannot_be_approved_outside_a_meeting() {
    for app in TestApp::on_every_backend().await {
        let leader = app.login("leader").await;
        let (status, _) = app
            .post(
                "/api/fund/installments/1/approve",
                &leader,
                json!({"resolution_number": "随便写的文号"}),
            )
            .await;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED),
            "{}: {status}",
            app.label
        );
        let (_, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
        assert!(doc["paths"].get("/api/fund/installments/{id}/approve").is_none());
        app.stop().await;
    }
}

#[tokio::test]
async fn an_unknown_user_and_a_wrong_password_get_the_same_answer() {
    for app in TestApp::on_every_backend().await {
        let known = app.login_with("finance", "wrong-password").await.unwrap_err();
        let unknown = app.login_with("nosuchuser", "wrong-password").await.unwrap_err();
        assert_eq!(known, unknown, "{}", app.label);
        assert_eq!(known.1["message"], "用户名或密码错误");
        // And on the login page.
        let page = |username: &'static str| {
            let http = app.http.clone();
            let url = app.url("/login");
            async move {
                let resp = http
                    .post(url)
                    .form(&[("username", username), ("password", "wrong"), ("next", "")])
                    .send()
                    .await
                    .unwrap();
                let status = resp.status();
                let html = resp.text().await.unwrap().replace(username, "");
                (status, html)
            }
        };
        let (known_status, known_html) = page("finance").await;
        let (unknown_status, unknown_html) = page("nosuchuser").await;
        assert_eq!(known_status, unknown_status);
        assert!(!known_html.contains("再错"), "{known_html}");
        let message = |html: &str| {
            html.split("role=\"alert\"")
                .nth(1)
                .and_then(|s| s.split("</").next())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(message(&known_html), message(&unknown_html));
        app.stop().await;
    }
}

#[tokio::test]
async fn anonymous_failures_lock_new_logins_but_do_not_end_a_live_session() {
    for app in TestApp::on_every_backend().await {
        let live = app.login("leader").await;
        for _ in 0..5 {
            let _ = app.login_with("leader", "guess").await;
        }
        assert_eq!(
            app.login_with("leader", DEMO_PASSWORD).await.unwrap_err().0,
            StatusCode::LOCKED,
            "{}",
            app.label
        );
        assert_eq!(
            app.get("/api/me", &live).await.0,
            StatusCode::OK,
            "{}: the leader's session goes on",
            app.label
        );
        // The lock shows to the security admin: on the list and on the workbench.
        let sec = app.login("secadmin").await;
        let (_, page) = app.get("/api/users?locked=true", &sec).await;
        let names: Vec<_> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["leader"], "{}", app.label);
        let browser = app.browser("secadmin").await;
        let (_, html) = browser.get("/admin/users").await;
        assert!(html.contains("1 个账号因连续密码错误被锁定"), "{html}");
        let (_, html) = browser.get("/workbench").await;
        assert!(html.contains("账号 leader 因连续密码错误被锁定"), "{html}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    for app in TestApp::on_every_backend().await {
        let [other, this] = app.logins(["mayor", "mayor"]).await;
        let (status, _) = app
            .post("/api/me/password", &this, json!({"current_password": DEMO_PASSWORD, "new_password": "Gobi-Desert-2026", "new_password_confirm": "Gobi-Desert-2026"}))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{}", app.label);
        assert_eq!(app.get("/api/me", &this).await.0, StatusCode::OK, "{}", app.label);
        assert_eq!(
            app.get("/api/me", &other).await.0,
            StatusCode::UNAUTHORIZED,
            "{}",
            app.label
        );
        let (_, me) = app.get("/api/me", &this).await;
        assert!(me["password_changed_at"].is_i64(), "{me}");

        // The same on the pages.
        let api = app.login("service").await;
        let browser = app.browser("service").await;
        let (status, location) = browser
            .submit(
                "/account/password",
                &[
                    ("current_password", DEMO_PASSWORD),
                    ("new_password", "Gobi-Desert-2026"),
                    ("new_password_confirm", "Gobi-Desert-2026"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, html) = browser.get(&location).await;
        assert_eq!(status, StatusCode::OK, "{}: this session stays", app.label);
        assert!(html.contains("其他浏览器或设备上的登录已全部结束"), "{html}");
        assert_eq!(app.get("/api/me", &api).await.0, StatusCode::UNAUTHORIZED);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_login_however_active() {
    for app in TestApp::on_every_backend().await {
        let token = app.login("coord").await;
        let limit_minutes = yincai_app::accounts::SESSION_MAX_HOURS * 60;
        let mut elapsed = 0;
        while elapsed + 10 <= limit_minutes {
            app.clock.advance_minutes(10);
            elapsed += 10;
            assert_eq!(
                app.get("/api/me", &token).await.0,
                StatusCode::OK,
                "{}: active at {elapsed} minutes",
                app.label
            );
        }
        app.clock.advance_minutes(1);
        let (status, body) = app.get("/api/me", &token).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("session_expired")),
            "{}",
            app.label
        );
        assert!(body["message"].as_str().unwrap().contains("12 小时"), "{body}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_user_sees_the_last_login_and_password_change_at_login() {
    for app in TestApp::on_every_backend().await {
        let (status, first) = app
            .post_anonymous(
                "/api/auth/login",
                json!({"username": "assessor", "password": DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(first["user"]["previous_login_at"].is_null(), "{first}");
        assert!(first["user"]["login_notice"].as_str().unwrap().contains("首次登录"));
        let at = app.app.now();
        app.clock.advance_minutes(5);
        let (_, second) = app
            .post_anonymous(
                "/api/auth/login",
                json!({"username": "assessor", "password": DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(second["user"]["previous_login_at"], at, "{}: {second}", app.label);
        let token = second["token"].as_str().unwrap();
        assert_eq!(app.get("/api/me", token).await.1["previous_login_at"], at);
        let browser = app.browser("assessor").await;
        let (_, html) = browser.get("/workbench").await;
        assert!(
            html.contains("上次登录：") && html.contains("密码最近一次修改或重置"),
            "{html}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_demo_shows_a_pending_grant_that_a_second_administrator_confirms() {
    for app in TestApp::on_every_backend().await {
        let sec2 = app.browser("secadmin2").await;
        let (_, html) = sec2.get("/admin/users").await;
        assert!(html.contains("待复核的账号变更") && html.contains("qianjin"), "{html}");
        let id = app.user_id("qianjin").await;
        let (_, html) = sec2.get(&format!("/admin/users/{id}")).await;
        let action = html
            .split("action=\"/admin/proposals/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("a confirm form")
            .to_string();
        let (status, location) = sec2
            .submit(&format!("/admin/proposals/{action}"), &[("reason", "")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}: {location}", app.label);
        let token = app.login("qianjin").await;
        assert_eq!(app.get("/api/me", &token).await.1["roles"], json!(["coordination"]));
        app.stop().await;
    }
}
