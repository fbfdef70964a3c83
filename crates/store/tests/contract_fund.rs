//! The store's contract for installments, the special fund's ledger, payments, idempotency
//! keys and payment batches, on every backend (SQLite always, PostgreSQL when
//! `YINCAI_TEST_POSTGRES_URL` is set).

use yincai_store::on_every_backend;
use yincai_store::{
    InstallmentQuery, NewCandidate, NewInstallment, NewOrg, NewPayment, NewPosting, NewTalent, NewUser, PostingKind,
    StoreError, Tx,
};

/// A unit, a finance user and a talent; returns (org, user, talent).
async fn setup(tx: &mut Tx) -> (i64, i64, i64) {
    let org = tx
        .insert_org(
            &NewOrg {
                name: "口岸经济研究中心".into(),
                kind: "city_unit".into(),
                credit_code: None,
                parent_id: None,
            },
            1,
        )
        .await
        .unwrap();
    let user = tx
        .insert_user(
            &NewUser {
                username: "finance".into(),
                display_name: "财政局经办人".into(),
                org_id: org,
                password_hash: "x".into(),
                must_change_password: false,
                roles: vec![],
            },
            1,
        )
        .await
        .unwrap();
    let candidate = tx
        .insert_candidate(
            user,
            &NewCandidate {
                name: "张明".into(),
                id_type: "passport".into(),
                id_number_enc: "e".into(),
                id_number_index: "i".into(),
                id_number_masked: "E1*****".into(),
                phone_enc: "p".into(),
                phone_masked: "138****5678".into(),
                email: String::new(),
                gender: "female".into(),
                birth_date: None,
                education: "[]".into(),
                highest_degree: "doctor".into(),
                title: "none".into(),
                qualifications: String::new(),
                honours: "[]".into(),
                projects: String::new(),
            },
            1,
        )
        .await
        .unwrap();
    let talent = tx
        .insert_talent(
            &NewTalent {
                candidate_id: candidate,
                application_id: None,
                special_case_id: None,
                org_id: org,
                name: "张明".into(),
                mode: "recruit".into(),
                employer: "city_unit".into(),
                start_date: "2024-03-01".into(),
                end_date: None,
                category: Some(4),
                obligations: "[]".into(),
                policy_id: "p".into(),
                policy_version: "1".into(),
                facts: "{}".into(),
                report: "{}".into(),
            },
            1,
        )
        .await
        .unwrap();
    (org, user, talent)
}

fn installment(talent: i64, org: i64, seq: i64, amount_fen: i64) -> NewInstallment {
    NewInstallment {
        talent_id: talent,
        org_id: org,
        benefit_code: "living_subsidy".into(),
        benefit_name: "生活补贴".into(),
        article: "13(2)".into(),
        seq,
        service_year: Some(seq),
        due_on: format!("{}-03-01", 2024 + seq),
        amount_fen,
    }
}

#[tokio::test]
async fn installments_are_inserted_once_and_move_through_the_gate() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let (org, user, talent) = setup(&mut tx).await;
        let rows = [
            installment(talent, org, 1, 2_400_000),
            installment(talent, org, 2, 2_400_000),
        ];
        assert_eq!(tx.insert_installments(&rows, 5).await.unwrap(), 2, "{label}");
        assert_eq!(tx.insert_installments(&rows, 6).await.unwrap(), 0, "{label}");
        let page = tx
            .installments(&InstallmentQuery {
                talent_id: Some(talent),
                year: Some(2025),
                limit: 10,
                ..InstallmentQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total, 1, "{label}");
        let i = page.rows[0].clone();
        assert_eq!(
            (i.status.as_str(), i.talent_name.as_str(), i.fund_year()),
            ("scheduled", "张明", Some(2025))
        );
        assert_eq!(i.assessment_ok, None);

        assert!(tx.set_installment_assessment(i.id, true, 7).await.unwrap());
        assert!(
            !tx.approve_installment(i.id, i.version, "文号", user, 8).await.unwrap(),
            "stale version"
        );
        assert!(
            tx.approve_installment(i.id, i.version + 1, "文号", user, 8)
                .await
                .unwrap()
        );
        assert!(
            !tx.set_installment_assessment(i.id, false, 9).await.unwrap(),
            "past the assessment"
        );
        assert!(tx.certify_installment(i.id, "ZM-1", 9).await.unwrap());
        assert!(!tx.certify_installment(i.id, "ZM-2", 9).await.unwrap());
        let i = tx.installment(i.id).await.unwrap().unwrap();
        assert_eq!(
            (i.status.as_str(), i.certificate_number.as_deref(), i.assessment_ok),
            ("certified", Some("ZM-1"), Some(true)),
            "{label}"
        );

        // Batches.
        let b = tx.insert_payment_batch("ZF2026-0001", "", user, 10).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin_write().await.unwrap();
        assert!(matches!(
            tx.insert_payment_batch("ZF2026-0001", "", user, 10).await,
            Err(StoreError::Unique { key }) if key == "payment_batches.number"
        ));
        drop(tx);
        let mut tx = store.begin_write().await.unwrap();
        assert_eq!(tx.count_payment_batches_numbered("ZF2026-").await.unwrap(), 1);
        assert!(tx.assign_installment_to_batch(i.id, b, 11).await.unwrap());
        assert!(
            !tx.assign_installment_to_batch(i.id, b, 11).await.unwrap(),
            "already in a batch"
        );
        assert_eq!(tx.refresh_payment_batch_total(b).await.unwrap(), 2_400_000);
        assert!(!tx.close_payment_batch_if_paid(b, 12).await.unwrap());

        // Payment: once per installment, whatever else differs.
        let i = tx.installment(i.id).await.unwrap().unwrap();
        let pay = NewPayment {
            installment_id: i.id,
            batch_id: Some(b),
            fund_year: 2025,
            amount_fen: 2_400_000,
            paid_by: user,
            idempotency_key: Some("k1"),
        };
        tx.insert_payment(&pay, 13).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin_write().await.unwrap();
        let again = tx
            .insert_payment(
                &NewPayment {
                    idempotency_key: Some("k2"),
                    batch_id: None,
                    ..pay.clone()
                },
                14,
            )
            .await;
        assert!(
            matches!(&again, Err(StoreError::Unique { key }) if key == "payments.installment_id"),
            "{label}: {again:?}"
        );
        drop(tx);
        let mut tx = store.begin_write().await.unwrap();
        assert!(tx.mark_installment_paid(i.id, i.version, Some(b), 15).await.unwrap());
        assert!(tx.close_payment_batch_if_paid(b, 16).await.unwrap());
        let batch = tx.payment_batch(b).await.unwrap().unwrap();
        assert_eq!(
            (batch.status.as_str(), batch.items, batch.paid_items, batch.paid_fen),
            ("paid", 1, 1, 2_400_000),
            "{label}"
        );
        let p = tx.payment_of(i.id).await.unwrap().unwrap();
        assert_eq!(
            (p.paid_by_name.as_str(), p.idempotency_key.as_deref()),
            ("财政局经办人", Some("k1"))
        );
        assert_eq!(tx.payments_total().await.unwrap(), (1, 2_400_000));
        tx.commit().await.unwrap();
    });
}

#[tokio::test]
async fn the_ledger_balances_and_is_append_only() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let (org, user, talent) = setup(&mut tx).await;
        tx.insert_installments(&[installment(talent, org, 1, 300)], 1)
            .await
            .unwrap();
        let inst = tx
            .installments(&InstallmentQuery {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap()
            .rows[0]
            .id;
        assert!(!tx.lock_fund_year(2025).await.unwrap(), "no budget: no lock");
        tx.insert_fund_budget(2025, 1000, "年初", user, 1).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin_write().await.unwrap();
        assert!(matches!(
            tx.insert_fund_budget(2025, 1, "", user, 1).await,
            Err(StoreError::Unique { key }) if key == "fund_budgets.year"
        ));
        drop(tx);
        let mut tx = store.begin_write().await.unwrap();
        assert!(tx.lock_fund_year(2025).await.unwrap());
        let post = |kind, amount, installment_id| NewPosting {
            year: 2025,
            at: 2,
            kind,
            installment_id,
            amount_fen: amount,
            actor_id: Some(user),
            memo: "m",
        };
        tx.post_fund(&post(PostingKind::Budget, 1000, None)).await.unwrap();
        tx.post_fund(&post(PostingKind::Commitment, 300, Some(inst)))
            .await
            .unwrap();
        assert_eq!(tx.open_commitment(inst).await.unwrap(), 300);
        tx.post_fund(&post(PostingKind::ReleaseOfCommitment, 300, Some(inst)))
            .await
            .unwrap();
        tx.post_fund(&post(PostingKind::Payment, 300, Some(inst)))
            .await
            .unwrap();
        tx.post_fund(&post(PostingKind::Recovery, 100, Some(inst)))
            .await
            .unwrap();
        assert_eq!(tx.open_commitment(inst).await.unwrap(), 0);
        let b = tx.fund_balances(2025).await.unwrap();
        assert_eq!(
            (b.budget_fen, b.committed_fen, b.paid_fen, b.available_fen),
            (1000, 0, 200, 800),
            "{label}"
        );
        assert_eq!(tx.fund_balances(2030).await.unwrap().available_fen, 0);
        let ledger = tx.fund_ledger(Some(2025), 0, 10).await.unwrap();
        let after: Vec<_> = ledger
            .rows
            .iter()
            .map(|r| (r.kind.as_str(), r.available_after_fen))
            .collect();
        assert_eq!(
            after,
            [
                ("recovery", 800),
                ("payment", 700),
                ("release_of_commitment", 1000),
                ("commitment", 700),
                ("budget", 1000)
            ],
            "{label}"
        );
        assert_eq!(ledger.rows[0].actor_name.as_deref(), Some("财政局经办人"));
        let legs = tx.fund_ledger_legs().await.unwrap();
        assert_eq!(legs.len(), 10);
        for pair in legs.chunks(2) {
            assert_eq!(pair[0].posting_id, pair[1].posting_id);
            assert_eq!(pair[0].amount_fen + pair[1].amount_fen, 0, "{label}");
        }
        tx.commit().await.unwrap();

        for sql in [
            "update fund_ledger set amount_fen = 1",
            "delete from fund_ledger",
            "update fund_ledger_legs set amount_fen = 0",
            "delete from fund_ledger_legs",
        ] {
            let mut tx = store.begin_write().await.unwrap();
            let e = tx.execute_raw(sql).await.unwrap_err();
            assert!(e.to_string().contains("append-only"), "{label}: {sql}: {e}");
        }

        // Idempotency keys: one row per key.
        let mut tx = store.begin_write().await.unwrap();
        tx.insert_idempotency_key("k", "fund.pay", user, "h", "{}", 1)
            .await
            .unwrap();
        assert!(matches!(
            tx.insert_idempotency_key("k", "fund.pay", user, "h2", "{}", 2).await,
            Err(StoreError::Unique { .. })
        ));
        drop(tx);
        let mut tx = store.begin_read().await.unwrap();
        assert!(tx.idempotency_key("k").await.unwrap().is_none(), "rolled back");
    });
}
