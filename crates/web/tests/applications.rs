//! Applications over HTTP on every backend: applying within the dates and once; another
//! applicant and another unit get 404; the review with its checklist, a return for 补正
//! with the changes highlighted, the letter required before it is sent, the openings not
//! exceeded, the applicant accepting on their page; the print page.

mod common;

use common::{TestApp, profile_json, register_applicant, save_new_applicant, save_profile};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// New applicants rather than the demo talent, who has applications of the demo data.
const TALENT_ID: &str = "110101198001010010";
const OTHER_ID: &str = "11010519491231002X";

/// A published plan of `org` with one position; dates relative to the app's today.
async fn position(app: &TestApp, org: &str, from_days: i64, to_days: i64, openings: i64, mode: &str) -> i64 {
    let org_id = app.org_id(org).await;
    let by = app.user_id("coord").await;
    let today = app.app.today();
    let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).unwrap().to_string();
    let mut tx = app.app.store.begin_write().await.unwrap();
    let (_, id) = tx
        .insert_test_plan_position(
            org_id,
            by,
            &day(from_days),
            &day(to_days),
            Some(app.app.now()),
            "口岸物流研究岗",
            openings,
            mode,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn apply(app: &TestApp, token: &str, position: i64) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/api/applications",
        Some(token),
        Some(json!({"position_id": position})),
    )
    .await
}

async fn detail(app: &TestApp, token: &str, id: i64) -> Value {
    let (status, body) = app.get(&format!("/api/applications/{id}"), token).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label);
    body
}

/// Acts on the application's workflow item with the version just read.
async fn act(app: &TestApp, token: &str, id: i64, action: &str, reason: &str) -> (StatusCode, Value) {
    let d = detail(app, token, id).await;
    let item = d["item_id"].as_i64().unwrap();
    app.call(
        Method::POST,
        &format!("/api/workflow/{item}/act"),
        Some(token),
        Some(json!({"action": action, "version": d["item_version"], "reason": reason})),
    )
    .await
}

async fn checklist(app: &TestApp, token: &str, id: i64, all: bool) -> (StatusCode, Value) {
    let mut items = serde_json::Map::new();
    for code in ["identity", "degree", "title", "qualifications", "no_record"] {
        let checked = all || code != "no_record";
        items.insert(code.into(), json!({"checked": checked, "note": "已核原件"}));
    }
    app.call(
        Method::PUT,
        &format!("/api/applications/{id}/checklist"),
        Some(token),
        Some(json!({"items": items})),
    )
    .await
}

fn field(body: &Value) -> &str {
    body["errors"][0]["field"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn apply_review_correct_and_accept_the_letter() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        register_applicant(&app, "applicant1").await;
        let talent = app.login("applicant1").await;
        let coord = app.login("coord").await;
        let open = position(&app, "阿拉山口市口岸经济研究中心", -10, 10, 2, "recruit").await;

        // Without a registration form: told to fill it in first.
        let (status, body) = apply(&app, &talent, open).await;
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "profile"),
            "{l}: {body}"
        );
        assert!(body["message"].as_str().unwrap().contains("/me/profile"), "{l}: {body}");

        save_profile(&app, "applicant1", TALENT_ID, "13812345678").await;
        let (status, body) = apply(&app, &talent, open).await;
        assert_eq!(status, StatusCode::CREATED, "{l}: {body}");
        let id = body["id"].as_i64().unwrap();
        assert_eq!(body["state"], "review", "{l}");
        assert_eq!(body["form"]["id_number_masked"], "110***********0010", "{l}");
        assert!(!body.to_string().contains(TALENT_ID), "{l}: the form is masked");

        // Twice: 409 naming the field; after the close date: 422 with the date.
        let (status, body) = apply(&app, &talent, open).await;
        assert_eq!(
            (status, field(&body)),
            (StatusCode::CONFLICT, "position_id"),
            "{l}: {body}"
        );
        let closed = position(&app, "阿拉山口市口岸经济研究中心", -20, -1, 1, "recruit").await;
        let (status, body) = apply(&app, &talent, closed).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {body}");
        assert!(body["message"].as_str().unwrap().contains("截止"), "{l}: {body}");

        // The review page: category with reasons; passing needs the whole checklist.
        let d = detail(&app, &coord, id).await;
        assert_eq!(d["evaluation"]["category"], 2, "{l}: {d}");
        assert_eq!(d["evaluation"]["categories"][0]["article"], "10(2)", "{l}");
        let (status, body) = checklist(&app, &coord, id, false).await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let (status, body) = act(&app, &coord, id, "approve", "").await;
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "checklist"),
            "{l}: {body}"
        );

        // Return for 补正; the applicant edits the form and resubmits.
        let (status, body) = act(&app, &coord, id, "return", "").await;
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "reason"),
            "{l}: {body}"
        );
        let (status, body) = act(&app, &coord, id, "return", "请补充正高级职称证书").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let (_, mine) = app.get("/api/me/applications", &talent).await;
        let mine = mine.as_array().unwrap().iter().find(|a| a["id"] == id).unwrap().clone();
        assert_eq!(mine["state"], "draft", "{l}");
        assert_eq!(mine["return_reason"], "请补充正高级职称证书", "{l}");
        assert_eq!(mine["actions"][0]["action"], "submit", "{l}");
        let mut edited = profile_json("applicant1的姓名", "", "");
        edited["title"] = json!("senior");
        let (status, body) = app
            .call(Method::PUT, "/api/me/profile", Some(&talent), Some(edited))
            .await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let (status, body) = act(&app, &talent, id, "submit", "").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let d = detail(&app, &coord, id).await;
        assert_eq!(d["state"], "review", "{l}");
        assert_eq!(d["changes"].as_array().unwrap().len(), 1, "{l}: {d}");
        assert_eq!(d["changes"][0]["key"], "title_name", "{l}");
        assert_eq!(d["changes"][0]["old"], "副高级", "{l}");
        assert_eq!(d["changes"][0]["value"], "正高级", "{l}");
        let coord_page = app.browser("coord").await;
        let (status, html) = coord_page.get(&format!("/applications/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("id=\"changed-title_name\"") && html.contains("<span class=\"diff-old\">副高级</span>"),
            "{l}: the page highlights the change"
        );
        assert!(
            html.contains("资格审查通过") && html.contains("退回补正"),
            "{l}: the buttons"
        );

        // Pass; the letter is required before it is sent.
        let (status, body) = checklist(&app, &coord, id, true).await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let (status, body) = act(&app, &coord, id, "approve", "").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let (status, body) = act(&app, &coord, id, "submit", "").await;
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "letter"),
            "{l}: {body}"
        );
        let (status, letter) = app
            .call(
                Method::POST,
                &format!("/api/applications/{id}/letter"),
                Some(&coord),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{l}: {letter}");
        assert_eq!(letter["kind_name"], "招聘意向书", "{l}");
        let number = letter["number"].as_str().unwrap().to_string();
        assert!(
            number.starts_with("阿人才意〔") && number.ends_with("号"),
            "{l}: {number}"
        );
        let (status, _) = app.get(&format!("/api/applications/{id}/letter"), &talent).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{l}: not the applicant's before it is sent"
        );
        let (status, body) = act(&app, &coord, id, "submit", "").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");

        // The applicant reads, prints and accepts the letter.
        let (status, body) = app.get(&format!("/api/applications/{id}/letter"), &talent).await;
        assert_eq!(
            (status, body["number"].as_str()),
            (StatusCode::OK, Some(number.as_str())),
            "{l}"
        );
        let talent_page = app.browser("applicant1").await;
        let (status, html) = talent_page.get(&format!("/applications/{id}/letter")).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains(&number) && html.contains("size: A4") && html.contains("@media print"),
            "{l}"
        );
        let (status, html) = talent_page.get("/me/applications").await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("接受意向书") && html.contains("放弃"), "{l}: the buttons");
        let (status, body) = act(&app, &talent, id, "approve", "").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let (_, body) = app.get(&format!("/api/applications/{id}/letter"), &talent).await;
        assert!(body["accepted_at"].is_i64(), "{l}: {body}");
        assert_eq!(detail(&app, &coord, id).await["state"], "accepted", "{l}");
        app.stop().await;
    }
}

#[tokio::test]
async fn nobody_sees_another_applicants_or_another_units_applications() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        save_new_applicant(&app, "applicant1", TALENT_ID, "13812345678").await;
        save_new_applicant(&app, "applicant2", OTHER_ID, "13912345678").await;
        let talent = app.login("applicant1").await;
        let other = app.login("applicant2").await;
        let unit = app.login("unit").await;
        let dept = app.login("dept").await;
        let own = position(&app, "阿拉山口市口岸经济研究中心", -1, 1, 1, "recruit").await;
        let foreign = position(&app, "阿拉山口市文化馆", -1, 1, 1, "special").await;
        let (_, a) = apply(&app, &talent, own).await;
        let (_, b) = apply(&app, &talent, foreign).await;
        let (a, b) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());

        for path in [
            format!("/api/applications/{a}"),
            format!("/api/applications/{a}/letter"),
        ] {
            let (status, _) = app.get(&path, &other).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{l}: another applicant: {path}");
        }
        let (_, mine) = app.get("/api/me/applications", &other).await;
        assert_eq!(mine, json!([]), "{l}");
        let (status, _) = app.get(&format!("/api/applications/{b}"), &unit).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}: another unit's position");
        let (status, _) = app.get(&format!("/api/applications/{b}"), &dept).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}: a unit of another department");
        for token in [&unit, &dept] {
            let d = detail(&app, token, a).await;
            assert_eq!(d["actions"], json!([]), "{l}: read-only");
            assert_eq!(d["form"]["phone_masked"], "138****5678", "{l}: masked");
            let (_, list) = app.get("/api/applications", token).await;
            let ids: Vec<i64> = list["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect();
            assert!(
                ids.contains(&a) && !ids.contains(&b),
                "{l}: only their own positions' applications"
            );
        }
        let (status, _) = checklist(&app, &unit, a, true).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{l}: the unit does not review");
        let (_, list) = app
            .get("/api/applications?state=review&limit=200", &app.login("coord").await)
            .await;
        let rows = list["rows"].as_array().unwrap();
        let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert!(
            ids.contains(&a) && ids.contains(&b),
            "{l}: the coordination office sees both"
        );
        assert!(rows.iter().all(|r| r["state"] == "review"), "{l}");
        // Pages: the other applicant and the other unit get 404 too.
        let page = app.browser("applicant2").await;
        assert_eq!(
            page.get(&format!("/applications/{a}")).await.0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let page = app.browser("unit").await;
        assert_eq!(
            page.get(&format!("/applications/{b}")).await.0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(page.get(&format!("/applications/{a}")).await.0, StatusCode::OK, "{l}");
        app.stop().await;
    }
}

#[tokio::test]
async fn letters_beyond_the_openings_are_refused_and_the_portal_form_applies() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        save_new_applicant(&app, "applicant1", TALENT_ID, "13812345678").await;
        save_new_applicant(&app, "applicant2", OTHER_ID, "13912345678").await;
        let coord = app.login("coord").await;
        let one = position(&app, "阿拉山口市口岸经济研究中心", -5, 5, 1, "special").await;

        // The applicant applies through the page.
        let page = app.browser("applicant1").await;
        let (status, html) = page.get(&format!("/positions/{one}/apply")).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("报名中") && html.contains("提交报名"), "{l}");
        let (status, location) = page
            .post_form(&format!("/positions/{one}/apply"), &[("_csrf", &page.csrf)])
            .await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, "/me/applications?ok=applied"),
            "{l}"
        );
        let (status, html) = page
            .post_form(&format!("/positions/{one}/apply"), &[("_csrf", &page.csrf)])
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{l}");
        assert!(html.contains("只能报名一次"), "{l}");
        let (_, html) = page.get("/me/applications").await;
        assert!(html.contains("口岸物流研究岗") && html.contains("资格审查"), "{l}");
        let (_, mine) = app.get("/api/me/applications", &app.login("applicant1").await).await;
        let a = mine[0]["id"].as_i64().unwrap();
        let (status, body) = apply(&app, &app.login("applicant2").await, one).await;
        assert_eq!(status, StatusCode::CREATED, "{l}: {body}");
        let b = body["id"].as_i64().unwrap();

        for id in [a, b] {
            assert_eq!(checklist(&app, &coord, id, true).await.0, StatusCode::OK, "{l}");
            assert_eq!(act(&app, &coord, id, "approve", "").await.0, StatusCode::OK, "{l}");
            let (status, letter) = app
                .call(
                    Method::POST,
                    &format!("/api/applications/{id}/letter"),
                    Some(&coord),
                    None,
                )
                .await;
            assert_eq!(
                (status, letter["kind_name"].as_str()),
                (StatusCode::OK, Some("特聘意向书")),
                "{l}"
            );
        }
        assert_eq!(act(&app, &coord, a, "submit", "").await.0, StatusCode::OK, "{l}");
        let (status, body) = act(&app, &coord, b, "submit", "").await;
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "openings"),
            "{l}: {body}"
        );
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("核定引进 1 人") && message.contains("1 人"),
            "{l}: {message}"
        );
        assert_eq!(
            detail(&app, &coord, b).await["state"],
            "passed",
            "{l}: nothing half-written"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_application_endpoints_are_documented() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let (status, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    for (path, method) in [
        ("/api/applications", "post"),
        ("/api/applications", "get"),
        ("/api/me/applications", "get"),
        ("/api/applications/{id}", "get"),
        ("/api/applications/{id}/checklist", "put"),
        ("/api/applications/{id}/letter", "post"),
        ("/api/applications/{id}/letter", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert_eq!(op["tags"][0], "applications", "OpenAPI documents {method} {path}");
    }
    app.stop().await;
}
