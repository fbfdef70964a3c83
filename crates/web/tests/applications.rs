//! Applications over HTTP on every backend: applying within the dates and once; another
//! applicant and another unit get 404; the review with its checklist, a return for 补正
//! with the changes highlighted, the letter required before it is sent, the openings not
//! exceeded, the applicant accepting on their page; the print page; the review's findings
//! (审查认定) through the API and the review form, and the demo's 高峰 whom they make
//! category 4 with money at every stage.

use crate::common;

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

/// Two new applicants with saved forms: `applicant1` (TALENT_ID) and `applicant2` (OTHER_ID).
async fn two_applicants(app: &TestApp) {
    save_new_applicant(app, "applicant1", TALENT_ID, "13812345678").await;
    save_new_applicant(app, "applicant2", OTHER_ID, "13912345678").await;
}

async fn apply(app: &TestApp, token: &str, position: i64) -> (StatusCode, Value) {
    app.post("/api/applications", token, json!({"position_id": position}))
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
    app.post(
        &format!("/api/workflow/{item}/act"),
        token,
        json!({"action": action, "version": d["item_version"], "reason": reason}),
    )
    .await
}

async fn checklist(app: &TestApp, token: &str, id: i64, all: bool) -> (StatusCode, Value) {
    let mut items = serde_json::Map::new();
    for code in ["identity", "degree", "title", "qualifications", "no_record"] {
        let checked = all || code != "no_record";
        items.insert(code.into(), json!({"checked": checked, "note": "已核原件"}));
    }
    app.put(
        &format!("/api/applications/{id}/checklist"),
        token,
        json!({"items": items}),
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
        let [talent, coord] = app.logins(["applicant1", "coord"]).await;
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
        assert_eq!(body["form"]["id_number_masked"], "*****************0", "{l}");
        assert_eq!(body["form"]["birth_year"], 1980, "{l}");
        assert!(
            !body.to_string().contains("1980-01-01"),
            "{l}: no birth date in the form: {body}"
        );
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
        edited["gender"] = json!("male"); // as the stored 身份证号 states
        edited["title"] = json!("senior");
        let (status, body) = app.put("/api/me/profile", &talent, edited).await;
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
        two_applicants(&app).await;
        let [talent, other, unit, dept] = app.logins(["applicant1", "applicant2", "unit", "dept"]).await;
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
            assert_eq!(d["form"]["phone_masked"], "*******5678", "{l}: masked");
            assert!(
                d["form"].get("birth_date").is_none(),
                "{l}: no birth date: {}",
                d["form"]
            );
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
        two_applicants(&app).await;
        let coord = app.login("coord").await;
        let one = position(&app, "阿拉山口市口岸经济研究中心", -5, 5, 1, "special").await;

        // The applicant applies through the page.
        let page = app.browser("applicant1").await;
        let (status, html) = page.get(&format!("/positions/{one}/apply")).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("报名中") && html.contains("提交报名"), "{l}");
        let (status, location) = page.submit(&format!("/positions/{one}/apply"), &[]).await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, "/me/applications?ok=applied"),
            "{l}"
        );
        let (status, html) = page.submit(&format!("/positions/{one}/apply"), &[]).await;
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
    // The findings: sent with the checklist, shown with the application.
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas["ChecklistBody"]["properties"]["findings"].is_object(),
        "{}",
        schemas["ChecklistBody"]
    );
    for field in ["checked", "basis"] {
        assert!(
            schemas["FindingBody"]["properties"][field].is_object(),
            "FindingBody.{field}"
        );
    }
    // ApplicationDetail flattens the list row: its own properties sit in one part of an allOf.
    let detail = &schemas["ApplicationDetail"];
    let detail_has = |field: &str| {
        detail["properties"][field].is_object()
            || detail["allOf"]
                .as_array()
                .is_some_and(|parts| parts.iter().any(|p| p["properties"][field].is_object()))
    };
    for field in ["findings", "findings_recorded", "checklist", "evaluation"] {
        assert!(detail_has(field), "ApplicationDetail.{field}: {detail}");
    }
    for field in ["code", "label", "hint", "checked", "basis"] {
        assert!(
            schemas["FindingRowBody"]["properties"][field].is_object(),
            "FindingRowBody.{field}"
        );
    }
    app.stop().await;
}

/// A doctor with a vice-senior title and no honour (like the demo's 高峰): the form alone
/// meets no Art. 10 category. Returns the application's id.
async fn doctor_without_honours(app: &TestApp, username: &str, id_number: &str, phone: &str, position: i64) -> i64 {
    save_new_applicant(app, username, id_number, phone).await;
    let token = app.login(username).await;
    let mut profile = profile_json(&format!("{username}的姓名"), id_number, phone);
    profile["honours"] = json!([]);
    let (status, body) = app.put("/api/me/profile", &token, profile).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", app.label);
    let (status, body) = apply(app, &token, position).await;
    assert_eq!(status, StatusCode::CREATED, "{}: {body}", app.label);
    body["id"].as_i64().unwrap()
}

fn finding<'a>(d: &'a Value, code: &str) -> &'a Value {
    d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("finding {code} in {d}"))
}

#[tokio::test]
async fn the_reviews_findings_round_trip_through_the_api_and_set_the_category() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let coord = app.login("coord").await;
        let position = position(&app, "阿拉山口市口岸经济研究中心", -5, 5, 1, "recruit").await;
        let id = doctor_without_honours(&app, "applicant1", TALENT_ID, "13812345678", position).await;
        let d = detail(&app, &coord, id).await;
        assert_eq!(d["evaluation"]["category"], Value::Null, "{l}: {d}");
        assert_eq!(d["findings_recorded"], false, "{l}");
        assert_eq!(d["findings"].as_array().unwrap().len(), 4, "{l}");
        assert_eq!(finding(&d, "research_results")["label"], "取得科研成果", "{l}");

        let checklist_path = format!("/api/applications/{id}/checklist");
        let put = |findings: Value| {
            let mut items = serde_json::Map::new();
            for code in ["identity", "degree", "title", "qualifications", "no_record"] {
                items.insert(code.into(), json!({"checked": true, "note": "已核原件"}));
            }
            let mut body = json!({"items": items});
            if !findings.is_null() {
                body["findings"] = findings;
            }
            app.put(&checklist_path, &coord, body)
        };
        // A finding without its basis: 422 naming the field, nothing saved.
        let (status, body) = put(json!({"research_results": {"checked": true, "basis": ""}})).await;
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "basis_research_results"),
            "{l}: {body}"
        );
        assert!(body["message"].as_str().unwrap().contains("认定依据"), "{l}: {body}");
        let (status, body) = put(json!({"fame": {"checked": true, "basis": "x"}})).await;
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "findings"),
            "{l}: {body}"
        );
        assert_eq!(detail(&app, &coord, id).await["findings_recorded"], false, "{l}");

        // With its basis: category 4 (Art. 10(4)), the finding echoed.
        let basis = "核心期刊论文 3 篇（原件已核）";
        let (status, d) = put(json!({"research_results": {"checked": true, "basis": basis}})).await;
        assert_eq!(status, StatusCode::OK, "{l}: {d}");
        assert_eq!(d["evaluation"]["category"], 4, "{l}: {d}");
        assert_eq!(d["category"], 4, "{l}: stored with the application");
        assert_eq!(d["evaluation"]["categories"][0]["article"], "10(4)", "{l}");
        assert_eq!(d["evaluation"]["findings"], json!(["取得科研成果"]), "{l}");
        assert_eq!(d["findings_recorded"], true, "{l}");
        assert_eq!(
            (
                &finding(&d, "research_results")["checked"],
                &finding(&d, "research_results")["basis"]
            ),
            (&json!(true), &json!(basis)),
            "{l}"
        );
        assert_eq!(finding(&d, "shortage_field")["checked"], false, "{l}");

        // A checklist sent without findings keeps them; the detail shows them.
        let (status, d) = put(Value::Null).await;
        assert_eq!(status, StatusCode::OK, "{l}: {d}");
        let d = detail(&app, &coord, id).await;
        assert_eq!(d["evaluation"]["category"], 4, "{l}");
        assert_eq!(finding(&d, "research_results")["basis"], basis, "{l}");
        // Other reviewers read them; the applicant's view does not carry a review page.
        let d = detail(&app, &app.login("unit").await, id).await;
        assert_eq!(finding(&d, "research_results")["checked"], true, "{l}");
        // Withdrawn: no category again.
        let (status, d) = put(json!({})).await;
        assert_eq!(status, StatusCode::OK, "{l}: {d}");
        assert_eq!(d["evaluation"]["category"], Value::Null, "{l}: {d}");
        assert_eq!(finding(&d, "research_results")["checked"], false, "{l}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_review_form_saves_the_findings_and_keeps_them_typed_on_an_error() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let position = position(&app, "阿拉山口市口岸经济研究中心", -5, 5, 1, "recruit").await;
        let id = doctor_without_honours(&app, "applicant1", TALENT_ID, "13812345678", position).await;
        let page = app.browser("coord").await;
        let (status, html) = page.get(&format!("/applications/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("id=\"findings\"") && html.contains("审查认定"), "{l}");
        for code in [
            "research_results",
            "shortage_field",
            "practical_talent",
            "leading_technology",
        ] {
            assert!(
                html.contains(&format!("name=\"finding_{code}\"")) && html.contains(&format!("name=\"basis_{code}\"")),
                "{l}: {code}"
            );
        }
        assert!(html.contains("id=\"no-category\""), "{l}");

        let path = format!("/applications/{id}/checklist");
        let mut fields: Vec<(&str, &str)> = vec![
            ("_csrf", &page.csrf),
            ("check_identity", "yes"),
            ("check_degree", "yes"),
            ("check_title", "yes"),
            ("check_qualifications", "yes"),
            ("check_no_record", "yes"),
            ("note_qualifications", "注册会计师证书已核"),
        ];
        // The basis of shortage_field is missing: 422, everything typed kept.
        let mut bad = fields.clone();
        bad.extend([
            ("finding_research_results", "yes"),
            ("basis_research_results", "获奖证书（自治区科技进步三等奖）"),
            ("finding_shortage_field", "yes"),
            ("basis_shortage_field", ""),
        ]);
        let (status, html) = page.post_form(&path, &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(html.contains("审查认定“紧缺专业”：请填写认定依据"), "{l}");
        assert!(
            html.contains("id=\"finding_research_results\" name=\"finding_research_results\" value=\"yes\" form=\"review-form\" checked")
                && html.contains("id=\"finding_shortage_field\" name=\"finding_shortage_field\" value=\"yes\" form=\"review-form\" checked")
                && html.contains("value=\"获奖证书（自治区科技进步三等奖）\"")
                && html.contains("value=\"注册会计师证书已核\""),
            "{l}: the typed findings and notes are kept"
        );
        let d = detail(&app, &app.login("coord").await, id).await;
        assert_eq!(d["findings_recorded"], false, "{l}: nothing saved");

        // Saved: the category is recomputed and the page shows it with its reasons.
        fields.extend([
            ("finding_research_results", "yes"),
            ("basis_research_results", "获奖证书（自治区科技进步三等奖）"),
        ]);
        let (status, location) = page.post_form(&path, &fields).await;
        assert_eq!(
            (status, location.as_str()),
            (
                StatusCode::SEE_OTHER,
                format!("/applications/{id}?ok=checklist").as_str()
            ),
            "{l}"
        );
        let (_, html) = page.get(&location).await;
        assert!(html.contains("审查清单已保存"), "{l}");
        assert!(
            html.contains("id=\"category-met\">按登记表所填情况和审查认定（取得科研成果），符合第十条第（四）项"),
            "{l}"
        );
        assert!(
            html.contains("id=\"finding_research_results\" name=\"finding_research_results\" value=\"yes\" form=\"review-form\" checked")
                && html.contains("value=\"获奖证书（自治区科技进步三等奖）\""),
            "{l}: the saved finding is shown"
        );
        let d = detail(&app, &app.login("coord").await, id).await;
        assert_eq!(d["category"], 4, "{l}");
        assert_eq!(finding(&d, "shortage_field")["checked"], false, "{l}");
        // The unit reads the findings, without a form.
        let (_, html) = app.browser("unit").await.get(&format!("/applications/{id}")).await;
        assert!(
            html.contains("id=\"finding-research_results\"")
                && html.contains("✔ 认定")
                && !html.contains("name=\"finding_"),
            "{l}"
        );
        app.stop().await;
    }
}

/// The demo's 高峰: the office's research-results finding makes him category 4, so his money
/// is at every stage of payment: year 1 paid in a batch, year 2 certified, later years scheduled.
#[tokio::test]
async fn the_demo_gaofeng_is_category_4_by_the_finding_with_money_at_every_stage() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let coord = app.login("coord").await;
        let (_, list) = app.get("/api/applications?limit=200", &coord).await;
        let row = list["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["candidate_name"] == "高峰")
            .unwrap_or_else(|| panic!("{l}: 高峰's application in {list}"))
            .clone();
        assert_eq!(row["state"], "introduced", "{l}");
        let d = detail(&app, &coord, row["id"].as_i64().unwrap()).await;
        assert_eq!(d["category"], 4, "{l}: {d}");
        assert_eq!(finding(&d, "research_results")["checked"], true, "{l}");
        assert!(
            !finding(&d, "research_results")["basis"].as_str().unwrap().is_empty(),
            "{l}"
        );

        let (status, b) = app.get("/api/me/benefits", &app.login("gaofeng").await).await;
        assert_eq!(status, StatusCode::OK, "{l}: {b}");
        let rows = b["installments"].as_array().unwrap();
        let of_year = |y: i64| -> Vec<&Value> {
            rows.iter()
                .map(|r| &r["installment"])
                .filter(|i| i["service_year"] == y)
                .collect()
        };
        let (one, two) = (of_year(1), of_year(2));
        let later: Vec<&Value> = rows
            .iter()
            .map(|r| &r["installment"])
            .filter(|i| i["service_year"].as_i64().is_some_and(|y| y > 2))
            .collect();
        assert!(!one.is_empty() && !two.is_empty() && !later.is_empty(), "{l}: {b}");
        assert!(
            one.iter()
                .all(|i| i["status"] == "paid" && i["payment_batch_id"].is_i64()),
            "{l}: {one:?}"
        );
        assert!(two.iter().all(|i| i["status"] == "certified"), "{l}: {two:?}");
        assert!(later.iter().all(|i| i["status"] == "scheduled"), "{l}: {later:?}");
        for k in ["entitled_fen", "paid_fen", "due_fen"] {
            assert!(b[k].as_i64().unwrap() > 0, "{l}: {k} in {b}");
        }
        assert!(
            b["entitled_fen"].as_i64().unwrap() > b["paid_fen"].as_i64().unwrap() + b["due_fen"].as_i64().unwrap(),
            "{l}: later years still to come: {b}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_applicant_reads_one_number_a_submitted_first_row_and_no_staff_comment_box() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        save_new_applicant(&app, "applicant1", TALENT_ID, "13812345678").await;
        let [talent, coord] = app.logins(["applicant1", "coord"]).await;
        let open = position(&app, "阿拉山口市口岸经济研究中心", -10, 10, 1, "recruit").await;
        let (status, body) = apply(&app, &talent, open).await;
        assert_eq!(status, StatusCode::CREATED, "{l}: {body}");
        let id = body["id"].as_i64().unwrap();
        let item = detail(&app, &coord, id).await["item_id"].as_i64().unwrap();

        let page = app.browser("applicant1").await;
        let (_, html) = page.get("/me/applications").await;
        let history = &html[html.find("<tbody>").expect("a progress table")..];
        let first = &history[..history.find("</tr>").unwrap()];
        assert!(first.contains("提交报名") && first.contains("资格审查"), "{l}: {first}");
        assert!(
            !history.contains("发起") && !history.contains("待提交（补正）"),
            "{l}: a first application reads as no 补正: {history}"
        );
        // One number for the application: its own, never the workflow item's.
        assert!(
            html.contains(&format!("<dd class=\"application-number\">{id}</dd>")),
            "{l}"
        );
        assert!(
            !html.contains(&format!("事项 #{item}")) && !html.contains(&format!("#{item}<")),
            "{l}"
        );

        // The letter: 接受 and 放弃 (with its own reason and a confirmation); no staff box.
        checklist(&app, &coord, id, true).await;
        let (status, body) = act(&app, &coord, id, "approve", "").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let path = format!("/api/applications/{id}/letter");
        let (status, body) = app.call(Method::POST, &path, Some(&coord), None).await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let (status, body) = act(&app, &coord, id, "submit", "").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        let (_, html) = page.get("/me/applications").await;
        assert!(html.contains("接受意向书") && html.contains("确认放弃"), "{l}");
        assert!(
            !html.contains("id=\"wf-reason\"") && !html.contains("填写意见时必填"),
            "{l}: no staff comment box for the applicant"
        );
        assert!(
            html.contains("id=\"wf-decline-reason\"") && html.contains("data-confirm=\"确定“放弃”"),
            "{l}"
        );
        let version = detail(&app, &talent, id).await["item_version"].to_string();
        let (status, html) = page
            .submit(
                &format!("/workflow/{item}/act"),
                &[
                    ("action", "reject"),
                    ("version", &version),
                    ("reason", ""),
                    ("back", "/me/applications"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            html.contains("<details class=\"decline\" open>") && !html.contains("id=\"wf-reason\""),
            "{l}: the refusal is shown beside 放弃's own reason"
        );
        // Staff still have their comment box.
        let (_, html) = app.browser("coord").await.get(&format!("/workflow/{item}")).await;
        assert!(html.contains("id=\"wf-reason\""), "{l}");
        app.stop().await;
    }
}
