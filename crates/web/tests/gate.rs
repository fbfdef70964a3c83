//! The release gate over HTTP, on every backend: the unit records an assessment, the
//! coordination office files it and starts the release from the due list, the leading group
//! approves it in a meeting (the money is committed), the coordination office issues the
//! certificate (printable on A4), finance pays; the talent's own view.

use crate::common;

use common::{SeedTalent, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// A talent of the demo unit (a doctor with research results, category 4, in service since
/// 2018-01-01) with the engine's own living subsidy (13(2): 24,000 元 a year) for service
/// years 1..=n, due on each year's last day, nothing assessed; returns the talent's and the
/// installments' ids.
async fn installments(app: &TestApp, name: &str, n: i64) -> (i64, Vec<i64>) {
    let facts = yincai_policy::facts::Facts {
        start: "2018-01-01".parse().unwrap(),
        assessments: Vec::new(),
        ..common::doctor_facts(name)
    };
    let talent = app
        .seed_talent(SeedTalent {
            name,
            start_date: "2018-01-01",
            facts: Some(facts),
            ..Default::default()
        })
        .await;
    let due_on: Vec<String> = (1..=n).map(|year| format!("{}-01-01", 2018 + year)).collect();
    let ids = app.seed_installments(talent, 2_400_000, &due_on).await;
    // As at an introduction: the engine's verdicts, and the rest of the talent's money.
    let ctx = yincai_app::RequestCtx {
        request_id: "test".into(),
    };
    app.app.schedule_installments_for(talent, &ctx).await.unwrap();
    (talent, ids)
}

#[tokio::test]
async fn assessment_meeting_certificate_payment_over_http() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let [unit, coord, finance] = app.logins(["unit", "coord", "finance"]).await;
        let (s, b) = app
            .post("/api/fund/budgets", &finance, json!({"year": 2019, "amount": "36,000"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {b}");
        let (talent, ids) = installments(&app, "周关口", 2).await;

        // Not assessed: refused, naming the field.
        let (s, b) = app
            .post("/api/benefits/releases", &coord, json!({"installment_ids": [ids[0]]}))
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {b}");
        assert!(b[0]["error"].as_str().unwrap().starts_with("考核："), "{label}: {b}");
        assert!(b[0]["item_id"].is_null(), "{label}");

        // The unit records, the coordination office files.
        let (s, a) = app
            .post(
                "/api/benefits/assessments",
                &unit,
                json!({"talent_id": talent, "service_year": 1, "result": "passed",
                            "document_number": "口岸考〔2019〕1号", "document_date": "2019-01-10"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {a}");
        assert_eq!(a["status"], "recorded");
        let (s, b) = app
            .post("/api/benefits/assessments", &unit, json!({"talent_id": talent, "service_year": 1, "result": "passed", "document_number": "x", "document_date": "2019-01-10"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {b}");
        assert_eq!(b["errors"][0]["field"], "service_year", "{label}: {b}");
        let (s, f) = app
            .post(
                &format!("/api/benefits/assessments/{}/file", a["id"]),
                &coord,
                json!({"version": a["version"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {f}");
        assert!(f["installments_set"].as_u64().unwrap() >= 1, "{label}: {f}");

        // The due list shows the gate; the coordination office starts the release.
        let (s, due) = app.get("/api/benefits/due?offset=0", &coord).await;
        assert_eq!(s, StatusCode::OK, "{label}: {due}");
        let row = due["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["installment"]["id"] == ids[0])
            .unwrap()
            .clone();
        assert_eq!(row["startable"], true, "{label}: {row}");
        assert_eq!(row["installment"]["engine_status"], "due");
        let (s, b) = app
            .post(
                "/api/benefits/releases",
                &coord,
                json!({"installment_ids": [ids[0], ids[1]]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {b}");
        let item = b[0]["item_id"].as_i64().unwrap();
        assert!(b[1]["error"].is_string(), "{label}: {b}");

        // The leading group approves in a meeting: the money is committed.
        app.approve_in_meeting(item, &format!("{label}-2019年第1次"), "阿人才领字〔2019〕1号")
            .await;
        let (_, fund) = app.get("/api/fund?year=2019", &finance).await;
        let y = fund["years"]
            .as_array()
            .unwrap()
            .iter()
            .find(|y| y["year"] == 2019)
            .unwrap()
            .clone();
        assert_eq!(
            (y["committed_fen"].as_i64(), y["available_fen"].as_i64()),
            (Some(2_400_000), Some(1_200_000)),
            "{label}: {y}"
        );

        // The certificate.
        let (_, w) = app.get(&format!("/api/workflow/{item}"), &coord).await;
        assert_eq!(w["state"], "approved", "{label}: {w}");
        let (s, b) = app
            .post(
                &format!("/api/workflow/{item}/act"),
                &coord,
                json!({"action": "submit", "version": w["version"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {b}");
        let (s, c) = app
            .get(&format!("/api/benefits/installments/{}/certificate", ids[0]), &coord)
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {c}");
        let number = c["number"].as_str().unwrap().to_string();
        assert!(
            number.starts_with("阿人才证〔") && number.ends_with("号"),
            "{label}: {number}"
        );
        assert_eq!(c["amount_text"], "人民币 24,000.00 元（大写：贰万肆仟元整）");
        assert_eq!(c["article_zh"], "第十三条第㈡项");
        let browser = app.browser("coord").await;
        let (s, html) = browser.get(&format!("/installments/{}/certificate", ids[0])).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        for want in [
            "size: A4",
            "@media print",
            "证明",
            number.as_str(),
            "周关口",
            "人民币 24,000.00 元",
            "阿人才领字〔2019〕1号",
            "第十三条第㈡项",
        ] {
            assert!(html.contains(want), "{label}: certificate lacks {want}");
        }
        let (s, html) = browser.get("/benefits/due").await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(html.contains("周关口") && html.contains(&number), "{label}");
        let (s, html) = browser.get("/assessments").await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(html.contains("口岸考〔2019〕1号"), "{label}");

        // Finance pays.
        let (s, r) = app
            .post(&format!("/api/fund/installments/{}/pay", ids[0]), &finance, json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {r}");
        let (_, i) = app.get(&format!("/api/fund/installments/{}", ids[0]), &finance).await;
        assert_eq!(i["status"], "paid", "{label}");

        // The talent's own view answers (the demo talent).
        let (s, me) = app.get("/api/me/benefits", &app.login("talent").await).await;
        assert_eq!(s, StatusCode::OK, "{label}: {me}");
        let talent_browser = app.browser("talent").await;
        let (s, html) = talent_browser.get("/me/benefits").await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(html.contains("我的待遇"), "{label}");
        app.stop().await;
    }
}
