//! The end of the introduction over HTTP, on every backend: the procedure by mode (API and
//! form), the report refused without it, the confirmation that creates exactly one talent
//! with the frozen policy evaluation, scope (another unit gets 404, a talent sees only their
//! own record), and 一事一议 cases.

use crate::common;

use common::{TestApp, save_new_applicant, save_profile};
use reqwest::StatusCode;
use serde_json::{Value, json};
use yincai_store::NewWorkflowItem;

/// An application of `candidate` to a `mode` position of the unit `org`, waiting in
/// `procedure`, decided with a resolution number. Returns (application id, item id).
async fn in_procedure(app: &TestApp, org: &str, candidate: i64, owner: &str, mode: &str) -> (i64, i64) {
    let org_id = app.org_id(org).await;
    let owner = app.user_id(owner).await;
    let unit_user = app.user_id("unit").await;
    let leader = app.user_id("leader").await;
    let now = jiff::Timestamp::now().as_millisecond();
    let mut tx = app.app.store.begin_write().await.unwrap();
    let (_, _, application) = tx
        .insert_test_application(org_id, candidate, mode, unit_user, now)
        .await
        .unwrap();
    tx.execute_raw(&format!(
        "update applications set category = 4 where id = {application}"
    ))
    .await
    .unwrap();
    let item = tx
        .insert_workflow_item(
            &NewWorkflowItem {
                workflow: "application".into(),
                object_type: "application".into(),
                object_id: application.to_string(),
                state: "procedure".into(),
                org_id,
                maker_id: Some(leader),
                due_date: None,
                owner_user_id: Some(owner),
            },
            now,
        )
        .await
        .unwrap();
    tx.append_workflow_event(&yincai_store::NewWorkflowEvent {
        item_id: item,
        at: now,
        actor_id: Some(leader),
        actor_name: "刘强".into(),
        actor_role: "leading_group".into(),
        action: "approve".into(),
        from_state: "group_decision".into(),
        to_state: "procedure".into(),
        reason: String::new(),
        resolution_number: Some("阿人才领字〔2026〕12号".into()),
        attachments: "[]".into(),
        meeting_item_id: None,
        shared: true,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (application, item)
}

async fn act(app: &TestApp, token: &str, item: i64, action: &str) -> (StatusCode, Value) {
    let (_, it) = app.get(&format!("/api/workflow/{item}"), token).await;
    let version = it["version"].as_i64().unwrap_or(0);
    app.post(
        &format!("/api/workflow/{item}/act"),
        token,
        json!({"action": action, "version": version}),
    )
    .await
}

fn error_fields(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .or_else(|| body["errors"].as_array())
        .map(|a| a.iter().filter_map(|f| f["field"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn procedure_confirmation_and_the_talent_database_over_the_api() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let cand = save_profile(&app, "talent", "110101199003071233", "13812345678").await;
        let (application, item) = in_procedure(&app, "阿拉山口市口岸经济研究中心", cand, "talent", "recruit").await;
        let [unit, coord] = app.logins(["unit", "coord"]).await;
        let path = format!("/api/applications/{application}/procedure");

        let (status, p) = app.get(&path, &unit).await;
        assert_eq!(status, StatusCode::OK, "{l}: {p}");
        assert_eq!(
            (p["mode"].as_str(), p["editable"].as_bool()),
            (Some("recruit"), Some(true)),
            "{l}"
        );

        // Reporting without a procedure is refused, naming the field.
        let (status, body) = act(&app, &unit, item, "submit").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {body}");
        assert!(body.to_string().contains("procedure"), "{l}: {body}");

        // Each contract field is checked.
        let (status, body) = app
            .put(&path, &unit, json!({"term_years": "五", "probation_months": "9"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {body}");
        let fields = error_fields(&body);
        for f in [
            "contract_number",
            "signed_on",
            "start_date",
            "end_date",
            "term_years",
            "probation_months",
        ] {
            assert!(fields.contains(&f.to_string()), "{l}: {f} in {body}");
        }
        let contract = json!({"contract_number": "阿口岸合字2026-009", "signed_on": "2026-11-20",
            "start_date": "2026-12-01", "end_date": "2029-11-30", "term_years": "3", "probation_months": "2"});
        let (status, p) = app.put(&path, &unit, contract).await;
        assert_eq!(status, StatusCode::OK, "{l}: {p}");
        assert_eq!(p["version"].as_i64(), Some(1), "{l}");
        assert_eq!(p["details"]["contract_number"], "阿口岸合字2026-009", "{l}");

        let (status, body) = act(&app, &unit, item, "submit").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        assert_eq!(body["state"], "confirmation", "{l}");
        let (status, body) = act(&app, &coord, item, "approve").await;
        assert_eq!(status, StatusCode::OK, "{l}: {body}");
        assert_eq!(body["state"], "introduced", "{l}");

        // Exactly one talent for this application, with the frozen evaluation.
        let mut tx = app.app.store.begin_read().await.unwrap();
        let n = tx
            .execute_raw_scalar(&format!(
                "select cast(count(*) as text) from talents where application_id = {application}"
            ))
            .await
            .unwrap();
        drop(tx);
        assert_eq!(n, "1", "{l}");
        let (status, list) = app.get("/api/talents?name=talent", &coord).await;
        assert_eq!(status, StatusCode::OK, "{l}: {list}");
        let id = list["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["start_date"] == "2026-12-01")
            .and_then(|r| r["id"].as_i64())
            .unwrap_or_else(|| panic!("{l}: {list}"));
        let (status, t) = app.get(&format!("/api/talents/{id}"), &coord).await;
        assert_eq!(status, StatusCode::OK, "{l}: {t}");
        assert_eq!(t["application_id"].as_i64(), Some(application));
        assert_eq!(t["resolution_number"], "阿人才领字〔2026〕12号", "{l}");
        // A provincial expert (the form's honour): category 2, the lowest number met.
        assert_eq!(t["category"].as_i64(), Some(2), "{l}");
        assert_eq!(t["facts"]["start"], "2026-12-01", "{l}");
        assert_eq!(t["policy_id"], t["report"]["policy"]["id"], "{l}");
        assert_eq!(t["policy_version"], t["report"]["policy"]["version"], "{l}");
        // The frozen report is what the public calculator says for the frozen facts.
        let (status, fresh) = app.post_anonymous("/api/policy/evaluate", t["facts"].clone()).await;
        assert_eq!(status, StatusCode::OK, "{l}: {fresh}");
        assert_eq!(fresh["entitlements"], t["report"]["entitlements"], "{l}");
        assert_eq!(fresh["category"], t["report"]["category"], "{l}");
        assert!(!t["entitlements"].as_array().unwrap().is_empty(), "{l}: {t}");

        // The talent sees their own record; another applicant has none; nobody else's.
        let talent = app.login("talent").await;
        let (status, mine) = app.get("/api/me/talent", &talent).await;
        assert_eq!((status, mine["id"].as_i64()), (StatusCode::OK, Some(id)), "{l}: {mine}");
        let (status, _) = app.get(&format!("/api/talents/{id}"), &talent).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{l}");
        save_new_applicant(&app, "applicant9", "11010519491231002X", "13912345678").await;
        let other = app.login("applicant9").await;
        let (status, _) = app.get("/api/me/talent", &other).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}");

        // The unit and its department see it; finance too (city-wide).
        for who in ["unit", "dept", "finance", "leader", "mayor", "assessor"] {
            let token = app.login(who).await;
            let (status, _) = app.get(&format!("/api/talents/{id}"), &token).await;
            assert_eq!(status, StatusCode::OK, "{l}: {who}");
        }

        // The pages show it, with articles and the chain of steps.
        let b = app.browser("coord").await;
        let (status, html) = b.get(&format!("/talents/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("阿人才领字〔2026〕12号") && html.contains("引进经过"),
            "{l}"
        );
        assert!(html.contains(&format!("/workflow/{item}")), "{l}");
        let (status, html) = b.get("/talents?start_year=2026&mode=recruit").await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains(&format!("/talents/{id}")), "{l}");
        let (status, html) = b.get("/talents?start_year=abcd").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(html.contains("引进年份"), "{l}");
        let tb = app.browser("talent").await;
        let (status, html) = tb.get("/me/talent").await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("我的人才档案"), "{l}");
        app.stop().await;
    }
}

#[tokio::test]
async fn another_unit_gets_404_and_the_forms_keep_what_was_typed() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let cand = save_new_applicant(&app, "applicant3", "11010519491231002X", "13912345678").await;
        // An application of another unit (another department's): the demo unit cannot see it.
        let (foreign, _) = in_procedure(&app, "阿拉山口市文化馆", cand, "applicant3", "transfer").await;
        let unit = app.login("unit").await;
        let path = format!("/api/applications/{foreign}/procedure");
        let (status, _) = app.get(&path, &unit).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}");
        let (status, _) = app.put(&path, &unit, json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}");
        let b = app.browser("unit").await;
        let (status, _) = b.get(&format!("/applications/{foreign}/procedure")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}");

        // The unit's own transfer: the form re-shows what was typed with each error.
        let (own, _) = in_procedure(&app, "阿拉山口市口岸经济研究中心", cand, "applicant3", "transfer").await;
        let form_path = format!("/applications/{own}/procedure");
        let (status, html) = b.get(&form_path).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("调动手续"), "{l}");
        let (status, html) = b
            .submit(
                &form_path,
                &[
                    ("step_name", "hr_approval"),
                    ("step_done_on", "2026-11-01"),
                    ("step_document", ""),
                    ("step_name", "file_transfer"),
                    ("step_done_on", "2026-11-05"),
                    ("step_document", "档转字-77"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(html.contains("档转字-77") && html.contains("2026-11-05"), "{l}: kept");
        assert!(html.contains("到岗报到") && html.contains("文号：必填"), "{l}");
        let (status, location) = b
            .submit(
                &form_path,
                &[
                    ("step_name", "hr_approval"),
                    ("step_done_on", "2026-11-01"),
                    ("step_document", "阿人社调〔2026〕5号"),
                    ("step_name", "report"),
                    ("step_done_on", "2026-11-10"),
                    ("step_document", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{l}: {location}");
        let (_, p) = app.get(&format!("/api/applications/{own}/procedure"), &unit).await;
        assert_eq!(p["details"]["steps"].as_array().map(Vec::len), Some(2), "{l}: {p}");
        app.stop().await;
    }
}

#[tokio::test]
async fn special_cases_over_the_api_and_the_pages() {
    for app in TestApp::on_every_backend().await {
        let l = app.label;
        let cand = save_new_applicant(&app, "applicant4", "11010519491231002X", "13912345678").await;
        let coord = app.login("coord").await;
        let (status, body) = app
            .post(
                "/api/special-cases",
                &coord,
                json!({"candidate_id": cand, "reason": "", "treatment": "", "amount_yuan": -5}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {body}");
        assert_eq!(
            error_fields(&body),
            vec!["reason", "treatment", "amount_yuan"],
            "{l}: {body}"
        );
        let (status, case) = app
            .post(
                "/api/special-cases",
                &coord,
                json!({"candidate_id": cand, "reason": "国家重点实验室骨干，现行政策未涵盖",
                    "treatment": "一次性科研启动经费", "amount_yuan": 300000}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{l}: {case}");
        let id = case["id"].as_i64().unwrap();
        assert_eq!(
            (case["state"].as_str(), case["amount_yuan"].as_i64()),
            (Some("draft"), Some(300_000))
        );
        let unit = app.login("unit").await;
        let (status, _) = app.get(&format!("/api/special-cases/{id}"), &unit).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{l}");
        let (status, case) = app
            .post(
                &format!("/api/special-cases/{id}/submit"),
                &coord,
                json!({"item_version": case["item_version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{l}: {case}");
        assert_eq!(case["state"], "group_decision", "{l}");
        let leader = app.login("leader").await;
        let (status, list) = app.get("/api/special-cases?state=group_decision", &leader).await;
        assert_eq!(
            (status, list["total"].as_i64()),
            (StatusCode::OK, Some(1)),
            "{l}: {list}"
        );

        // The pages: a new case from a candidate, errors keep the text.
        let b = app.browser("coord").await;
        let (status, html) = b.get(&format!("/special-cases/new?candidate={cand}")).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("applicant4的姓名"), "{l}");
        let cand_s = cand.to_string();
        let (status, html) = b
            .submit(
                "/special-cases",
                &[
                    ("candidate_id", &cand_s),
                    ("reason", "短"),
                    ("treatment", "住房补贴加倍"),
                    ("amount_yuan", "1.5万"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            html.contains("住房补贴加倍") && html.contains("1.5万") && html.contains("事由："),
            "{l}"
        );
        let (status, location) = b
            .submit(
                "/special-cases",
                &[
                    ("candidate_id", &cand_s),
                    ("reason", "引进急需的口岸物流专家，政策未涵盖"),
                    ("treatment", "住房补贴加倍"),
                    ("amount_yuan", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{l}");
        let (status, html) = b.get(&location).await;
        assert_eq!(status, StatusCode::OK, "{l}: {location}");
        assert!(
            html.contains("提请领导小组审议") && html.contains("住房补贴加倍"),
            "{l}"
        );
        let (status, html) = b.get("/special-cases").await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("领导小组审议"), "{l}");
        app.stop().await;
    }
}

/// The talent database exports what the list shows under its filters, as a real workbook
/// with dates as dates and the category as a number, and the export is in the audit trail.
#[tokio::test]
async fn the_talent_database_exports_its_filtered_list_with_typed_cells_and_an_audit_record() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let exports = || async {
            let mut tx = app.app.store.begin_read().await.unwrap();
            let n = tx
                .execute_raw_scalar("select cast(count(*) as text) from audit_log where action = 'talents_exported'")
                .await
                .unwrap();
            n.parse::<i64>().unwrap()
        };
        let before = exports().await;
        let coord = app.browser("coord").await;
        let (_, list) = coord.get("/talents?name=高峰").await;
        assert!(
            list.contains("href=\"/talents/export.xlsx?"),
            "{label}: the list offers the export"
        );
        let resp = coord
            .http
            .get(app.url("/talents/export.xlsx?name=高峰"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{label}");
        let bytes = resp.bytes().await.unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real .xlsx");
        let range = book.worksheet_range("人才库").unwrap();
        let rows: Vec<_> = range.rows().collect();
        assert_eq!(
            rows.len(),
            2,
            "{label}: the heading and the one talent the filter names"
        );
        assert_eq!(rows[1][0], Data::String("高峰".into()), "{label}");
        assert!(
            matches!(rows[1][3], Data::Float(_) | Data::Int(_)),
            "{label}: category {:?}",
            rows[1][3]
        );
        assert!(
            matches!(rows[1][4], Data::DateTime(_)),
            "{label}: start date {:?}",
            rows[1][4]
        );
        assert_eq!(exports().await, before + 1, "{label}: the export is audited");
        // Whoever may not read the talent database may not export it.
        let (status, _) = app.browser("talent").await.get("/talents/export.xlsx").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        app.stop().await;
    }
}
