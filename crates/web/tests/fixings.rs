//! 待遇额度核定 over HTTP, on every backend: the talent page offers the range entitlement,
//! the coordination office proposes an amount in the browser (an amount out of range is
//! refused with the range and everything typed is kept), edits it, and the leading group
//! fixes it in a meeting through the API; the fixed amount is an installment on the due list.

use crate::common;

use common::{SeedTalent, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use yincai_policy::facts::{Degree, Employer, Facts, Mode, Person, Title};

/// Category 3 with a verified project: 项目启动资金 30-100 万元 (Art. 14(2)).
fn facts() -> Facts {
    Facts {
        name: Some("阿依古丽".into()),
        policy: None,
        as_of: "2026-11-24".parse().unwrap(),
        person: Person {
            degree: Degree::Bachelor,
            full_time: true,
            title: Title::None,
            leading_technology: true,
            ..Person::default()
        },
        employer: Employer::CityUnit,
        mode: Mode::Special,
        start: "2024-03-01".parse().unwrap(),
        end: None,
        ended_for_cause: false,
        assessments: Vec::new(),
        service_months: Vec::new(),
        project_verified: true,
        project_benefit_significant: false,
    }
}

#[tokio::test]
async fn propose_in_the_browser_and_fix_in_a_meeting_over_the_api() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let talent = app
            .seed_talent(SeedTalent {
                name: "阿依古丽",
                facts: Some(facts()),
                ..Default::default()
            })
            .await;
        let b = app.browser("coord").await;

        // The talent page offers the entitlement with its article and range.
        let (s, page) = b.get(&format!("/talents/{talent}")).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(page.contains("须领导小组核定额度的待遇"), "{label}");
        assert!(page.contains("第十四条第㈡项"), "{label}");
        assert!(page.contains("300,000.00 至 1,000,000.00 元"), "{label}");
        assert!(page.contains(&format!("/talents/{talent}/fixings/new?benefit_code=startup_fund")));
        let (s, form) = b
            .get(&format!("/talents/{talent}/fixings/new?benefit_code=startup_fund"))
            .await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(form.contains(r#"<option value="startup_fund" selected>"#), "{label}");

        // Out of range: 422, the range named, nothing typed lost.
        let (s, page) = b
            .submit(
                &format!("/talents/{talent}/fixings"),
                &[
                    ("benefit_code", "startup_fund"),
                    ("amount", "1,200,000"),
                    ("project", "口岸智能查验设备产业化"),
                    ("reason", "经科技局论证，项目总投资 1200 万元"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(
            page.contains("不在政策规定的 300,000.00 至 1,000,000.00 元 之内"),
            "{label}"
        );
        assert!(page.contains(r#"value="1,200,000""#), "{label}");
        assert!(page.contains("口岸智能查验设备产业化"), "{label}");
        assert!(page.contains("经科技局论证，项目总投资 1200 万元"), "{label}");

        let (s, location) = b
            .submit(
                &format!("/talents/{talent}/fixings"),
                &[
                    ("benefit_code", "startup_fund"),
                    ("amount", "800,000"),
                    ("project", "口岸智能查验设备产业化"),
                    ("reason", "经科技局论证，项目总投资 1200 万元"),
                ],
            )
            .await;
        assert!(s.is_redirection(), "{label}: {s}");
        assert!(location.ends_with("?ok=created"), "{label}: {location}");
        let id: i64 = location
            .trim_start_matches("/fixings/")
            .trim_end_matches("?ok=created")
            .parse()
            .unwrap();
        let (s, page) = b.get(&location).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(page.contains("协调办拟定额度"), "{label}");
        assert!(page.contains("800,000.00 元"), "{label}");
        assert!(
            page.contains("提请领导小组审定"),
            "{label}: the workflow block offers the submission"
        );

        // An edit in the browser.
        let (_, f) = app.get(&format!("/api/fixings/{id}"), &app.login("coord").await).await;
        let version = f["version"].as_i64().unwrap().to_string();
        let (s, location) = b
            .submit(
                &format!("/fixings/{id}"),
                &[
                    ("version", &version),
                    ("amount", "900000"),
                    ("project", "口岸智能查验设备产业化"),
                    ("reason", "经科技局论证，项目总投资 1500 万元"),
                ],
            )
            .await;
        assert!(s.is_redirection(), "{label}: {s} {location}");

        // Over the API: the talent's fixings, submission, the meeting's decision.
        let coord = app.login("coord").await;
        let (s, tf) = app.get(&format!("/api/talents/{talent}/fixings"), &coord).await;
        assert_eq!(s, StatusCode::OK, "{label}: {tf}");
        assert_eq!(tf["fixable"][0]["current_fixing_id"], id, "{label}: {tf}");
        assert_eq!(tf["fixings"][0]["amount_fen"], 90_000_000, "{label}: {tf}");
        let (s, again) = app
            .post(&format!("/api/talents/{talent}/fixings"), &coord, json!({"benefit_code": "startup_fund", "amount": "500000", "project": "另一项目", "reason": "另一个理由"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {again}");
        let (_, one) = app.get(&format!("/api/fixings/{id}"), &coord).await;
        let (s, f) = app
            .post(
                &format!("/api/fixings/{id}/submit"),
                &coord,
                json!({"item_version": one["item_version"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {f}");
        assert_eq!(f["state"], "group_decision", "{label}: {f}");
        let item = f["item_id"].as_i64().unwrap();
        app.approve_in_meeting(item, &format!("{label}-2026年第20次"), "阿人才领字〔2026〕20号")
            .await;
        let (_, f) = app.get(&format!("/api/fixings/{id}"), &coord).await;
        assert_eq!(f["state"], "approved", "{label}: {f}");
        assert_eq!(f["resolution_number"], "阿人才领字〔2026〕20号", "{label}: {f}");
        let installment = f["installment_id"].as_i64().expect("scheduled");
        let (s, i) = app.get(&format!("/api/fund/installments/{installment}"), &coord).await;
        assert_eq!(s, StatusCode::OK, "{label}: {i}");
        assert_eq!(i["amount_fen"], 90_000_000, "{label}: {i}");
        let (_, page) = b.get(&format!("/fixings/{id}")).await;
        assert!(
            page.contains("已核定") && page.contains("阿人才领字〔2026〕20号"),
            "{label}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_fixing_endpoints_are_documented() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let (_, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    for path in [
        "/api/talents/{id}/fixings",
        "/api/fixings/{id}",
        "/api/fixings/{id}/submit",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
    app.stop().await;
}
