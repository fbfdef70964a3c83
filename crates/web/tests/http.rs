//! Black-box tests of the foundation: the real application on port 0 with a fresh
//! database, on SQLite and (when configured) PostgreSQL.

use crate::common;

use common::{DEMO_PASSWORD, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn health_home_and_openapi() {
    for app in TestApp::on_every_backend().await {
        let health = app.http.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(health.status(), StatusCode::OK, "{}", app.label);
        let home = common::text_of(app.http.get(app.url("/"))).await;
        assert!(
            home.contains("阿拉山口市高层次和急需紧缺人才引进") && home.contains("政策计算器"),
            "{}",
            app.label
        );
        let (status, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
        for path in [
            "/api/auth/login",
            "/api/orgs",
            "/api/orgs/{id}",
            "/api/users",
            "/api/audit/verify",
            "/api/tasks",
            "/api/me/profile",
            "/api/candidates",
            "/api/candidates/{id}",
            "/api/candidates/{id}/reveal",
        ] {
            assert!(doc["paths"].get(path).is_some(), "OpenAPI documents {path}");
        }
        let js = app.http.get(app.url("/assets/htmx.min.js")).send().await.unwrap();
        assert_eq!(js.status(), StatusCode::OK, "htmx is served from the binary");
        app.stop().await;
    }
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    for app in TestApp::on_every_backend().await {
        // Six wrong passwords for a real account and for a name nobody has read the same:
        // neither the count of attempts nor the lock tells that the account exists.
        for username in ["coord", "no-such-user"] {
            for attempt in 1..=6 {
                let (status, body) = app.login_with(username, "wrong-password").await.unwrap_err();
                assert_eq!(
                    (status, body["code"].as_str(), body["message"].as_str()),
                    (
                        StatusCode::UNAUTHORIZED,
                        Some("bad_credentials"),
                        Some("用户名或密码错误")
                    ),
                    "{}: {username}, attempt {attempt}",
                    app.label
                );
            }
        }
        let (status, body) = app.login_with("coord", DEMO_PASSWORD).await.unwrap_err();
        assert_eq!(
            status,
            StatusCode::LOCKED,
            "{}: the sixth is refused even with the right password",
            app.label
        );
        assert!(body["message"].as_str().unwrap().contains("账号已锁定"), "{body}");

        // The security admin sees the lock as a task and proposes the unlock with a reason;
        // a second administrator confirms it (双人复核).
        let sec = app.login("secadmin").await;
        let (_, tasks) = app.get("/api/tasks", &sec).await;
        assert!(
            tasks.as_array().unwrap().iter().any(|t| t["kind"] == "account_locked"),
            "{}: {tasks}",
            app.label
        );
        let coord_id = app.user_id("coord").await;
        let (status, body) = app
            .post(&format!("/api/users/{coord_id}/unlock"), &sec, json!({"reason": ""}))
            .await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
        );
        let (status, proposal) = app
            .post(
                &format!("/api/users/{coord_id}/unlock"),
                &sec,
                json!({"reason": "本人电话核实"}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{proposal}");
        assert_eq!(
            app.login_with("coord", DEMO_PASSWORD).await.unwrap_err().0,
            StatusCode::LOCKED,
            "a proposal alone unlocks nothing"
        );
        let sys = app.login("sysadmin").await;
        let (status, _) = app
            .post(
                &format!("/api/account-proposals/{}/confirm", proposal["proposal_id"]),
                &sys,
                json!({"reason": "已核实"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        app.login("coord").await;
        let (_, tasks) = app.get("/api/tasks", &sec).await;
        assert!(
            !tasks
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["kind"] == "account_locked" || t["link"] == format!("/admin/users/{coord_id}")),
            "the tasks close on unlock: {tasks}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_unknown_user_name_is_told_apart_from_nothing() {
    for app in TestApp::on_every_backend().await {
        let (status, body) = app.login_with("nobody", "whatever-password").await.unwrap_err();
        assert_eq!(
            (status, body["message"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("用户名或密码错误")),
            "{}",
            app.label
        );
        let (status, body) = app
            .post_anonymous("/api/auth/login", json!({"username": "", "password": ""}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<_> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, vec!["username", "password"]);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_unit_sees_only_itself_and_a_department_its_units() {
    for app in TestApp::on_every_backend().await {
        let own = app.org_id("阿拉山口市口岸经济研究中心").await;
        let sibling = app.org_id("阿拉山口市物流发展中心").await; // same department
        let other = app.org_id("阿拉山口市文化馆").await; // another department
        let unit = app.login("unit").await;
        let (_, page) = app.get("/api/orgs", &unit).await;
        assert_eq!(page["total"], 1, "{}: {page}", app.label);
        assert_eq!(page["rows"][0]["id"], own);
        assert_eq!(app.get(&format!("/api/orgs/{own}"), &unit).await.0, StatusCode::OK);
        for foreign in [sibling, other] {
            let (status, body) = app.get(&format!("/api/orgs/{foreign}"), &unit).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (StatusCode::NOT_FOUND, Some("not_found")),
                "{}",
                app.label
            );
        }
        let dept = app.login("dept").await;
        assert_eq!(app.get(&format!("/api/orgs/{sibling}"), &dept).await.0, StatusCode::OK);
        assert_eq!(
            app.get(&format!("/api/orgs/{other}"), &dept).await.0,
            StatusCode::NOT_FOUND
        );
        let (_, page) = app.get("/api/orgs?kind=city_unit", &dept).await;
        assert_eq!(
            page["total"], 3,
            "{}: the department supervises three demo units",
            app.label
        );
        // The same on the pages.
        let browser = app.browser("unit").await;
        assert_eq!(browser.get(&format!("/orgs/{other}")).await.0, StatusCode::NOT_FOUND);
        let (status, html) = browser.get("/orgs").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("阿拉山口市口岸经济研究中心") && !html.contains("阿拉山口市文化馆"));
        app.stop().await;
    }
}

#[tokio::test]
async fn audit_verify_catches_a_record_altered_in_the_database() {
    for app in TestApp::on_every_backend().await {
        let auditor = app.login("auditor").await;
        let (status, v) = app.get("/api/audit/verify", &auditor).await;
        assert_eq!(
            (status, v["status"].as_str()),
            (StatusCode::OK, Some("intact")),
            "{}",
            app.label
        );
        let (_, page) = app.get("/api/audit?action=login", &auditor).await;
        let seq = page["rows"][0]["seq"].as_i64().unwrap();
        let guard = if app.label == "sqlite" {
            "drop trigger audit_log_append_only_update"
        } else {
            "drop trigger audit_log_append_only on audit_log"
        };
        let mut tx = app.app.store.begin_write().await.unwrap();
        tx.execute_raw(guard).await.unwrap();
        tx.execute_raw(&format!(
            "update audit_log set actor_name = 'someone' where seq = {seq}"
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (_, v) = app.get("/api/audit/verify", &auditor).await;
        assert_eq!(
            (v["status"].as_str(), v["first_bad_seq"].as_i64()),
            (Some("broken"), Some(seq)),
            "{}: {v}",
            app.label
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn organisation_changes_write_one_audit_record_each_and_a_refusal_none() {
    for app in TestApp::on_every_backend().await {
        let admin = app.login("sysadmin").await;
        let before = app.audit_count().await;
        let (status, created) = app
            .post(
                "/api/orgs",
                &admin,
                json!({"name": "阿拉山口市测试中心", "kind": "city_unit", "credit_code": "91110108MA01C3K5XA"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{}: {created}", app.label);
        assert_eq!(app.audit_count().await, before + 1);
        let id = created["id"].as_i64().unwrap();
        let (status, _) = app
            .put(&format!("/api/orgs/{id}"), &admin, json!({"name": "阿拉山口市测试中心（改）", "kind": "city_unit", "credit_code": "91110108MA01C3K5XA", "version": 1}))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(app.audit_count().await, before + 2);
        // A refused change writes nothing and changes nothing.
        let (status, _) = app
            .post(
                "/api/orgs",
                &admin,
                json!({"name": "阿拉山口市测试中心（改）", "kind": "city_unit", "credit_code": ""}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.audit_count().await, before + 2);
        let auditor = app.login("auditor").await;
        let (_, page) = app
            .get(&format!("/api/audit?object_type=organisation&object_id={id}"), &auditor)
            .await;
        let actions: Vec<_> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["org_updated", "org_created"]);
        assert_eq!(page["rows"][1]["actor_name"], "sysadmin");
        assert!(
            page["rows"][0]["summary"].as_str().unwrap().contains("名称"),
            "the summary says what changed"
        );
        assert!(!page["rows"][0]["request_id"].as_str().unwrap().is_empty());
        app.stop().await;
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    for app in TestApp::on_every_backend().await {
        let [admin, sec] = app.logins(["sysadmin", "secadmin"]).await;
        let before = app.audit_count().await;
        let unit_kind = |code: &str| json!({"name": "新单位", "kind": "city_unit", "credit_code": code});
        for (code, hint) in [
            ("91110108MA01C3K5XX", "校验"),
            ("91110108MA01C3K51K", "组织机构代码"),
            ("123", "18"),
        ] {
            let (status, body) = app.post("/api/orgs", &admin, unit_kind(code)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {code}", app.label);
            assert_eq!(body["errors"][0]["field"], "credit_code");
            let msg = body["errors"][0]["message"].as_str().unwrap();
            assert!(msg.contains("统一社会信用代码") && msg.contains(hint), "{code}: {msg}");
        }
        let unit = app.org_id("阿拉山口市口岸经济研究中心").await;
        let new_user = |username: &str, roles: serde_json::Value| json!({"username": username, "display_name": "钱七", "org_id": unit, "roles": roles});
        let (status, body) = app
            .post("/api/users", &admin, new_user("qian", json!(["wizard"])))
            .await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("roles")),
            "{body}"
        );
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("不能授予任何角色"),
            "{body}"
        );
        let (status, body) = app.post("/api/users", &admin, new_user("unit", json!([]))).await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::CONFLICT, Some("username")),
            "{body}"
        );
        let sec2 = app.user_id("secadmin2").await;
        let (status, body) = app
            .put(
                &format!("/api/users/{sec2}/roles"),
                &sec,
                json!({"roles": ["sec_admin", "audit_admin"], "reason": "兼任"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body["errors"][0]["message"].as_str().unwrap().contains("三者互斥"),
            "{body}"
        );
        let (status, body) = app
            .post_anonymous(
                "/api/auth/register",
                json!({"username": "newbie", "display_name": "新人", "password": "short", "password_confirm": "short"}),
            )
            .await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("password")),
            "{body}"
        );
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("12"));
        assert_eq!(app.audit_count().await, before, "{}: nothing was written", app.label);
        assert!(
            app.app
                .store
                .begin_read()
                .await
                .unwrap()
                .user_by_username("qian")
                .await
                .unwrap()
                .is_none()
        );

        // Requests the API cannot read.
        let raw = |body: &'static str, ctype: &'static str| {
            app.http
                .post(app.url("/api/orgs"))
                .bearer_auth(&admin)
                .header("content-type", ctype)
                .body(body)
                .send()
        };
        let resp = raw("{not json", "application/json").await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.json::<serde_json::Value>().await.unwrap()["code"],
            "malformed_json"
        );
        let resp = raw("{\"name\": 5}", "application/json").await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let resp = raw("name=x", "application/x-www-form-urlencoded").await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let big = format!(
            "{{\"name\": \"{}\", \"kind\": \"city_unit\"}}",
            "x".repeat(2 * 1024 * 1024)
        );
        let resp = app
            .http
            .post(app.url("/api/orgs"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(big)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            resp.json::<serde_json::Value>().await.unwrap()["code"],
            "payload_too_large"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_created_account_must_change_its_password_first() {
    for app in TestApp::on_every_backend().await {
        let [admin, sec] = app.logins(["sysadmin", "secadmin"]).await;
        let unit = app.org_id("阿拉山口市检验检测中心").await;
        let (status, created) = app
            .post(
                "/api/users",
                &admin,
                json!({"username": "qianqi", "display_name": "钱七", "org_id": unit}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{}: {created}", app.label);
        assert!(created.get("one_time_password").is_none(), "{created}");
        let id = created["id"].as_i64().unwrap();
        // The role and the first password: proposed by the security admin, confirmed by the
        // system admin; each knows one half of the password.
        let (status, roles) = app
            .put(
                &format!("/api/users/{id}/roles"),
                &sec,
                json!({"roles": ["unit"], "reason": "新入职"}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{roles}");
        let (status, reset) = app
            .post(
                &format!("/api/users/{id}/reset-password"),
                &sec,
                json!({"reason": "发放初始密码"}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{reset}");
        let first = reset["password_part"].as_str().unwrap().to_string();
        let mut second = String::new();
        for p in [&roles, &reset] {
            let (status, confirmed) = app
                .post(
                    &format!("/api/account-proposals/{}/confirm", p["proposal_id"]),
                    &admin,
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{confirmed}");
            if let Some(part) = confirmed["password_part"].as_str() {
                second = part.to_string();
            }
        }
        assert_eq!((first.len(), second.len()), (8, 8));
        assert!(
            app.login_with("qianqi", &first).await.is_err(),
            "half a password is none"
        );
        let otp = format!("{first}{second}");
        let token = app.login_with("qianqi", &otp).await.unwrap();
        assert_eq!(app.get("/api/me", &token).await.1["roles"], json!(["unit"]));
        let (_, me) = app.get("/api/me", &token).await;
        assert_eq!(me["must_change_password"], true);
        let (status, body) = app.get("/api/tasks", &token).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("password_change_required"))
        );
        let change = |new: &str| json!({"current_password": otp, "new_password": new, "new_password_confirm": new});
        let (status, body) = app.post("/api/me/password", &token, change("qianqi-Password-1")).await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password")),
            "contains the user name: {body}"
        );
        let (status, _) = app.post("/api/me/password", &token, change("Gobi-Desert-2026")).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let token = app.login_with("qianqi", "Gobi-Desert-2026").await.unwrap();
        assert_eq!(app.get("/api/tasks", &token).await.0, StatusCode::OK);
        app.stop().await;
    }
}

#[tokio::test]
async fn sessions_expire_after_15_idle_minutes_for_staff_and_30_for_applicants() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let [staff, talent] = app.logins(["coord", "talent"]).await;
    app.clock.advance_minutes(14);
    assert_eq!(
        app.get("/api/me", &staff).await.0,
        StatusCode::OK,
        "activity keeps a session alive"
    );
    app.clock.advance_minutes(16);
    let (status, body) = app.get("/api/me", &staff).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("session_expired"))
    );
    assert!(body["message"].as_str().unwrap().contains("15 分钟"));
    assert_eq!(
        app.get("/api/me", &staff).await.1["code"],
        "unauthenticated",
        "the expired session is gone"
    );
    // The applicant was last seen 30 minutes ago: just within the limit.
    assert_eq!(app.get("/api/me", &talent).await.0, StatusCode::OK);
    app.clock.advance_minutes(31);
    assert_eq!(app.get("/api/me", &talent).await.1["code"], "session_expired");
    app.stop().await;
}

/// Every page POST of a logged-in user is refused without the session's token, whatever
/// the route and its fields: the check sits in the form extractor, not in each handler.
#[tokio::test]
async fn every_page_post_refuses_a_form_without_the_sessions_token() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    // Anonymous forms have no session to hold a token (the origin check guards them).
    const ANONYMOUS: [&str; 2] = ["/login", "/register"];
    // Uploads post multipart forms, checked by their own extractor.
    const MULTIPART: [&str; 1] = ["/attachments"];
    let mut checked = 0;
    for username in ["coord", "unit", "talent", "sysadmin"] {
        let browser = app.browser(username).await;
        for (method, path) in yincai_web::page_routes() {
            if *method != "POST" || ANONYMOUS.contains(path) {
                continue;
            }
            let filled: String = path
                .split('/')
                .map(|s| if s.starts_with('{') { "1" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            for token in ["", "forged-token"] {
                let (status, body) = if MULTIPART.contains(path) {
                    let form = reqwest::multipart::Form::new().text("_csrf", token).text("note", "x");
                    let resp = browser
                        .http
                        .post(app.url(&filled))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap();
                    (resp.status(), resp.text().await.unwrap())
                } else {
                    browser.post_form(&filled, &[("_csrf", token), ("reason", "x")]).await
                };
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{username}: POST {filled} with token {token:?}: {body}"
                );
                // An upload is refused for lack of permission before its body is read.
                if !(MULTIPART.contains(path) && username == "sysadmin") {
                    assert!(
                        body.contains("页面已过期或来源不明"),
                        "{username}: POST {filled}: {body}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} posts checked");
    app.stop().await;
}

#[tokio::test]
async fn cross_site_requests_and_missing_csrf_tokens_are_refused() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let browser = app.browser("sysadmin").await;
    assert!(!browser.csrf.is_empty());
    let fields = [("name", "跨站单位"), ("kind", "department"), ("credit_code", "")];
    let (status, _) = browser.post_form("/orgs", &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF field");
    let mut with_token = fields.to_vec();
    with_token.push(("_csrf", &browser.csrf));
    for (header, value, why) in [
        ("sec-fetch-site", "cross-site", "another site"),
        ("origin", "http://evil.example", "another origin"),
    ] {
        let request = browser.http.post(app.url("/orgs")).header(header, value);
        let resp = request.form(&with_token).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{why}");
    }
    // The API with the browser's cookie needs the token in a header.
    let resp = browser
        .http
        .post(app.url("/api/orgs"))
        .json(&json!({"name": "x", "kind": "department"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let (status, location) = browser.post_form("/orgs", &with_token).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a same-site form with its token is accepted"
    );
    assert!(location.starts_with("/orgs/"));
    app.stop().await;
}

#[tokio::test]
async fn a_failed_form_keeps_what_was_typed() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let browser = app.browser("sysadmin").await;
    let (status, html) = browser
        .submit(
            "/orgs",
            &[
                ("name", "阿拉山口市新建研究院"),
                ("kind", "city_unit"),
                ("credit_code", "91110108MA01C3K5XX"),
                ("parent_id", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("value=\"阿拉山口市新建研究院\""), "the name is kept");
    assert!(
        html.contains("value=\"91110108MA01C3K5XX\""),
        "the code is kept for correction"
    );
    assert!(html.contains("统一社会信用代码："), "the error names the field");

    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = common::text_of(anon.post(app.url("/register")).form(&[
        ("username", "zhaoliu"),
        ("display_name", "赵六"),
        ("password", "weak"),
        ("password_confirm", "weak"),
    ]))
    .await;
    assert!(
        html.contains("value=\"zhaoliu\"") && html.contains("value=\"赵六\"") && html.contains("密码：至少 12"),
        "{html}"
    );
    let resp = anon
        .post(app.url("/login"))
        .form(&[("username", "coord"), ("password", "nope"), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let html = resp.text().await.unwrap();
    assert!(html.contains("用户名或密码错误") && html.contains("value=\"coord\""));
    app.stop().await;
}

#[tokio::test]
async fn stale_updates_are_refused_with_a_clear_message() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let admin = app.login("sysadmin").await;
    let id = app.org_id("阿拉山口市文化馆").await;
    let body = |name: &str| json!({"name": name, "kind": "city_unit", "credit_code": app_code(), "version": 1});
    fn app_code() -> serde_json::Value {
        serde_json::Value::Null
    }
    let (_, org) = app.get(&format!("/api/orgs/{id}"), &admin).await;
    let mut first = body("阿拉山口市文化馆（一）");
    first["credit_code"] = org["credit_code"].clone();
    let mut second = body("阿拉山口市文化馆（二）");
    second["credit_code"] = org["credit_code"].clone();
    assert_eq!(
        app.put(&format!("/api/orgs/{id}"), &admin, first).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, err) = app.put(&format!("/api/orgs/{id}"), &admin, second).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("stale")));
    assert!(err["message"].as_str().unwrap().contains("已被他人修改"));
    app.stop().await;
}

#[tokio::test]
async fn demo_data_loads_once_and_has_one_account_per_role() {
    let db = yincai_store::test_support::TestDb::sqlite();
    let app = TestApp::start(db).await;
    let loaded_again = app.app.load_demo(&Default::default()).await.unwrap();
    assert!(!loaded_again, "a second load changes nothing");
    let admin = app.login("sysadmin").await;
    for kind in ["city_unit", "enterprise", "central_unit"] {
        let (_, page) = app.get(&format!("/api/orgs?kind={kind}"), &admin).await;
        assert_eq!(page["total"], 12, "a dozen of {kind}");
    }
    let (_, users) = app.get("/api/users?limit=100", &admin).await;
    let mut roles: Vec<String> = users["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| {
            u["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_string())
        })
        .collect();
    roles.sort();
    roles.dedup();
    assert_eq!(roles.len(), 12, "{roles:?}");
    app.stop().await;
}

#[tokio::test]
async fn logout_ends_the_browser_session() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let browser = app.browser("talent").await;
    assert_eq!(browser.get("/workbench").await.0, StatusCode::OK);
    let (status, location) = browser.submit("/logout", &[]).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/login?m=logged_out")
    );
    let (status, location) = browser.submit("/logout", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/login"), "the session is gone: {location}");
    assert_eq!(browser.get("/workbench").await.0, StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn account_actions_on_the_pages_need_a_reason_and_the_right_admin() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let talent = app.user_id("talent").await;
    let sec = app.browser("secadmin").await;
    let (status, html) = sec
        .submit(&format!("/admin/users/{talent}/reset-password"), &[("reason", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("原因：必填"), "{html}");
    let (status, html) = sec
        .submit(
            &format!("/admin/users/{talent}/reset-password"),
            &[("reason", "本人遗忘密码，已电话核实")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let part = |html: &str| {
        html.split("id=\"password-part\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("a half of the one-time password is shown once")
            .to_string()
    };
    let first = part(&html);
    // The proposer cannot confirm: the page says why, in Chinese.
    let sec2 = app.browser("secadmin2").await;
    let (_, page) = sec2.get(&format!("/admin/users/{talent}")).await;
    let confirm = page
        .split("action=\"/admin/proposals/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the second security admin sees the confirm form")
        .to_string();
    assert!(confirm.ends_with("/confirm"), "{confirm}");
    let (_, own) = sec.get(&format!("/admin/users/{talent}")).await;
    assert!(
        !own.contains(&format!("/admin/proposals/{confirm}")) && own.contains("本人提出，须由另一名管理员复核"),
        "the proposer is offered no confirm button"
    );
    let (status, html) = sec
        .submit(&format!("/admin/proposals/{confirm}"), &[("reason", "")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("不能复核本人提出的申请"), "{html}");
    let (status, html) = sec2
        .submit(&format!("/admin/proposals/{confirm}"), &[("reason", "")])
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let otp = format!("{first}{}", part(&html));
    let otp = otp.as_str();
    let token = app
        .login_with("talent", otp)
        .await
        .expect("the one-time password works");
    assert_eq!(app.get("/api/me", &token).await.1["must_change_password"], true);
    // Disabling is the system admin's, not the security admin's.
    let (status, _) = sec
        .submit(&format!("/admin/users/{talent}/disable"), &[("reason", "离职")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let sys = app.browser("sysadmin").await;
    let (status, location) = sys
        .submit(&format!("/admin/users/{talent}/disable"), &[("reason", "离职")])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            format!("/admin/users/{talent}?ok=user_disabled").as_str()
        )
    );
    assert_eq!(
        app.get("/api/me", &token).await.0,
        StatusCode::UNAUTHORIZED,
        "a disabled account's sessions end"
    );
    assert_eq!(
        app.login_with("talent", otp).await.unwrap_err().1["code"],
        "account_disabled"
    );
    let (status, _) = sys
        .submit(&format!("/admin/users/{talent}/fly"), &[("reason", "x")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn lists_export_to_real_excel_files_under_their_filters_and_scope() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let coord = app.browser("coord").await;
    let audited_before = app.audit_count().await;
    let resp = coord
        .http
        .get(app.url("/orgs/export.xlsx?kind=enterprise"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(
        disposition.contains("filename*=UTF-8''%E6%9C%BA%E6%9E%84"),
        "a Chinese file name: {disposition}"
    );
    let (sheet, rows) = common::read_xlsx(&resp.bytes().await.unwrap());
    assert_eq!(sheet, "机构");
    assert_eq!(rows[0], vec!["名称", "类型", "统一社会信用代码", "主管部门"]);
    assert_eq!(rows.len(), 13, "a header and the 12 demo enterprises");
    assert!(rows[1..].iter().all(|r| r[1] == "企业" && r[2].len() == 18));
    assert_eq!(
        app.audit_count().await,
        audited_before + 1,
        "the export is in the audit trail"
    );

    let unit = app.browser("unit").await;
    let bytes = unit
        .http
        .get(app.url("/orgs/export.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let (_, rows) = common::read_xlsx(&bytes);
    assert_eq!(rows.len(), 2, "a unit exports only itself");

    let auditor = app.browser("auditor").await;
    let before = app.audit_count().await;
    let resp = auditor
        .http
        .get(app.url("/audit/export.xlsx?action=login"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, rows) = common::read_xlsx(&resp.bytes().await.unwrap());
    assert_eq!(rows[0][0], "序号");
    assert!(rows.len() >= 4 && rows[1..].iter().all(|r| r[4] == "登录"), "{rows:?}");
    assert_eq!(app.audit_count().await, before + 1, "the export itself is recorded");
    assert_eq!(coord.get("/audit/export.xlsx").await.0, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn the_organisation_list_sorts_by_a_whitelisted_order_only() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let admin = app.login("sysadmin").await;
    let id = app.org_id("阿拉山口市文化馆").await;
    let (_, org) = app.get(&format!("/api/orgs/{id}"), &admin).await;
    let mut body = org.clone();
    body["name"] = json!("阿拉山口市文化馆（新馆）");
    app.clock.advance_minutes(1); // the test clock stands still otherwise
    assert_eq!(
        app.put(&format!("/api/orgs/{id}"), &admin, body).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, page) = app.get("/api/orgs?sort=updated&limit=1", &admin).await;
    assert_eq!(page["rows"][0]["id"], id, "most recently changed first");
    let (_, page) = app.get("/api/orgs?sort=name&kind=city_unit&limit=100", &admin).await;
    let names: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let (status, err) = app.get("/api/orgs?sort=name;drop%20table%20users", &admin).await;
    assert_eq!(
        (status, err["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("sort"))
    );
    let browser = app.browser("sysadmin").await;
    let (status, html) = browser.get("/orgs?sort=updated").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<option value=\"updated\" selected>"),
        "the chosen order stays selected"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_organisation_page_shows_who_changed_it_when_and_why() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let admin = app.login("sysadmin").await;
    let id = app.org_id("阿拉山口市文化馆").await;
    let (_, mut org) = app.get(&format!("/api/orgs/{id}"), &admin).await;
    org["name"] = json!("阿拉山口市文化艺术中心");
    assert_eq!(
        app.put(&format!("/api/orgs/{id}"), &admin, org).await.0,
        StatusCode::NO_CONTENT
    );
    let browser = app.browser("coord").await;
    let (status, html) = browser.get(&format!("/orgs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("变更记录") && html.contains("修改机构") && html.contains("sysadmin"),
        "{html}"
    );
    assert!(
        html.contains("阿拉山口市文化馆 → 阿拉山口市文化艺术中心"),
        "the summary says what changed"
    );
    // Someone who may not see the organisation does not see its history either.
    let unit = app.browser("unit").await;
    assert_eq!(unit.get(&format!("/orgs/{id}")).await.0, StatusCode::NOT_FOUND);
    // The audit page speaks Chinese.
    let auditor = app.browser("auditor").await;
    let (_, html) = auditor.get("/audit").await;
    assert!(
        html.contains("修改机构") && html.contains("系统管理员"),
        "action and role names in Chinese"
    );
    app.stop().await;
}
