//! The service record drives the money (ADR 0011, issue 10), through the app on every
//! backend: the installments follow what is recorded after introduction (filed assessments,
//! confirmed months served, an end of service), as the policy engine reads it.

use yincai_app::recovery::FactsChange;
use yincai_app::service_record::ServiceMonthsInput;
use yincai_domain::lifecycle::{EngineVerdict, InstallmentState};
use yincai_policy::facts::{Facts, Honour, Mode, Title};
use yincai_store::InstallmentRow;
use yincai_store::test_support::TestDb;

use crate::common;
use common::*;

/// Service since 2023-11-01: years 1-3 have ended on the tests' day (2026-11-24).
const START: &str = "2023-11-01";

/// A talent introduced on `facts` (nothing assessed yet), its installments derived.
async fn introduced(w: &World, facts: Facts) -> i64 {
    let facts = Facts {
        start: START.parse().unwrap(),
        assessments: Vec::new(),
        ..facts
    };
    let talent = w.talent_since(facts, START).await;
    assert!(w.app.schedule_installments_for(talent, &ctx()).await.unwrap() > 0);
    talent
}

async fn installments(w: &World, talent: i64) -> Vec<InstallmentRow> {
    let mut tx = w.app.store.begin_read().await.unwrap();
    tx.installments_of_talent(talent).await.unwrap()
}

async fn installment(w: &World, talent: i64, code: &str, year: i64) -> InstallmentRow {
    installments(w, talent)
        .await
        .into_iter()
        .find(|i| i.benefit_code == code && i.service_year == Some(year))
        .unwrap_or_else(|| panic!("no {code} for year {year}"))
}

impl World {
    /// The unit records a year's months served and the coordination office confirms them.
    async fn months(&self, talent: i64, year: i64, months: i64) {
        let input = ServiceMonthsInput {
            service_year: year.to_string(),
            months: months.to_string(),
            basis: format!("{year} 年度考勤表"),
        };
        let m = self
            .app
            .record_service_months(&self.unit, talent, &input, &ctx())
            .await
            .unwrap();
        assert!(m.confirmed_at.is_none());
        self.app
            .confirm_service_months(&self.coord, m.id, m.version, &ctx())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_failed_year_one_then_a_passed_year_two_makes_the_settlement_allowance_due() {
    on_every_backend!(|w, label| {
        w.budget(2024, "1,000,000.00").await;
        let talent = introduced(&w, facts("王安家")).await;
        let settlement = installment(&w, talent, "settlement_allowance", 1).await;
        assert_eq!(settlement.engine_status, EngineVerdict::AwaitingAssessment, "{label}");

        // Year 1 failed: its living subsidy is cancelled with the engine's reason; the
        // settlement allowance waits for a pass (interpretation 6: any passed assessment).
        w.assess(talent, 1, "failed").await;
        let year1 = installment(&w, talent, "living_subsidy", 1).await;
        assert_eq!(year1.status, InstallmentState::Cancelled, "{label}");
        assert!(
            year1
                .cancel_reason
                .as_deref()
                .unwrap_or_default()
                .contains("考核未合格"),
            "{label}: {year1:?}"
        );
        let settlement = installment(&w, talent, "settlement_allowance", 1).await;
        assert_eq!(
            (settlement.status, settlement.engine_status),
            (InstallmentState::Scheduled, EngineVerdict::AwaitingAssessment),
            "{label}"
        );
        let e = w.app.start_release(&w.coord, settlement.id, &ctx()).await.unwrap_err();
        assert_eq!(fields(&e), ["assessment"], "{label}: {e:?}");
        let e = w.app.start_release(&w.coord, year1.id, &ctx()).await.unwrap_err();
        assert!(format!("{e}").contains("考核未合格"), "{label}: {e}");

        // Year 2 passed: the settlement allowance is due, and so is year 2's subsidy.
        w.assess(talent, 2, "passed").await;
        let settlement = installment(&w, talent, "settlement_allowance", 1).await;
        assert_eq!(settlement.engine_status, EngineVerdict::Due, "{label}");
        assert_eq!(
            installment(&w, talent, "living_subsidy", 2).await.engine_status,
            EngineVerdict::Due,
            "{label}"
        );
        w.app.start_release(&w.coord, settlement.id, &ctx()).await.unwrap();
        // One audit record a re-derivation, naming why.
        let mut tx = w.app.store.begin_read().await.unwrap();
        let n = tx
            .execute_raw_scalar(&format!(
                "select cast(count(*) as text) from audit_log where action = 'installments_rederive' \
                 and object_id = '{talent}' and summary like '%第 2 个服务年度考核合格备案%'"
            ))
            .await
            .unwrap();
        assert_eq!(n, "1", "{label}");
    });
}

#[tokio::test]
async fn a_special_appointee_with_four_months_in_a_year_gets_nothing_for_it() {
    on_every_backend!(|w, label| {
        w.budget(2025, "1,000,000.00").await;
        let mut f = facts("李特聘");
        f.mode = Mode::Special;
        f.person.title = Title::Senior;
        f.person.honours = vec![Honour::NationalExpert];
        let talent = introduced(&w, f).await;
        // Until the months are on record the year waits for them; it is never "not served".
        let year1 = installment(&w, talent, "special_service_subsidy", 1).await;
        assert_eq!(year1.engine_status, EngineVerdict::AwaitingServiceMonths, "{label}");
        w.assess(talent, 1, "passed").await;
        let e = w.app.start_release(&w.coord, year1.id, &ctx()).await.unwrap_err();
        assert_eq!(fields(&e), ["service_months"], "{label}: {e:?}");

        // 4 months confirmed: year 1's 10万 is cancelled, with the reason.
        w.months(talent, 1, 4).await;
        let year1 = installment(&w, talent, "special_service_subsidy", 1).await;
        assert_eq!(year1.status, InstallmentState::Cancelled, "{label}");
        assert!(
            year1
                .cancel_reason
                .as_deref()
                .unwrap_or_default()
                .contains("服务月数不足"),
            "{label}: {year1:?}"
        );

        // 8 months and a pass in year 2: due, and it can be released.
        w.months(talent, 2, 8).await;
        w.assess(talent, 2, "passed").await;
        let year2 = installment(&w, talent, "special_service_subsidy", 2).await;
        assert_eq!(
            (year2.status, year2.engine_status),
            (InstallmentState::Scheduled, EngineVerdict::Due),
            "{label}"
        );
        assert_eq!(year2.amount_fen, 10_000_000, "{label}");
        w.app.start_release(&w.coord, year2.id, &ctx()).await.unwrap();

        // Months are recorded once a year, by the talent's unit, for a year that has ended;
        // confirmed once, by the office.
        let again = ServiceMonthsInput {
            service_year: "2".into(),
            months: "12".into(),
            basis: "更正".into(),
        };
        let e = w
            .app
            .record_service_months(&w.unit, talent, &again, &ctx())
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["service_year"], "{label}: {e:?}");
        let future = ServiceMonthsInput {
            service_year: "4".into(),
            ..again.clone()
        };
        let e = w
            .app
            .record_service_months(&w.unit, talent, &future, &ctx())
            .await
            .unwrap_err();
        assert!(format!("{e}").contains("结束后才能录入"), "{label}: {e}");
        let bad = ServiceMonthsInput {
            service_year: "x".into(),
            months: "13".into(),
            basis: String::new(),
        };
        let e = w
            .app
            .record_service_months(&w.unit, talent, &bad, &ctx())
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["service_year", "months", "basis"], "{label}: {e:?}");
        assert!(
            w.app
                .record_service_months(&w.coord, talent, &again, &ctx())
                .await
                .is_err()
        );
        let rows = w.app.service_months_of(&w.coord, talent).await.unwrap();
        let e = w
            .app
            .confirm_service_months(&w.coord, rows[0].id, rows[0].version, &ctx())
            .await
            .unwrap_err();
        assert!(format!("{e}").contains("已由"), "{label}: {e}");
    });
}

#[tokio::test]
async fn an_ending_not_for_cause_cancels_the_later_installments_and_prorates_the_last_year() {
    on_every_backend!(|w, label| {
        let talent = introduced(&w, facts("赵期满")).await;
        let before = installments(&w, talent).await;
        assert!(before.iter().any(|i| i.service_year == Some(4)), "{label}");
        w.app
            .reevaluate_talent(
                &w.coord,
                talent,
                &FactsChange {
                    end: "2025-06-30".into(),
                    ..FactsChange::default()
                },
                "合同期满，双方不再续签",
                &ctx(),
            )
            .await
            .unwrap();
        let after = installments(&w, talent).await;
        for i in after.iter().filter(|i| i.service_year.is_some_and(|y| y >= 3)) {
            assert_eq!(i.status, InstallmentState::Cancelled, "{label}: {i:?}");
            assert!(
                i.cancel_reason.as_deref().unwrap_or_default().contains("2025-06-30"),
                "{label}: {i:?}"
            );
        }
        // Year 2 ran from 2024-11-01 to the end on 2025-06-30: 7 whole months of 2,000 元.
        let year2 = installment(&w, talent, "living_subsidy", 2).await;
        assert_eq!(
            (year2.status, year2.amount_fen, year2.due_on.as_str()),
            (InstallmentState::Scheduled, 1_400_000, "2025-06-30"),
            "{label}"
        );
    });
}
