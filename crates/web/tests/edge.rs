//! The edge of the application (issue 9, security review F4, F6, F10, F11, F12; code
//! review §1.9): what a request may carry, how every refusal looks, the headers of every
//! page. Black-box, on SQLite and (when configured) PostgreSQL.

use crate::common;

use common::{DEMO_PASSWORD, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Logs in through the page form with `next` and returns (status, location).
async fn form_login(app: &TestApp, next: &str) -> (StatusCode, String) {
    let resp = app
        .http
        .post(app.url("/login"))
        .form(&[("username", "coord"), ("password", DEMO_PASSWORD), ("next", next)])
        .send()
        .await
        .unwrap();
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (resp.status(), location)
}

#[tokio::test]
async fn login_next_never_leaves_the_host_and_never_fails() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        // F4: browsers drop tab/CR/LF and read `\` as `/`: each of these would land on
        // another host; each falls back to the workbench.
        for next in [
            "/\t/evil.example",
            "/\t/x",
            "/\r\n/evil.example",
            "//x",
            "/\\x",
            "\\/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            " /x",
            "http://evil.example/",
        ] {
            let (status, location) = form_login(&app, next).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{l}: next={next:?}");
            assert_eq!(location, "/workbench", "{l}: next={next:?}");
        }
        // F10: a control character is refused like any other (422), not a 500.
        let (status, _) = form_login(&app, "/\u{1}").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: next=\\x01");
        let (status, _) = form_login(&app, "\u{1}").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: next=\\x01");
        // A real local target is kept.
        let (status, location) = form_login(&app, "/plans?year=2026").await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, "/plans?year=2026"),
            "{l}"
        );
        // The login page itself refuses a control character in the query.
        let resp = app.http.get(app.url("/login?next=/%01")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        app.stop().await;
    }
}

fn assert_control_refusal(label: &str, what: &str, status: StatusCode, body: &Value, field: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {what}: {body}");
    assert_eq!(body["code"], "invalid_input", "{label}: {what}: {body}");
    assert_eq!(body["errors"][0]["field"], field, "{label}: {what}: {body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("含有不可见的控制字符，请删除后重试"),
        "{label}: {what}: {body}"
    );
}

#[tokio::test]
async fn control_characters_are_refused_with_422_naming_the_field_on_every_backend() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let audit_before = app.audit_count().await;
        // F6: unauthenticated, a NUL in the login name (a 500 on PostgreSQL before).
        let (status, body) = app
            .post_anonymous("/api/auth/login", json!({"username": "a\u{0}b", "password": "x"}))
            .await;
        assert_control_refusal(l, "login name with NUL", status, &body, "username");
        assert_eq!(body["message"], "用户名：含有不可见的控制字符，请删除后重试", "{l}");
        // Any string at any depth, named by its JSON key.
        let (status, body) = app
            .post_anonymous(
                "/api/auth/login",
                json!({"username": "coord", "password": "x", "extra": {"list": ["ok", "\u{1b}[31m"]}}),
            )
            .await;
        assert_control_refusal(l, "nested string", status, &body, "extra.list[1]");
        // DEL is refused too.
        let (status, body) = app
            .post_anonymous("/api/auth/login", json!({"username": "coord\u{7f}", "password": "x"}))
            .await;
        assert_control_refusal(l, "DEL", status, &body, "username");
        // Tab and line breaks are allowed in body text: this is a wrong password, not a 422.
        let (status, body) = app
            .post_anonymous(
                "/api/auth/login",
                json!({"username": "nosuchuser", "password": "a\tb\r\nc"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{l}: {body}");

        // The page login form: 422, the error page names the field.
        let resp = app
            .http
            .post(app.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("username=a%00b&password=x&next=")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{l}: page login");
        let page = resp.text().await.unwrap();
        assert!(
            page.contains("用户名：含有不可见的控制字符，请删除后重试"),
            "{l}: {page}"
        );

        // A query on an API list and on a page list; tab is no more welcome in a query.
        let coord = app.login("coord").await;
        for query in ["name=a%00b", "name=a%09b", "name=a%0Ab"] {
            let (status, body) = app.get(&format!("/api/talents?{query}"), &coord).await;
            assert_control_refusal(l, query, status, &body, "name");
        }
        let browser = app.browser("coord").await;
        let (status, page) = browser.get("/talents?name=a%00b").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: page list");
        assert!(page.contains("含有不可见的控制字符"), "{l}: {page}");
        // A path segment.
        let (status, body) = app.get("/api/plans/1%00", &coord).await;
        assert_control_refusal(l, "path", status, &body, "path");
        let (status, _) = browser.get("/plans/%01").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: page path");

        // Nothing was written but the logins.
        let logins = app.audit_count().await - audit_before;
        assert!(
            logins <= 3,
            "{l}: only the two logins and the failed one are audited, got {logins}"
        );
        app.stop().await;
    }
}

fn content_type(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn api_rejections_are_json_and_page_rejections_are_the_error_page() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let coord = app.login("coord").await;
        // (path, expected status, expected code)
        for (method, path, status, code) in [
            (Method::GET, "/api/plans/abc", StatusCode::BAD_REQUEST, "invalid_path"),
            (
                Method::GET,
                "/api/orgs?offset=1&offset=2",
                StatusCode::BAD_REQUEST,
                "invalid_query",
            ),
            (
                Method::GET,
                "/api/orgs?offset=x",
                StatusCode::BAD_REQUEST,
                "invalid_query",
            ),
            (
                Method::DELETE,
                "/api/plans",
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            ),
        ] {
            let resp = app
                .http
                .request(method.clone(), app.url(path))
                .bearer_auth(&coord)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), status, "{l}: {method} {path}");
            assert!(content_type(&resp).starts_with("application/json"), "{l}: {path}");
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body["code"], code, "{l}: {path}: {body}");
            let message = body["message"].as_str().unwrap();
            assert!(
                !message.is_ascii() && !message.contains("Invalid"),
                "{l}: {path}: {message}"
            );
        }
        // A body that is not declared JSON: 415 in the JSON format.
        let resp = app
            .http
            .post(app.url("/api/auth/login"))
            .header("content-type", "text/plain")
            .body(r#"{"username":"coord","password":"x"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{l}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "unsupported_media_type", "{l}");
        // A cross-site state change on the API: 403 in the JSON format.
        let resp = app
            .http
            .post(app.url("/api/auth/logout"))
            .bearer_auth(&coord)
            .header("origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{l}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "cross_site", "{l}");

        // Pages: the error page, in Chinese.
        let browser = app.browser("coord").await;
        for (path, status) in [
            ("/plans/abc", StatusCode::BAD_REQUEST),
            ("/orgs?page=1&page=2", StatusCode::BAD_REQUEST),
            ("/no-such-page", StatusCode::NOT_FOUND),
        ] {
            let (got, page) = browser.get(path).await;
            assert_eq!(got, status, "{l}: {path}");
            assert!(page.contains("<!doctype html>"), "{l}: {path}: {page}");
        }
        let (_, page) = browser.get("/plans/abc").await;
        assert!(
            page.contains("地址不正确") && !page.contains("Invalid URL"),
            "{l}: {page}"
        );
        let (_, page) = browser.get("/orgs?page=1&page=2").await;
        assert!(
            page.contains("查询参数不正确") && !page.contains("deserialize"),
            "{l}: {page}"
        );

        // The bearer scheme in any case (RFC 7235).
        for scheme in ["Bearer", "bearer", "BEARER"] {
            let resp = app
                .http
                .get(app.url("/api/me"))
                .header("authorization", format!("{scheme} {coord}"))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{l}: {scheme}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn paging_never_overflows_on_pages_or_api() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let admin = app.browser("sysadmin").await;
        for path in [
            "/orgs?page=500000000000000000",
            "/orgs?page=9223372036854775807&per_page=200",
            "/orgs?page=-3",
        ] {
            let (status, page) = admin.get(path).await;
            assert_eq!(status, StatusCode::OK, "{l}: {path}: {page}");
        }
        let coord = app.browser("coord").await;
        let (status, _) = coord.get("/talents?page=500000000000000000").await;
        assert_eq!(status, StatusCode::OK, "{l}: talents page");
        let token = app.login("sysadmin").await;
        for (query, offset) in [
            ("offset=500000000000000000", 1_000_000_000),
            ("offset=9223372036854775807&limit=9223372036854775807", 1_000_000_000),
            ("offset=-5&limit=-5", 0),
        ] {
            let (status, body) = app.get(&format!("/api/orgs?{query}"), &token).await;
            assert_eq!(status, StatusCode::OK, "{l}: {query}: {body}");
            assert_eq!(body["offset"], offset, "{l}: {query}");
            let limit = body["limit"].as_i64().unwrap();
            assert!((1..=200).contains(&limit), "{l}: {query}: limit {limit}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn pages_carry_security_headers_and_no_inline_script() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let browser = app.browser("coord").await;
        let anonymous = reqwest::Client::new();
        for path in [
            "/",
            "/login",
            "/calculator",
            "/workbench",
            "/candidates",
            "/no-such-page",
        ] {
            let resp = if path == "/" || path == "/login" || path == "/calculator" {
                anonymous.get(app.url(path)).send().await.unwrap()
            } else {
                browser.http.get(app.url(path)).send().await.unwrap()
            };
            let h = resp.headers().clone();
            let header = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            let csp = header("content-security-policy");
            for part in [
                "default-src 'self'",
                "script-src 'self';",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ] {
                assert!(csp.contains(part), "{l}: {path}: CSP {csp:?} lacks {part}");
            }
            assert!(!csp.contains("script-src 'self' 'unsafe"), "{l}: {path}: {csp}");
            assert_eq!(header("x-frame-options"), "DENY", "{l}: {path}");
            assert_eq!(header("x-content-type-options"), "nosniff", "{l}: {path}");
            assert_eq!(header("referrer-policy"), "same-origin", "{l}: {path}");
            assert_eq!(header("cache-control"), "no-store", "{l}: {path}");
            let html = resp.text().await.unwrap();
            for inline in [
                "onclick=",
                "onload=",
                "onsubmit=",
                "onchange=",
                "javascript:",
                "<script>",
            ] {
                assert!(!html.contains(inline), "{l}: {path} has inline script {inline}");
            }
        }
        // API answers are not stored either; static assets are cached.
        let token = app.login("coord").await;
        let resp = app
            .http
            .get(app.url("/api/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["cache-control"], "no-store", "{l}");
        let resp = app.http.get(app.url("/assets/app.js")).send().await.unwrap();
        assert_eq!(resp.headers()["cache-control"], "public, max-age=3600", "{l}");
        app.stop().await;
    }
}

#[tokio::test]
async fn openapi_documents_the_refusals_each_operation_can_meet() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let (status, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let responses = |path: &str, method: &str| -> Vec<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} is documented"))
            .keys()
            .cloned()
            .collect()
    };
    for code in ["400", "401", "403", "404", "422"] {
        assert!(
            responses("/api/plans/{id}", "get").contains(&code.to_string()),
            "GET /api/plans/{{id}} {code}"
        );
    }
    for code in ["400", "401", "403", "404", "409", "415", "422"] {
        assert!(
            responses("/api/plans/{id}", "put").contains(&code.to_string()),
            "PUT /api/plans/{{id}} {code}"
        );
    }
    for code in ["400", "415", "422"] {
        assert!(
            responses("/api/auth/login", "post").contains(&code.to_string()),
            "login {code}"
        );
    }
    assert!(
        !responses("/api/auth/login", "post").contains(&"409".to_string()),
        "login never conflicts"
    );
    // Every operation documents 422 (a control character in any query value).
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["responses"].get("422").is_some(), "{method} {path} documents 422");
        }
    }
    // ST108: `procedure.details` is null before anything was recorded; the schema says so.
    let details = &doc["components"]["schemas"]["Procedure"]["properties"]["details"];
    assert!(details.to_string().contains("null"), "details may be null: {details}");
    app.stop().await;
}

/// The text fields of a multipart upload meet the same check as every other form: a NUL in
/// `purpose` is a 422 naming that field, and nothing is stored.
#[tokio::test]
async fn control_characters_in_upload_fields_are_refused_naming_the_field() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let cand = common::save_profile(&app, "talent", "110101199003071233", "13812345678").await;
        let token = app.login("talent").await;
        let form = reqwest::multipart::Form::new()
            .text("object_type", "candidate")
            .text("object_id", cand.to_string())
            .text("purpose", "身份证件\u{0}")
            .part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("a.pdf"),
            );
        let resp = app
            .http
            .post(app.url("/api/attachments"))
            .bearer_auth(&token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "purpose", "{label}: {body}");
        assert!(
            body["errors"][0]["message"].as_str().unwrap().contains("控制字符"),
            "{label}: {body}"
        );
        let (_, list) = app
            .get(
                &format!("/api/attachments?object_type=candidate&object_id={cand}"),
                &token,
            )
            .await;
        assert_eq!(list, json!([]), "{label}: nothing stored");
        app.stop().await;
    }
}
