//! Re-evaluation and Art. 27 recovery over HTTP, on every backend: the coordination office
//! records a change of facts (a new evaluation, the frozen one unchanged, the difference
//! shown); the leading group's approval of an ending for cause (future installments
//! cancelled, the recovery computed by the policy's named reading); finance records
//! repayments, never more than is owed. The proposal itself: `endings.rs`.

use crate::common;

use common::{SeedTalent, TestApp, doctor_facts};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A doctor of the demo unit introduced on 2024-03-01 with the frozen report, one paid
/// installment of ¥24,000 (2025) and one scheduled (2027); returns (talent, scheduled id).
async fn talent(app: &TestApp, name: &str) -> (i64, i64) {
    let talent = app
        .seed_talent(SeedTalent {
            name,
            title: "vice_senior",
            facts: Some(doctor_facts(name)),
            ..Default::default()
        })
        .await;
    let ids = app
        .seed_installments(talent, 2_400_000, &["2025-03-01", "2027-03-01"])
        .await;
    let mut tx = app.app.store.begin_write().await.unwrap();
    tx.execute_raw(&format!(
        "update installments set status = 'paid' where id = {}",
        ids[0]
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (talent, ids[1])
}

#[tokio::test]
async fn reevaluation_ending_for_cause_and_repayment_over_http() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let [coord, finance, unit] = app.logins(["coord", "finance", "unit"]).await;
        let (t, scheduled) = talent(&app, "周雪").await;
        let frozen = app.talent_row(t).await;

        // A change of facts: a new evaluation, the frozen one unchanged.
        let path = format!("/api/talents/{t}/evaluations");
        let (s, _) = app.post(&path, &unit, json!({"title": "senior", "reason": "x"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}");
        let (s, body) = app
            .post(&path, &coord, json!({"end": "2025-06-30", "reason": "合同提前终止"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {body}");
        let evals = body["evaluations"].as_array().unwrap();
        assert_eq!(evals.len(), 2, "{label}");
        assert!(!evals[1]["diff"].as_array().unwrap().is_empty(), "{label}: {body}");
        let (s, body) = app
            .post(&path, &coord, json!({"title": "professor", "reason": "x"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        let after = app.talent_row(t).await;
        assert_eq!((frozen.facts, frozen.report), (after.facts, after.report), "{label}");

        // The page shows the frozen evaluation and the difference.
        let b = app.browser("coord").await;
        let (s, html) = b.get(&format!("/talents/{t}/evaluations")).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(html.contains("冻结评估") && html.contains("第 1 次重新评估"), "{label}");
        let (s, html) = b
            .submit(
                &format!("/talents/{t}/evaluations"),
                &[("end", "2025-13-01"), ("reason", "保留我")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(
            html.contains("结束日期") && html.contains("保留我"),
            "{label}: typed text kept"
        );

        // Ending for cause: proposed by the office, approved by the leading group in a meeting.
        let ending = app
            .post_ok(
                &format!("/api/talents/{t}/endings"),
                &coord,
                json!({"cause": "breach", "ended_on": "2025-06-30", "reason": "学术不端，经市协调办核实",
                    "basis": "市协调办核实报告"}),
            )
            .await;
        let e = ending["id"].as_i64().unwrap();
        let ending = app
            .post_ok(
                &format!("/api/endings/{e}/submit"),
                &coord,
                json!({"item_version": ending["item_version"]}),
            )
            .await;
        let item = ending["item_id"].as_i64().unwrap();
        app.approve_in_meeting(item, &format!("{label}-2026年第30次"), "阿人才组〔2026〕9号")
            .await;
        let (_, ending) = app.get(&format!("/api/endings/{e}"), &coord).await;
        let rid = ending["recovery_id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{label}: {ending}"));
        let (s, body) = app.get(&format!("/api/recoveries/{rid}"), &coord).await;
        assert_eq!(s, StatusCode::OK, "{label}: {body}");
        let body = body["recovery"].clone();
        assert_eq!(body["document"], "阿人才组〔2026〕9号", "{label}");
        assert_eq!(body["interpretation_id"], "cancellation (cancel_all)", "{label}");
        assert_eq!(body["amount_fen"], 2_400_000, "{label}");
        // Cancelled: the year-2 subsidy (pro-rated to the earlier end of service, 2025-06-30)
        // and the 安家费 still awaiting its assessment.
        assert_eq!(body["cancelled_count"], 2, "{label}");
        let id = body["id"].as_i64().unwrap();
        // The talent database shows the relation's end, in the list and on the record.
        let (_, list) = app.get("/api/talents?limit=200", &coord).await;
        let row = list["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == t)
            .cloned()
            .unwrap();
        assert_eq!(row["end_date"], "2025-06-30", "{label}: {row}");
        let status = app
            .app
            .store
            .begin_read()
            .await
            .unwrap()
            .installment(scheduled)
            .await
            .unwrap()
            .unwrap()
            .status;
        assert_eq!(status.code(), "cancelled", "{label}");

        // Repayments: never more than owed.
        let rp = format!("/api/recoveries/{id}/repayments");
        let (s, body) = app
            .post(
                &rp,
                &finance,
                json!({"paid_on": "2026-11-20", "amount": "24000.01", "version": 1}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        let fb = app.browser("finance").await;
        let (s, html) = fb
            .submit(
                &format!("/recoveries/{id}/repayments"),
                &[("paid_on", "2026-11-20"), ("amount", "30000"), ("version", "1")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(html.contains("超过尚欠") && html.contains("30000"), "{label}");
        let (s, _) = fb
            .submit(
                &format!("/recoveries/{id}/repayments"),
                &[("paid_on", "2026-11-20"), ("amount", "4000"), ("version", "1")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{label}");
        let (s, body) = app
            .post(
                &rp,
                &finance,
                json!({"paid_on": "2026-11-21", "amount": "20000", "version": 2}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{label}: {body}");
        assert_eq!(body["recovery"]["status"], "settled", "{label}");
        assert_eq!(body["repayments"].as_array().unwrap().len(), 2, "{label}");
        let (s, body) = app.get("/api/recoveries?status=settled", &coord).await;
        assert_eq!((s, body["total"].as_i64()), (StatusCode::OK, Some(1)), "{label}");
        let (s, html) = fb.get(&format!("/recoveries/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert!(html.contains("已结清") && html.contains("cancellation"), "{label}");
        let (s, html) = fb.get("/recoveries").await;
        assert!(s == StatusCode::OK && html.contains("周雪"), "{label}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_recovery_endpoints_are_documented() {
    let t = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let (_, doc) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    for (path, method) in [
        ("/api/talents/{id}/evaluations", "get"),
        ("/api/talents/{id}/evaluations", "post"),
        ("/api/recoveries", "get"),
        ("/api/recoveries/{id}", "get"),
        ("/api/recoveries/{id}/repayments", "post"),
    ] {
        assert_eq!(doc["paths"][path][method]["tags"][0], "recovery", "{method} {path}");
    }
    assert!(doc["components"]["schemas"]["Recovery"]["properties"]["interpretation_id"].is_object());
    t.stop().await;
}
