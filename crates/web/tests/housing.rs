//! Housing (Art. 14) over HTTP, on every backend: the coordination office registers units,
//! allocates one to a talent by the tier's area (smaller refused with the figures, larger
//! noted), sees the gift date and cannot gift before it, takes the unit back on early exit
//! in the browser (what was typed is kept on an error); two concurrent allocations of one
//! unit: exactly one; other roles are refused; the API is documented under the tag "housing".

use crate::common;

use common::{SeedTalent, TestApp, doctor_facts};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A doctor of the demo unit recruited on 2024-03-01 (Art. 14(3): 120 m², gift after 5
/// years), with the frozen report; returns the talent's id.
async fn talent(app: &TestApp, name: &str) -> i64 {
    app.seed_talent(SeedTalent {
        name,
        title: "vice_senior",
        facts: Some(doctor_facts(name)),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn register_allocate_by_area_and_return_over_http() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let [coord, unit] = app.logins(["coord", "unit"]).await;
        let zhang = talent(&app, "张明").await;
        let li = talent(&app, "李华").await;

        let add = |address: &str, area: &str| json!({"address": address, "area": area});
        let (status, small) = app
            .post("/api/housing/units", &coord, add("人才公寓A栋101", "100"))
            .await;
        assert_eq!(status, StatusCode::OK, "{label}: {small}");
        assert_eq!(small["area_centi_m2"], 10_000, "{label}");
        let (_, large) = app
            .post("/api/housing/units", &coord, add("人才公寓A栋102", "130.25"))
            .await;
        assert_eq!(large["area"], "130.25", "{label}");
        let (status, dup) = app
            .post("/api/housing/units", &coord, add("人才公寓A栋101", "90"))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: {dup}");
        let (status, _) = app.post("/api/housing/units", &unit, add("人才公寓A栋103", "90")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");

        // smaller than the tier's 120 m²: refused with the figures
        let alloc =
            |u: &serde_json::Value, t: i64| json!({"unit_id": u["id"], "talent_id": t, "start_date": "2024-03-01"});
        let (status, err) = app.post("/api/housing/allocations", &coord, alloc(&small, zhang)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains("100 平方米") && msg.contains("120 平方米"),
            "{label}: {msg}"
        );

        // two concurrent allocations of the larger unit: exactly one
        let (a, b) = tokio::join!(
            app.post("/api/housing/allocations", &coord, alloc(&large, zhang)),
            app.post("/api/housing/allocations", &coord, alloc(&large, li)),
        );
        let mut statuses = [a.0.as_u16(), b.0.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{label}: {} {}", a.1, b.1);
        let won = if a.0 == StatusCode::OK { a.1 } else { b.1 };
        assert_eq!(won["gift_date"], "2029-03-01", "{label}");
        assert_eq!(won["entitled_area_m2"], 120, "{label}");
        assert!(won["note"].as_str().unwrap().contains("超出"), "{label}: {won}");
        assert_eq!(won["can_gift"], false, "{label}");
        let id = won["id"].as_i64().unwrap();
        let holder = won["talent_id"].as_i64().unwrap();

        // no gift before the gift date
        let (status, err) = app
            .post(
                &format!("/api/housing/allocations/{id}/gift"),
                &coord,
                json!({"version": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {err}");
        assert!(err.to_string().contains("2029-03-01"), "{label}: {err}");

        // the unit's own staff see their talent's housing, not the register
        let (status, mine) = app.get(&format!("/api/housing/talents/{holder}"), &unit).await;
        assert_eq!(status, StatusCode::OK, "{label}: {mine}");
        assert_eq!(mine["entitlement"]["area_m2"], 120, "{label}");
        assert_eq!(mine["allocations"].as_array().unwrap().len(), 1, "{label}");
        assert_eq!(app.get("/api/housing", &unit).await.0, StatusCode::FORBIDDEN, "{label}");

        // the pages: the register, the talent's housing, the return form keeps what was typed
        let browser = app.browser("coord").await;
        let (status, page) = browser.get("/housing").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(
            page.contains("人才公寓A栋102") && page.contains("2029-03-01"),
            "{label}"
        );
        let (status, page) = browser.get(&format!("/housing/talents/{holder}")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("120 平方米"), "{label}");
        let path = format!("/housing/allocations/{id}/return");
        let csrf = browser.csrf.clone();
        let (status, page) = browser
            .post_form(
                &path,
                &[
                    ("_csrf", &csrf),
                    ("version", "1"),
                    ("date", "2026-06-30"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(page.contains("退回原因") && page.contains("2026-06-30"), "{label}");
        let (status, to) = browser
            .post_form(
                &path,
                &[
                    ("_csrf", &csrf),
                    ("version", "1"),
                    ("date", "2026-06-30"),
                    ("reason", "提前解除聘用合同"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}: {to}");
        let (_, all) = app.get("/api/housing", &coord).await;
        let unit_row = all["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == large["id"])
            .unwrap()
            .clone();
        assert_eq!(unit_row["status"], "free", "{label}: {unit_row}");
        let closed = all["allocations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone();
        assert_eq!(closed["status"], "returned", "{label}");
        assert_eq!(closed["end_reason"], "提前解除聘用合同", "{label}");

        // documented under the tag "housing"
        let (_, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
        assert_eq!(
            doc["paths"]["/api/housing/allocations"]["post"]["tags"][0], "housing",
            "{label}"
        );
        app.stop().await;
    }
}
