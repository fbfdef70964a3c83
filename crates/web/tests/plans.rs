//! Annual plans and announcements over HTTP, on every backend: a unit's plan through the
//! API and the pages, the review steps, the leading group's decision in a meeting, the
//! coordination office's announcement, and the public portal before and after the close.

use crate::common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn plan_json() -> Value {
    json!({
        "year": 2027,
        "title": "口岸经济研究中心2027年度人才引进计划",
        "note": "口岸物流急需紧缺人才",
        "positions": [
            {"title": "物流研究员", "openings": 2, "field": "口岸物流", "mode": "recruit",
             "min_degree": "master", "majors": "物流管理", "min_title": "intermediate"},
            {"title": "首席专家", "openings": 1, "field": "国际贸易", "mode": "special",
             "min_degree": "doctor", "requirements": "主持过省部级项目"}
        ]
    })
}

async fn act(t: &TestApp, token: &str, item: i64, action: &str, reason: &str) -> (StatusCode, Value) {
    let (_, body) = t.get(&format!("/api/workflow/{item}"), token).await;
    let version = body["version"].as_i64().unwrap_or(0);
    t.post(
        &format!("/api/workflow/{item}/act"),
        token,
        json!({"action": action, "version": version, "reason": reason}),
    )
    .await
}

/// Today (Beijing, by the app's clock) plus `days`, as an ISO date.
fn day(t: &TestApp, days: i64) -> String {
    t.app
        .today()
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

fn field_names(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_plan_from_the_unit_to_the_public_portal_over_the_api() {
    for t in TestApp::on_every_backend().await {
        let label = t.label;
        let [unit, dept, coord, mayor, talent] = t.logins(["unit", "dept", "coord", "mayor", "talent"]).await;

        // Bad input: every field named, nothing written.
        let bad = json!({"year": 1999, "title": "", "positions": [
            {"title": "研究员", "openings": 0, "field": "", "mode": "hire"}]});
        let (status, body) = t.post("/api/plans", &unit, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        assert_eq!(body["code"], "invalid_input");
        assert_eq!(
            field_names(&body),
            [
                "year",
                "title",
                "positions[0].openings",
                "positions[0].field",
                "positions[0].mode"
            ],
            "{label}"
        );
        let (status, _) = t.post("/api/plans", &dept, plan_json()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}: only a unit drafts a plan");
        let foreign = t.org_id("阿拉山口市文化馆").await;
        let mut other = plan_json();
        other["org_id"] = json!(foreign);
        let (status, _) = t.post("/api/plans", &unit, other).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}: not for another unit");

        // The demo data set has plans of its own: count relative to it.
        let total = async |path: &str, token: &str| t.get(path, token).await.1["total"].as_i64().unwrap_or(-1);
        let mut before_2027 = Vec::new();
        for token in [&unit, &dept, &coord, &mayor] {
            before_2027.push(total("/api/plans?year=2027", token).await);
        }
        let published_before = total("/api/plans?state=published", &coord).await;
        let announcements = async || t.call(Method::GET, "/api/announcements", None, None).await.1;
        let announced_before = announcements().await.as_array().map_or(0, Vec::len);
        let (status, plan) = t.post("/api/plans", &unit, plan_json()).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {plan}");
        let id = plan["id"].as_i64().unwrap();
        let item = plan["workflow_item_id"].as_i64().unwrap();
        assert_eq!(
            (plan["state"].as_str(), plan["openings"].as_i64()),
            (Some("draft"), Some(3)),
            "{label}"
        );
        assert_eq!(plan["positions"][1]["mode_name"], "特聘", "{label}");
        assert_eq!(plan["may_edit"], true, "{label}");
        assert_eq!(plan["actions"], json!(["submit", "comment"]), "{label}");

        // Scope: the unit, its department, the city offices and leaders; not an applicant.
        for (token, before) in [&unit, &dept, &coord, &mayor].into_iter().zip(&before_2027) {
            assert_eq!(total("/api/plans?year=2027", token).await, before + 1, "{label}");
        }
        assert_eq!(
            total("/api/plans?state=published", &coord).await,
            published_before,
            "{label}"
        );
        let (status, _) = t.get(&format!("/api/plans/{id}"), &talent).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");

        // The unit edits its draft; a stale version is refused.
        let mut edit = plan_json();
        edit["title"] = json!("2027年度人才引进计划（修订）");
        edit["version"] = plan["version"].clone();
        edit["positions"][0]["id"] = plan["positions"][0]["id"].clone();
        edit["positions"][0]["openings"] = json!(4);
        let (status, edited) = t.put(&format!("/api/plans/{id}"), &unit, edit.clone()).await;
        assert_eq!(status, StatusCode::OK, "{label}: {edited}");
        assert_eq!(edited["openings"], 5, "{label}");
        assert_eq!(edited["positions"][0]["id"], plan["positions"][0]["id"], "{label}");
        let (status, body) = t.put(&format!("/api/plans/{id}"), &unit, edit.clone()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("stale")),
            "{label}"
        );

        // The review steps go through the generic workflow endpoint.
        for (token, action) in [(&unit, "submit"), (&dept, "approve"), (&coord, "approve")] {
            let (status, body) = act(&t, token, item, action, "").await;
            assert_eq!(status, StatusCode::OK, "{label}: {action}: {body}");
        }
        edit["version"] = edited["version"].clone();
        let (status, body) = t.put(&format!("/api/plans/{id}"), &unit, edit).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{label}: no edits outside the draft: {body}"
        );
        let announcement = json!({"title": "口岸经济研究中心2027年度人才引进公告", "body": "现面向社会公开引进……",
            "open_date": day(&t, 0), "close_date": day(&t, 30)});
        let (status, _) = t
            .put(&format!("/api/plans/{id}/announcement"), &coord, announcement.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}: not before the decision");
        t.approve_in_meeting(item, "2026年第11次", "阿人才领字〔2026〕8号")
            .await;

        // Publishing needs the announcement.
        let (status, body) = act(&t, &coord, item, "publish", "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        assert_eq!(field_names(&body), ["announcement"], "{label}");
        let (_, plan) = t.get(&format!("/api/plans/{id}"), &coord).await;
        assert_eq!(plan["state"], "approved", "{label}");
        assert_eq!(plan["may_set_announcement"], true, "{label}");

        let mut bad = announcement.clone();
        bad["close_date"] = json!("2026-01-01");
        let (status, body) = t.put(&format!("/api/plans/{id}/announcement"), &coord, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        assert_eq!(field_names(&body), ["close_date"], "{label}");
        let (status, _) = t
            .put(&format!("/api/plans/{id}/announcement"), &unit, announcement.clone())
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}: only the coordination office");
        let (status, body) = t
            .put(&format!("/api/plans/{id}/announcement"), &coord, announcement)
            .await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        assert_eq!(
            announcements().await.as_array().map_or(0, Vec::len),
            announced_before,
            "{label}"
        );

        let (status, body) = act(&t, &coord, item, "publish", "").await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let (_, plan) = t.get(&format!("/api/plans/{id}"), &unit).await;
        assert_eq!(plan["state"], "published", "{label}");
        assert!(plan["published_at"].is_i64(), "{label}");
        let resolution = plan["events"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|e| e["resolution_number"].as_str())
            .unwrap_or_default()
            .to_string();
        assert_eq!(resolution, "阿人才领字〔2026〕8号", "{label}");

        // Public: the API, the portal and the announcement's page, without login.
        let ours = async || {
            let list = announcements().await;
            list.as_array()
                .and_then(|l| l.iter().find(|a| a["plan_id"] == id).cloned())
                .unwrap_or_else(|| panic!("{label}: the announcement is listed: {list}"))
        };
        let listed = ours().await;
        assert_eq!(listed["status"], "open", "{label}: {listed}");
        assert_eq!(listed["positions"].as_array().map(Vec::len), Some(2), "{label}");
        let position = listed["positions"][0]["id"].as_i64().unwrap();
        let home = common::text_of(t.http.get(t.url("/"))).await;
        assert!(home.contains("口岸经济研究中心2027年度人才引进公告"), "{label}");
        assert!(home.contains(&format!("/positions/{position}/apply")), "{label}");
        let page = t.http.get(t.url(&format!("/announcements/{id}"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{label}");
        let page = page.text().await.unwrap();
        assert!(page.contains("首席专家") && page.contains("报名中"), "{label}");
        assert!(page.contains(&format!("/positions/{position}/apply")), "{label}");

        // After the close date: listed as 已截止, no more 报名 links.
        t.clock.advance_minutes(60 * 24 * 40);
        let home = common::text_of(t.http.get(t.url("/"))).await;
        assert!(home.contains("已截止"), "{label}");
        assert!(!home.contains(&format!("/positions/{position}/apply")), "{label}");
        let page = common::text_of(t.http.get(t.url(&format!("/announcements/{id}")))).await;
        assert!(!page.contains(&format!("/positions/{position}/apply")), "{label}");
        assert_eq!(ours().await["status"], "closed", "{label}");
        t.stop().await;
    }
}

#[tokio::test]
async fn the_pages_keep_what_was_typed_and_show_the_workflow() {
    for t in TestApp::on_every_backend().await {
        let label = t.label;
        let unit = t.browser("unit").await;
        let (status, form) = unit.get("/plans/new").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(
            form.contains("不受年龄") && !form.contains("name=\"pos_age"),
            "{label}: no age field"
        );

        // An error re-shows the form with what was typed and the row's message.
        let mut fields = vec![
            ("_csrf", unit.csrf.as_str()),
            ("year", "2027"),
            ("title", "页面编制的计划"),
            ("note", "说明文字"),
        ];
        let row = |title: &'static str, openings: &'static str, field: &'static str| {
            [
                ("pos_id", ""),
                ("pos_title", title),
                ("pos_openings", openings),
                ("pos_field", field),
                ("pos_mode", "recruit"),
                ("pos_min_degree", "master"),
                ("pos_majors", field),
                ("pos_min_title", "none"),
                ("pos_qualifications", ""),
                ("pos_requirements", ""),
            ]
        };
        fields.extend(row("物流研究员", "两个", "口岸物流"));
        fields.extend(row("", "", "")); // a blank row of the form
        let (status, page) = unit.post_form("/plans", &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(page.contains("岗位第 1 行 引进人数"), "{label}");
        assert!(
            page.contains("value=\"两个\"") && page.contains("页面编制的计划"),
            "{label}"
        );

        let mut fields: Vec<(&str, &str)> = fields
            .into_iter()
            .map(|(k, v)| if v == "两个" { (k, "2") } else { (k, v) })
            .collect();
        let (status, location) = unit.post_form("/plans", &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}: {location}");
        assert!(location.ends_with("?ok=created"), "{label}: {location}");
        let path = location.split('?').next().unwrap().to_string();
        let id: i64 = path.trim_start_matches("/plans/").parse().unwrap();
        let (status, page) = unit.get(&location).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("物流研究员") && page.contains("单位编制"), "{label}");
        assert!(
            page.contains("/workflow/") && page.contains("name=\"version\""),
            "{label}: the panel"
        );
        assert!(page.contains(&format!("/plans/{id}/edit")), "{label}");

        // Edit: the form carries the saved rows with their ids.
        let (status, page) = unit.get(&format!("/plans/{id}/edit")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let pos_id = common::quoted_after(&page, "name=\"pos_id\" value=\"").unwrap();
        assert!(!pos_id.is_empty(), "{label}");
        let version = common::quoted_after(&page, "name=\"version\" value=\"").unwrap();
        fields.retain(|(k, _)| *k != "pos_id");
        fields.insert(4, ("pos_id", pos_id.as_str()));
        fields.insert(14, ("pos_id", ""));
        fields.push(("version", version.as_str()));
        let fields: Vec<(&str, &str)> = fields
            .into_iter()
            .map(|(k, v)| {
                if v == "页面编制的计划" {
                    (k, "页面修改的计划")
                } else {
                    (k, v)
                }
            })
            .collect();
        let (status, location) = unit.post_form(&format!("/plans/{id}"), &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}: {location}");
        let (_, page) = unit.get("/plans?year=2027").await;
        assert!(page.contains("页面修改的计划"), "{label}");
        let (_, page) = unit.get("/plans?state=approved").await;
        assert!(!page.contains("页面修改的计划"), "{label}");

        // Others: the department reads it (the announcement form is not for it); the
        // coordination office cannot set the announcement of a draft.
        let dept = t.browser("dept").await;
        let (status, page) = dept.get(&format!("/plans/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("页面修改的计划"), "{label}");
        let (status, _) = dept.get(&format!("/plans/{id}/edit")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let coord = t.browser("coord").await;
        let (status, _) = coord.get(&format!("/plans/{id}/announcement")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let mayor = t.browser("mayor").await;
        let (status, page) = mayor.get(&format!("/plans/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(
            page.contains("办理进度") && page.contains("发起"),
            "{label}: the history"
        );

        // Through the steps to the announcement form.
        let unit_token = t.login("unit").await;
        let (_, plan) = t.get(&format!("/api/plans/{id}"), &unit_token).await;
        let item = plan["workflow_item_id"].as_i64().unwrap();
        for (who, action) in [("unit", "submit"), ("dept", "approve"), ("coord", "approve")] {
            let token = t.login(who).await;
            let (status, body) = act(&t, &token, item, action, "").await;
            assert_eq!(status, StatusCode::OK, "{label}: {body}");
        }
        t.approve_in_meeting(item, "2026年第12次", "阿人才领字〔2026〕8号")
            .await;
        let (status, page) = coord.get(&format!("/plans/{id}/announcement")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let version = common::quoted_after(&page, "name=\"version\" value=\"").unwrap();
        let announcement = |open: String, close: String| {
            vec![
                ("_csrf", coord.csrf.clone()),
                ("title", "页面公告".to_string()),
                ("body", "公告正文".to_string()),
                ("open_date", open),
                ("close_date", close),
                ("version", version.clone()),
            ]
        };
        let typed = announcement(day(&t, 7), day(&t, 6));
        let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, page) = coord.post_form(&format!("/plans/{id}/announcement"), &typed).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(page.contains("报名截止日期：不能早于报名开始日期"), "{label}");
        assert!(page.contains(&format!("value=\"{}\"", day(&t, 6))), "{label}: kept");
        let ok = announcement(day(&t, 0), day(&t, 30));
        let ok: Vec<(&str, &str)> = ok.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, location) = coord.post_form(&format!("/plans/{id}/announcement"), &ok).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}: {location}");
        let (_, page) = coord.get(&location).await;
        assert!(page.contains("页面公告") && page.contains("未发布"), "{label}");
        assert!(page.contains("value=\"publish\""), "{label}: the publish button");
        // Not public yet.
        let resp = t.http.get(t.url(&format!("/announcements/{id}"))).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{label}");
        t.stop().await;
    }
}

#[tokio::test]
async fn the_plan_endpoints_are_documented() {
    let t = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let (_, doc) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    for (path, method) in [
        ("/api/plans", "get"),
        ("/api/plans", "post"),
        ("/api/plans/{id}", "get"),
        ("/api/plans/{id}", "put"),
        ("/api/plans/{id}/announcement", "put"),
        ("/api/announcements", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert_eq!(op["tags"][0], "plans", "{method} {path}");
    }
    assert!(doc["components"]["schemas"]["PlanBody"]["properties"]["positions"].is_object());
    assert!(
        doc["components"]["schemas"]["PositionBody"]["properties"]["age"].is_null(),
        "Art. 13(1)"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_draft_never_submitted_is_deleted_by_its_unit_and_nothing_else_is() {
    for t in TestApp::on_every_backend().await {
        let label = t.label;
        let [unit, dept, coord] = t.logins(["unit", "dept", "coord"]).await;
        let (status, draft) = t.post("/api/plans", &unit, plan_json()).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {draft}");
        let id = draft["id"].as_i64().unwrap();
        assert_eq!(draft["may_delete"], true, "{label}: {draft}");
        let (_, seen) = t.get(&format!("/api/plans/{id}"), &dept).await;
        assert_eq!(seen["may_delete"], false, "{label}: not the department's to delete");

        // Anyone but the unit: 403 with the reason.
        for who in [&dept, &coord] {
            let (status, body) = t
                .call(Method::DELETE, &format!("/api/plans/{id}"), Some(who), None)
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{label}: {body}");
            assert!(
                body["message"].as_str().unwrap().contains("只能由编制它的用人单位删除"),
                "{body}"
            );
        }

        // The page offers 删除草稿 with a confirmation; the unit deletes it, audited.
        let page = t.browser("unit").await;
        let (_, html) = page.get(&format!("/plans/{id}")).await;
        assert!(
            html.contains("删除草稿") && html.contains("data-confirm=\"确定删除草稿"),
            "{label}"
        );
        let item = draft["workflow_item_id"].to_string();
        let has_task = async || {
            let (_, tasks) = t.get("/api/tasks", &unit).await;
            tasks
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["object_id"] == item.as_str())
        };
        assert!(has_task().await, "{label}: the draft's task");
        let audit_before = t.audit_count().await;
        let (status, location) = page.submit(&format!("/plans/{id}/delete"), &[]).await;
        assert_eq!(
            (status, location.as_str()),
            (StatusCode::SEE_OTHER, "/plans?ok=deleted"),
            "{label}"
        );
        assert_eq!(t.audit_count().await, audit_before + 1, "{label}");
        let (_, html) = page.get("/plans?ok=deleted").await;
        assert!(
            html.contains("草稿已删除") && !html.contains(&format!("/plans/{id}\"")),
            "{label}"
        );
        let (status, _) = t.get(&format!("/api/plans/{id}"), &unit).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        assert!(!has_task().await, "{label}: its task went with it");

        // A plan once submitted is never deleted, even back at the unit after a return.
        let (_, plan) = t.post("/api/plans", &unit, plan_json()).await;
        let id = plan["id"].as_i64().unwrap();
        let item = plan["workflow_item_id"].as_i64().unwrap();
        let (status, body) = act(&t, &unit, item, "submit", "").await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let (status, body) = act(&t, &dept, item, "return", "岗位人数请核实").await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let (_, seen) = t.get(&format!("/api/plans/{id}"), &unit).await;
        assert_eq!(
            (seen["may_edit"].as_bool(), seen["may_delete"].as_bool()),
            (Some(true), Some(false)),
            "{label}"
        );
        let (status, body) = t
            .call(Method::DELETE, &format!("/api/plans/{id}"), Some(&unit), None)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("计划已提交过"),
            "{label}: {body}"
        );
        let (_, html) = page.get(&format!("/plans/{id}")).await;
        assert!(!html.contains("删除草稿"), "{label}");
        t.stop().await;
    }
}
