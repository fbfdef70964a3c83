//! The store's contract for re-evaluations, cancelling installments and recoveries, on every
//! backend (SQLite always, PostgreSQL when `YINCAI_TEST_POSTGRES_URL` is set).

use crate::common;

use common::{installment, setup};
use yincai_domain::lifecycle::{InstallmentState, RecoveryState};
use yincai_store::on_every_backend;
use yincai_store::{NewEvaluation, NewRecovery};

#[tokio::test]
async fn evaluations_are_appended_with_the_next_seq_and_the_talent_row_stays() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let (_, user, talent) = setup(&mut tx).await;
        let e = |report: &'static str| NewEvaluation {
            talent_id: talent,
            policy_id: "p",
            policy_version: "1",
            facts: "{\"a\":1}",
            report,
            change_summary: "职称改为 senior",
            reason: "证书",
            actor_id: user,
        };
        let (_, s1) = tx.insert_evaluation(&e("{\"r\":1}"), 10).await.unwrap();
        let (_, s2) = tx.insert_evaluation(&e("{\"r\":2}"), 11).await.unwrap();
        assert_eq!((s1, s2), (1, 2), "{label}");
        let all = tx.evaluations(talent).await.unwrap();
        assert_eq!(all.len(), 2, "{label}");
        assert_eq!(
            (all[1].report.as_str(), all[1].actor_name.as_str()),
            ("{\"r\":2}", "财政局经办人")
        );
        let t = tx.talent(talent).await.unwrap().unwrap();
        assert_eq!(
            (t.facts.as_str(), t.report.as_str()),
            ("{}", "{}"),
            "{label}: frozen row untouched"
        );
        tx.commit().await.unwrap();
    });
}

#[tokio::test]
async fn cancelling_skips_paid_and_recovered_never_exceeds_the_amount() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let (org, user, talent) = setup(&mut tx).await;
        tx.insert_installments(&[installment(talent, org, 1, 100), installment(talent, org, 2, 200)], 1)
            .await
            .unwrap();
        tx.execute_raw(&format!(
            "update installments set status = 'paid' where talent_id = {talent} and seq = 1"
        ))
        .await
        .unwrap();
        let ids: Vec<(i64, InstallmentState)> = tx
            .installments(&yincai_store::InstallmentQuery {
                talent_id: Some(talent),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|r| (r.id, r.status))
            .collect();
        assert!(
            !tx.cancel_installment(ids[0].0, "x", 5).await.unwrap(),
            "{label}: paid stays paid"
        );
        assert!(
            tx.cancel_installment(ids[1].0, "第二十七条", 5).await.unwrap(),
            "{label}"
        );
        assert!(
            !tx.cancel_installment(ids[1].0, "again", 6).await.unwrap(),
            "{label}: once"
        );
        let i = tx.installment(ids[1].0).await.unwrap().unwrap();
        assert_eq!(
            (i.status.code(), i.cancel_reason.as_deref()),
            ("cancelled", Some("第二十七条"))
        );

        let id = tx
            .insert_recovery(
                &NewRecovery {
                    talent_id: talent,
                    org_id: org,
                    ended_on: "2026-06-30",
                    reason: "r",
                    document: "d",
                    interpretation_id: "cancellation (cancel_all)",
                    reading: "x",
                    basis: "b",
                    paid_fen: 100,
                    amount_fen: 100,
                    cancelled_count: 1,
                    cancelled_fen: 200,
                    status: RecoveryState::Open,
                    created_by: user,
                },
                7,
            )
            .await
            .unwrap();
        let r = tx.recovery(id).await.unwrap().unwrap();
        assert_eq!((r.status.code(), r.version), ("open", 1), "{label}");
        // (fen, version, whether it is taken, why)
        for (fen, version, taken, why) in [
            (101, 1, false, "beyond the amount"),
            (0, 1, false, "nothing"),
            (40, 1, true, "within the amount"),
            (10, 1, false, "stale version"),
        ] {
            let got = tx
                .add_recovered(id, fen, version, RecoveryState::PartiallyRecovered, 8)
                .await
                .unwrap();
            assert_eq!(got, taken, "{label}: {why}");
        }
        assert_eq!(
            tx.recovery(id).await.unwrap().unwrap().status,
            RecoveryState::PartiallyRecovered,
            "{label}"
        );
        assert!(
            !tx.add_recovered(id, 61, 2, RecoveryState::Settled, 9).await.unwrap(),
            "{label}: beyond what is left"
        );
        assert!(
            tx.add_recovered(id, 60, 2, RecoveryState::Settled, 9).await.unwrap(),
            "{label}"
        );
        let r = tx.recovery(id).await.unwrap().unwrap();
        assert_eq!((r.status.code(), r.recovered_fen), ("settled", 100), "{label}");
        tx.insert_repayment(id, "2026-11-20", 40, "", None, user, 8)
            .await
            .unwrap();
        assert_eq!(tx.repayments(id).await.unwrap().len(), 1, "{label}");
        assert_eq!(
            tx.recoveries(Some("settled"), None, 0, 10).await.unwrap().total,
            1,
            "{label}"
        );
        assert_eq!(
            tx.recoveries(None, Some(org + 1000), 0, 10).await.unwrap().total,
            0,
            "{label}"
        );
        assert_eq!(
            tx.recovery_of_talent(talent).await.unwrap().map(|r| r.id),
            Some(id),
            "{label}"
        );
        tx.commit().await.unwrap();
    });
}
