//! The store's contract for the fund projection's reads, on every backend (SQLite always,
//! PostgreSQL when `YINCAI_TEST_POSTGRES_URL` is set).

use yincai_store::test_support::{TestDb, new_candidate, new_talent, new_user};
use yincai_store::{BudgetYearRow, NewTalent, OwedSumRow, ProjectionUnitRow, Tx};

async fn org(tx: &mut Tx, name: &str) -> i64 {
    crate::common::org(tx, name, "enterprise", None).await
}

async fn talent(tx: &mut Tx, org_id: i64, name: &str) -> i64 {
    let user_id = tx
        .insert_user(&new_user(&format!("u-{name}"), name, org_id), 1)
        .await
        .unwrap();
    let candidate_id = tx.insert_candidate(user_id, &new_candidate(name), 1).await.unwrap();
    let t = NewTalent {
        employer: "enterprise".into(),
        start_date: "2025-03-01".into(),
        category: Some(3),
        policy_version: "1".into(),
        ..new_talent(candidate_id, org_id, name)
    };
    tx.insert_talent(&t, 1).await.unwrap()
}

#[allow(clippy::too_many_arguments)]
async fn installment(tx: &mut Tx, talent: i64, org: i64, code: &str, seq: i64, due_on: &str, fen: i64, status: &str) {
    let name = match code {
        "living_subsidy" => "生活补贴",
        _ => "安家费",
    };
    tx.execute_raw(&format!(
        "insert into installments (talent_id, org_id, benefit_code, benefit_name, article, seq, service_year,
             due_on, amount_fen, status, created_at, updated_at)
         values ({talent}, {org}, '{code}', '{name}', '第十三条', {seq}, {seq}, '{due_on}', {fen}, '{status}', 1, 1)"
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn reads_owed_installments_kinds_units_and_budgets() {
    for db in TestDb::all().await {
        let store = db.open_store().await;
        let label = db.label;
        let mut tx = store.begin_write().await.unwrap();
        let a = org(&mut tx, "乙单位").await;
        let b = org(&mut tx, "甲单位").await;
        let idle = org(&mut tx, "丙单位").await;
        let t1 = talent(&mut tx, a, "张明").await;
        let t2 = talent(&mut tx, b, "李华").await;
        let t3 = talent(&mut tx, idle, "王芳").await;
        installment(&mut tx, t1, a, "living_subsidy", 1, "2025-03-01", 2_400_000, "paid").await;
        installment(
            &mut tx,
            t1,
            a,
            "living_subsidy",
            2,
            "2026-03-01",
            2_400_000,
            "certified",
        )
        .await;
        installment(
            &mut tx,
            t1,
            a,
            "living_subsidy",
            3,
            "2027-03-01",
            2_400_000,
            "scheduled",
        )
        .await;
        installment(
            &mut tx,
            t1,
            a,
            "living_subsidy",
            4,
            "2027-12-31",
            1_000_000,
            "scheduled",
        )
        .await;
        installment(
            &mut tx,
            t2,
            b,
            "settlement_allowance",
            1,
            "2024-12-31",
            5_000_000,
            "approved",
        )
        .await;
        installment(
            &mut tx,
            t2,
            b,
            "living_subsidy",
            1,
            "2030-01-15",
            1_200_000,
            "scheduled",
        )
        .await;
        installment(
            &mut tx,
            t3,
            idle,
            "living_subsidy",
            1,
            "2026-05-01",
            1_200_000,
            "cancelled",
        )
        .await;
        for (year, fen) in [(2026, 1_000_000_000), (2025, 800_000_000)] {
            tx.execute_raw(&format!(
                "insert into fund_budgets (year, amount_fen, note, entered_by, entered_at)
                 select {year}, {fen}, '预算', min(id), 1 from users"
            ))
            .await
            .unwrap_or_else(|e| panic!("{label}: budgets: {e}"));
        }
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        let owed = tx.projection_owed_sums().await.unwrap();
        let row = |org_id, code: &str, due_year, status: &str, amount_fen, installments| OwedSumRow {
            org_id,
            benefit_code: code.into(),
            benefit_name: if code == "living_subsidy" {
                "生活补贴"
            } else {
                "安家费"
            }
            .into(),
            article: "第十三条".into(),
            due_year,
            status: status.into(),
            amount_fen,
            installments,
        };
        let mut expected = vec![
            row(a, "living_subsidy", 2026, "certified", 2_400_000, 1),
            row(a, "living_subsidy", 2027, "scheduled", 3_400_000, 2),
            row(b, "living_subsidy", 2030, "scheduled", 1_200_000, 1),
            row(b, "settlement_allowance", 2024, "approved", 5_000_000, 1),
        ];
        expected.sort_by_key(|r| (r.org_id, r.benefit_code.clone(), r.due_year));
        assert_eq!(owed, expected, "{label}: summed by unit, benefit, year and status");
        assert_eq!(tx.projection_talents_owed(2036).await.unwrap(), 2, "{label}");
        assert_eq!(tx.projection_talents_owed(2027).await.unwrap(), 2, "{label}");
        assert_eq!(
            tx.projection_talents_owed(2025).await.unwrap(),
            1,
            "{label}: only the arrears"
        );
        let names = tx.projection_unit_names().await.unwrap();
        for (id, name) in [(a, "乙单位"), (b, "甲单位"), (idle, "丙单位")] {
            assert!(
                names.contains(&ProjectionUnitRow { id, name: name.into() }),
                "{label}: {name}"
            );
        }
        assert_eq!(
            tx.projection_budgets().await.unwrap(),
            vec![
                BudgetYearRow {
                    year: 2025,
                    amount_fen: 800_000_000
                },
                BudgetYearRow {
                    year: 2026,
                    amount_fen: 1_000_000_000
                },
            ],
            "{label}"
        );
        drop(tx);
        store.close().await;
        db.cleanup().await;
    }
}
