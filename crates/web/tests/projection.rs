//! The fund projection over HTTP, on every backend: the API's figures for a unit of our own
//! (exact to the fen, arrears in the first year, paid and cancelled left out, the survival
//! applied), totals that add up, budgets carried forward as an assumption, the page with its
//! tables and chart data, the Excel export, and errors that name the field.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;
use yincai_store::test_support::{new_candidate, new_talent, new_user};
use yincai_store::{NewOrg, NewTalent, Tx};

struct Seeded {
    unit_id: i64,
    unit_name: String,
    start: i32,
}

async fn talent(tx: &mut Tx, org_id: i64, name: &str) -> i64 {
    let user_id = tx
        .insert_user(&new_user(&format!("proj-{name}"), name, org_id), 1)
        .await
        .unwrap();
    let candidate_id = tx.insert_candidate(user_id, &new_candidate(name), 1).await.unwrap();
    let t = NewTalent {
        employer: "enterprise".into(),
        category: Some(3),
        policy_version: "1".into(),
        ..new_talent(candidate_id, org_id, name)
    };
    tx.insert_talent(&t, 1).await.unwrap()
}

#[allow(clippy::too_many_arguments)]
async fn installment(tx: &mut Tx, talent: i64, org: i64, code: &str, seq: i64, due: String, fen: i64, status: &str) {
    let (name, article) = match code {
        "living_subsidy" => ("生活补贴", "第十三条第二项"),
        "settlement_allowance" => ("安家费", "第十四条"),
        _ => ("特聘服务补贴", "第十四条第一项"),
    };
    tx.execute_raw(&format!(
        "insert into installments (talent_id, org_id, benefit_code, benefit_name, article, seq, service_year,
             due_on, amount_fen, status, created_at, updated_at)
         values ({talent}, {org}, '{code}', '{name}', '{article}', {seq}, {seq}, '{due}', {fen}, '{status}', 1, 1)"
    ))
    .await
    .unwrap();
}

/// A unit of our own with two talents and installments in every state.
async fn seed(app: &TestApp) -> Seeded {
    let start = i32::from(app.app.today().year());
    let unit_name = "预测测试研究院".to_string();
    let mut tx = app.app.store.begin_write().await.unwrap();
    let org = NewOrg {
        name: unit_name.clone(),
        kind: "enterprise".into(),
        credit_code: None,
        parent_id: None,
    };
    let unit_id = tx.insert_org(&org, 1).await.unwrap();
    let a = talent(&mut tx, unit_id, "预测甲").await;
    let b = talent(&mut tx, unit_id, "预测乙").await;
    let d = |y: i32| format!("{y}-03-01");
    installment(
        &mut tx,
        a,
        unit_id,
        "living_subsidy",
        1,
        d(start - 2),
        2_400_000,
        "paid",
    )
    .await;
    installment(
        &mut tx,
        a,
        unit_id,
        "living_subsidy",
        2,
        d(start - 1),
        1_200_000,
        "scheduled",
    )
    .await;
    installment(
        &mut tx,
        a,
        unit_id,
        "living_subsidy",
        3,
        d(start),
        2_400_000,
        "certified",
    )
    .await;
    installment(
        &mut tx,
        a,
        unit_id,
        "living_subsidy",
        4,
        d(start + 1),
        2_400_000,
        "approved",
    )
    .await;
    installment(
        &mut tx,
        a,
        unit_id,
        "living_subsidy",
        5,
        d(start + 2),
        2_400_000,
        "scheduled",
    )
    .await;
    installment(
        &mut tx,
        a,
        unit_id,
        "living_subsidy",
        6,
        d(start + 3),
        2_400_000,
        "cancelled",
    )
    .await;
    installment(
        &mut tx,
        a,
        unit_id,
        "settlement_allowance",
        1,
        d(start + 1),
        10_000_000,
        "scheduled",
    )
    .await;
    installment(
        &mut tx,
        a,
        unit_id,
        "special_service_subsidy",
        1,
        d(start + 12),
        10_000_000,
        "scheduled",
    )
    .await;
    installment(
        &mut tx,
        b,
        unit_id,
        "living_subsidy",
        1,
        d(start + 4),
        1_000_001,
        "scheduled",
    )
    .await;
    tx.commit().await.unwrap();
    Seeded {
        unit_id,
        unit_name,
        start,
    }
}

fn fen(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an amount: {v}"))
}

/// Totals by kind == totals by unit == the grand total, per year and over the horizon.
fn assert_adds_up(p: &Value, label: &str) {
    for scenario in ["base_fen", "expected_fen"] {
        let total = fen(&p["total"][scenario]);
        let years: i64 = p["years"].as_array().unwrap().iter().map(|y| fen(&y[scenario])).sum();
        assert_eq!(years, total, "{label}: {scenario} years");
        for table in ["by_kind", "by_unit"] {
            let rows = p[table].as_array().unwrap();
            let sum: i64 = rows.iter().map(|r| fen(&r["total"][scenario])).sum();
            assert_eq!(sum, total, "{label}: {scenario} {table}");
            for (i, y) in p["years"].as_array().unwrap().iter().enumerate() {
                let sum: i64 = rows.iter().map(|r| fen(&r["years"][i][scenario])).sum();
                assert_eq!(sum, fen(&y[scenario]), "{label}: {scenario} {table} year {}", y["year"]);
            }
        }
    }
}

#[tokio::test]
async fn api_projects_each_year_by_kind_and_unit_exactly() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let s = seed(&app).await;
        let token = app.login("finance").await;
        let (status, p) = app.get("/api/fund/projection?departure_rate=100", &token).await;
        assert_eq!(status, StatusCode::OK, "{label}: {p}");
        assert_eq!(p["start_year"], s.start, "{label}");
        assert_eq!(p["horizon"], 10, "{label}");
        assert_eq!(p["departure_rate_per_mille"], 100, "{label}");
        assert_eq!(p["years"].as_array().unwrap().len(), 10, "{label}");
        assert_adds_up(&p, label);

        let unit = p["by_unit"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"].as_str().and_then(|k| k.parse::<i64>().ok()) == Some(s.unit_id))
            .unwrap_or_else(|| panic!("{label}: our unit in {p}"));
        assert_eq!(unit["label"], s.unit_name.as_str(), "{label}");
        let years: Vec<(i64, i64)> = unit["years"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (fen(&a["base_fen"]), fen(&a["expected_fen"])))
            .collect();
        assert_eq!(
            years,
            vec![
                // The arrears of last year and this year's certified installment: no discount.
                (3_600_000, 3_600_000),
                // 2,400,000 + 10,000,000, × 0.9
                (12_400_000, 11_160_000),
                // × 0.81
                (2_400_000, 1_944_000),
                // the cancelled installment does not count
                (0, 0),
                // 1,000,001 × 0.6561 = 656,100.656 → 656,100 (rounded down to the fen)
                (1_000_001, 656_100),
                (0, 0),
                (0, 0),
                (0, 0),
                (0, 0),
                (0, 0),
            ],
            "{label}"
        );
        assert_eq!(fen(&unit["total"]["base_fen"]), 19_400_001, "{label}");
        assert_eq!(fen(&unit["total"]["expected_fen"]), 17_360_100, "{label}");
        assert!(fen(&p["arrears_fen"]) >= 1_200_000, "{label}");
        assert!(fen(&p["years"][0]["arrears_fen"]) >= 1_200_000, "{label}");
        assert!(
            fen(&p["beyond_fen"]) >= 10_000_000,
            "{label}: due in 12 years is beyond"
        );
        assert_eq!(p["years"][1]["survival_pct"], "90.0000%", "{label}");
        let kind = p["by_kind"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["key"] == "settlement_allowance")
            .unwrap();
        assert_eq!(kind["label"], "安家费", "{label}");
        // The article that grants it (the demo data's installments may name it first).
        assert!(!kind["article"].as_str().unwrap().is_empty(), "{label}");

        // 0 ‰ is the base scenario; 1000 ‰ owes only the first year.
        let (_, zero) = app.get("/api/fund/projection?departure_rate=0", &token).await;
        assert_eq!(zero["total"]["base_fen"], zero["total"]["expected_fen"], "{label}");
        assert_eq!(zero["total"]["base_fen"], p["total"]["base_fen"], "{label}");
        let (_, all) = app.get("/api/fund/projection?departure_rate=1000", &token).await;
        assert_eq!(all["total"]["expected_fen"], all["years"][0]["base_fen"], "{label}");
        assert_adds_up(&all, label);
        // A higher rate never owes more.
        assert!(
            fen(&all["total"]["expected_fen"]) <= fen(&p["total"]["expected_fen"]),
            "{label}"
        );
        // Without a rate: the default 50 ‰.
        let (status, default) = app.get("/api/fund/projection", &token).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!(default["departure_rate_per_mille"], 50, "{label}");

        // The coordination office and city leaders read it too; a unit does not.
        for (who, want) in [
            ("coord", StatusCode::OK),
            ("mayor", StatusCode::OK),
            ("unit", StatusCode::FORBIDDEN),
        ] {
            let t = app.login(who).await;
            let (status, _) = app.get("/api/fund/projection", &t).await;
            assert_eq!(status, want, "{label}: {who}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn budgets_are_compared_and_the_last_one_carried_forward_as_an_assumption() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let s = seed(&app).await;
        let finance = app.user_id("finance").await;
        let mut tx = app.app.store.begin_write().await.unwrap();
        let taken: Vec<i64> = tx.projection_budgets().await.unwrap().iter().map(|b| b.year).collect();
        // Two free years in a row within the horizon (the demo data may have budgets).
        let j = (1..9)
            .find(|j| !taken.contains(&i64::from(s.start + j)) && !taken.contains(&i64::from(s.start + j + 1)))
            .expect("two free budget years");
        let year = s.start + j;
        tx.execute_raw(&format!(
            "insert into fund_budgets (year, amount_fen, note, entered_by, entered_at)
             values ({year}, 5000000, '预测测试', {finance}, 1)"
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let token = app.login("finance").await;
        let (status, p) = app.get("/api/fund/projection?departure_rate=0", &token).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let y = &p["years"][j as usize];
        assert_eq!(y["year"], year, "{label}");
        assert_eq!(fen(&y["budget_fen"]), 5_000_000, "{label}");
        assert_eq!(y["budget_assumed_from"], Value::Null, "{label}: entered, not assumed");
        assert_eq!(
            fen(&y["gap_base_fen"]),
            fen(&y["base_fen"]) - 5_000_000,
            "{label}: gap = owed − budget"
        );
        let next = &p["years"][j as usize + 1];
        assert_eq!(fen(&next["budget_fen"]), 5_000_000, "{label}: carried forward flat");
        assert_eq!(next["budget_assumed_from"], year, "{label}");
        assert_eq!(p["budget_assumed"], true, "{label}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_bad_rate_names_the_field_and_keeps_what_was_typed() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let token = app.login("finance").await;
        for bad in ["abc", "1001", "2.5", ""] {
            let (status, body) = app
                .get(&format!("/api/fund/projection?departure_rate={bad}"), &token)
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {bad}");
            assert_eq!(body["errors"][0]["field"], "departure_rate", "{label}: {bad}");
            assert!(
                body["errors"][0]["message"].as_str().unwrap().starts_with("年离职率："),
                "{label}: {body}"
            );
        }
        let browser = app.browser("finance").await;
        let (status, page) = browser.get("/fund/projection?departure_rate=12%25x").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(page.contains("value=\"12%x\""), "{label}: what was typed stays");
        assert!(page.contains("年离职率：“12%x”不是整数"), "{label}");
        assert!(page.contains("aria-invalid=\"true\""), "{label}");
        let (status, _) = browser.get("/fund/projection.xlsx?departure_rate=-1").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_page_shows_tables_and_chart_data_and_exports_to_excel() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let s = seed(&app).await;
        let browser = app.browser("finance").await;
        let (status, page) = browser.get("/fund/projection").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("value=\"50\""), "{label}: the default rate");
        let (status, page) = browser.get("/fund/projection?departure_rate=100").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        for needle in [
            "专项资金预测",
            "id=\"projection-years\"",
            "id=\"projection-kinds\"",
            "id=\"projection-units\"",
            s.unit_name.as_str(),
            "安家费",
            "含欠付",
            "124,000.00",
            "111,600.00",
            "/assets/vendor/echarts/echarts.min.js",
            "/assets/projection.js",
            "/fund/projection.xlsx?departure_rate=100",
        ] {
            assert!(page.contains(needle), "{label}: the page shows {needle}");
        }
        // The chart's data is in the page, as JSON.
        let json = page
            .split("<script type=\"application/json\" id=\"projection-data\">")
            .nth(1)
            .and_then(|r| r.split("</script>").next())
            .expect("the chart data");
        let data: Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(data["years"][0], s.start, "{label}");
        assert_eq!(data["rate_per_mille"], 100, "{label}");
        assert!(
            data["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["name"] == "生活补贴")
        );

        // The chart library and the page's script are served from the binary.
        for (path, needle) in [
            ("/assets/vendor/echarts/echarts.min.js", "echarts"),
            ("/assets/projection.js", "projection-data"),
        ] {
            let resp = browser.http.get(app.url(path)).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{label}: {path}");
            let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
            assert!(ct.contains("javascript"), "{label}: {path} is {ct}");
            assert!(resp.text().await.unwrap().contains(needle), "{label}: {path}");
        }

        // Excel: one flat, filterable table.
        let resp = browser
            .http
            .get(app.url("/fund/projection.xlsx?departure_rate=100"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{label}");
        let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(disposition.contains(".xlsx"), "{label}: {disposition}");
        let rows = read_xlsx(&resp.bytes().await.unwrap());
        assert_eq!(rows[0][0], "年度", "{label}");
        assert_eq!(rows[0][3], "基本情形应付（元）", "{label}");
        let next = (s.start + 1).to_string();
        assert!(
            rows.iter().any(|r| r[0] == next
                && r[1] == "按用人单位"
                && r[2] == s.unit_name
                && r[3] == "124000.00"
                && r[4] == "111600.00"),
            "{label}: our unit's row for {next}"
        );
        assert!(
            rows.iter().any(|r| r[0] == s.start.to_string() && r[1] == "年度合计"),
            "{label}"
        );
        assert!(rows.iter().any(|r| r[1] == "说明"), "{label}: the assumptions");

        // Not for a unit or an applicant.
        for who in ["unit", "talent"] {
            let b = app.browser(who).await;
            assert_eq!(
                b.get("/fund/projection").await.0,
                StatusCode::FORBIDDEN,
                "{label}: {who}"
            );
        }
        app.stop().await;
    }
}

/// The rows of the projection's one sheet (named 专项资金预测).
fn read_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    let (name, rows) = common::read_xlsx(bytes);
    assert_eq!(name, "专项资金预测");
    rows
}
