//! 因故解除 over HTTP (Art. 27, ADR 0010), on every backend: the coordination office drafts
//! the proposal on a page (what was typed is kept on a refusal), submits it; the leading
//! group decides it only in a meeting; the approval cancels the benefits and opens the
//! recovery; the unit's 弄虚作假 shows on the organisation's page. A unit cannot draft, a
//! leader cannot approve outside a meeting, and the old direct route is gone.

use crate::common;

use common::{SeedTalent, TestApp, doctor_facts};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_ending_goes_from_the_offices_draft_through_a_meeting_to_the_recovery() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let [coord, unit, leader] = app.logins(["coord", "unit", "leader"]).await;
        let t = app
            .seed_talent(SeedTalent {
                name: "吴刚",
                title: "vice_senior",
                facts: Some(doctor_facts("吴刚")),
                ..Default::default()
            })
            .await;
        let scheduled = app.seed_installments(t, 2_400_000, &["2027-03-01"]).await[0];
        let status_of = async |id: i64| {
            let mut tx = app.app.store.begin_read().await.unwrap();
            tx.installment(id).await.unwrap().unwrap().status.code().to_owned()
        };

        // The old direct route is gone, on the API and the pages.
        let old = json!({"ended_on": "2026-06-30", "reason": "学术不端", "document": "阿人才组〔2026〕9号"});
        let (s, _) = app.post(&format!("/api/talents/{t}/end"), &coord, old).await;
        assert!(matches!(s.as_u16(), 404 | 405), "{label}: {s}");
        let b = app.browser("coord").await;
        let (s, _) = b
            .submit(&format!("/talents/{t}/end"), &[("ended_on", "2026-06-30")])
            .await;
        assert!(matches!(s.as_u16(), 404 | 405), "{label}: {s}");
        assert_eq!(status_of(scheduled).await, "scheduled", "{label}");

        // A unit cannot draft an ending: not on the API, not on the page.
        let body = json!({"cause": "unit_fraud", "ended_on": "2026-06-30", "reason": "伪造考核材料，经核实",
            "basis": "市协调办核实报告", "responsible": "李某（主任）"});
        let (s, _) = app
            .post(&format!("/api/talents/{t}/endings"), &unit, body.clone())
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}");
        let ub = app.browser("unit").await;
        let (s, _) = ub.get(&format!("/talents/{t}/endings/new")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}");

        // The office's form: a refusal names the fields and keeps what was typed.
        let (s, html) = b.get(&format!("/talents/{t}/endings/new")).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(
            html.contains("用人单位弄虚作假") && html.contains("核实依据"),
            "{label}"
        );
        let form = [
            ("cause", "unit_fraud"),
            ("ended_on", "2026-06-30"),
            ("reason", "单位伪造该人才的年度考核材料，经市协调办核实"),
            ("basis", "保留我的依据"),
            ("responsible", ""),
        ];
        let (s, html) = b.submit(&format!("/talents/{t}/endings"), &form).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(
            html.contains("责任人：用人单位弄虚作假须写明单位领导和有关责任人") && html.contains("保留我的依据"),
            "{label}: typed text kept, field named"
        );
        let mut form = form;
        form[4] = ("responsible", "李某（主任）、周某（人事科科长）");
        let (s, location) = b.submit(&format!("/talents/{t}/endings"), &form).await;
        assert!(s.is_redirection(), "{label}: {s} {location}");
        let (_, list) = app.get(&format!("/api/talents/{t}/endings"), &coord).await;
        let e = list[0]["id"].as_i64().unwrap_or_else(|| panic!("{label}: {list}"));
        assert_eq!(list[0]["state"], "draft", "{label}: {list}");
        let (s, html) = b.get(&format!("/endings/{e}")).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(
            html.contains("协调办核实拟议") && html.contains("修改解除议案"),
            "{label}"
        );
        assert_eq!(status_of(scheduled).await, "scheduled", "{label}: a draft ends nothing");

        // Submitted; a leader cannot approve outside a meeting (API or page).
        let (_, one) = app.get(&format!("/api/endings/{e}"), &coord).await;
        let one = app
            .post_ok(
                &format!("/api/endings/{e}/submit"),
                &coord,
                json!({"item_version": one["item_version"]}),
            )
            .await;
        assert_eq!(one["state"], "group_decision", "{label}: {one}");
        let item = one["item_id"].as_i64().unwrap();
        let (_, w) = app.get(&format!("/api/workflow/{item}"), &leader).await;
        let act = json!({"action": "approve", "version": w["version"], "resolution_number": "阿人才领字〔2026〕99号"});
        let (s, body) = app.post(&format!("/api/workflow/{item}/act"), &leader, act).await;
        // Refused before anything moves: the decision belongs to a meeting (422 or 403).
        assert!(matches!(s.as_u16(), 403 | 422), "{label}: {s} {body}");
        assert!(body.to_string().contains("会议"), "{label}: {body}");
        let lb = app.browser("leader").await;
        let version = w["version"].to_string();
        let (s, _) = lb
            .submit(
                &format!("/workflow/{item}/act"),
                &[("action", "approve"), ("version", &version)],
            )
            .await;
        assert!(!s.is_redirection() && !s.is_success(), "{label}: {s}");
        assert_eq!(status_of(scheduled).await, "scheduled", "{label}");

        // The meeting approves: benefits cancelled, recovery opened, the unit recorded.
        app.approve_in_meeting(item, &format!("{label}-2026年第31次"), "阿人才领字〔2026〕31号")
            .await;
        let (_, one) = app.get(&format!("/api/endings/{e}"), &coord).await;
        assert_eq!(one["state"], "approved", "{label}: {one}");
        assert_eq!(one["resolution_number"], "阿人才领字〔2026〕31号", "{label}: {one}");
        let rid = one["recovery_id"].as_i64().unwrap_or_else(|| panic!("{label}: {one}"));
        assert_eq!(status_of(scheduled).await, "cancelled", "{label}");
        let (s, r) = app.get(&format!("/api/recoveries/{rid}"), &coord).await;
        assert_eq!(s, StatusCode::OK, "{label}: {r}");
        assert_eq!(r["recovery"]["document"], "阿人才领字〔2026〕31号", "{label}: {r}");
        let (_, html) = b.get(&format!("/endings/{e}")).await;
        assert!(
            html.contains("已批准解除") && html.contains(&format!("/recoveries/{rid}")),
            "{label}"
        );
        let (_, html) = b.get(&format!("/talents/{t}/evaluations")).await;
        assert!(
            html.contains(&format!("/endings/{e}")) && !html.contains("propose-ending"),
            "{label}"
        );
        let org = app.talent_row(t).await.org_id;
        let (_, html) = b.get(&format!("/orgs/{org}")).await;
        assert!(
            html.contains("弄虚作假记录")
                && html.contains("周某（人事科科长）")
                && html.contains("阿人才领字〔2026〕31号"),
            "{label}"
        );
        let (_, html) = app.browser("sysadmin").await.get(&format!("/orgs/{org}")).await;
        assert!(!html.contains("弄虚作假记录"), "{label}: not for administrators");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_ending_endpoints_are_documented_and_the_direct_one_is_not() {
    let app = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let (_, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    for path in [
        "/api/talents/{id}/endings",
        "/api/endings/{id}",
        "/api/endings/{id}/submit",
    ] {
        assert_eq!(
            doc["paths"][path]
                .as_object()
                .and_then(|p| p.values().next())
                .map(|o| o["tags"][0].clone()),
            Some(json!("endings")),
            "{path}"
        );
    }
    assert!(doc["paths"]["/api/talents/{id}/end"].is_null());
    app.stop().await;
}
