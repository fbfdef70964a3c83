//! The store's contract for installments, the special fund's ledger, payments, idempotency
//! keys and payment batches, on every backend (SQLite always, PostgreSQL when
//! `YINCAI_TEST_POSTGRES_URL` is set).

use crate::common;

use common::{installment, setup};
use yincai_domain::lifecycle::{EngineVerdict, InstallmentState};
use yincai_store::on_every_backend;
use yincai_store::test_support::new_installment;
use yincai_store::{InstallmentQuery, NewPayment, NewPosting, PostingKind, StoreError};

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
            (i.status, i.talent_name.as_str(), i.due_on.get(..4)),
            (InstallmentState::Scheduled, "张明", Some("2025"))
        );
        assert_eq!(i.engine_status, EngineVerdict::Future);

        let mut due = new_installment(i.talent_id, i.org_id, i.seq, &i.due_on, i.amount_fen);
        due.engine_status = EngineVerdict::Due;
        assert!(tx.rederive_installment(i.id, &due, 7).await.unwrap());
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
            !tx.rederive_installment(i.id, &due, 9).await.unwrap(),
            "an approved installment is never re-derived"
        );
        assert!(tx.certify_installment(i.id, "ZM-1", 9).await.unwrap());
        assert!(!tx.certify_installment(i.id, "ZM-2", 9).await.unwrap());
        let i = tx.installment(i.id).await.unwrap().unwrap();
        assert_eq!(
            (i.status.code(), i.certificate_number.as_deref(), i.engine_status),
            ("certified", Some("ZM-1"), EngineVerdict::Due),
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
            (batch.status.code(), batch.items, batch.paid_items, batch.paid_fen),
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
        drop(tx);

        // Keys created before a cutoff are dropped (the retention itself is the app's).
        let month = 30 * 24 * 3600 * 1000;
        let mut tx = store.begin_write().await.unwrap();
        tx.insert_idempotency_key("old", "fund.pay", user, "h", "{}", 1)
            .await
            .unwrap();
        tx.insert_idempotency_key("recent", "fund.pay", user, "h", "{}", 1 + month)
            .await
            .unwrap();
        assert_eq!(
            tx.delete_idempotency_keys_before(1).await.unwrap(),
            0,
            "{label}: kept at the cutoff"
        );
        assert!(tx.idempotency_key("old").await.unwrap().is_some(), "{label}");
        assert_eq!(tx.delete_idempotency_keys_before(2).await.unwrap(), 1, "{label}");
        assert!(tx.idempotency_key("old").await.unwrap().is_none(), "{label}: expired");
        assert!(tx.idempotency_key("recent").await.unwrap().is_some(), "{label}");
    });
}

/// 证明 and 支付批次 numbers: 30 transactions taking a number at once get 30 different
/// numbers, one after the other; a rolled-back one gives its number back; the first number
/// of a kind continues after documents numbered before the counter existed.
#[tokio::test]
async fn document_numbers_are_never_given_twice() {
    on_every_backend!(|store, label| {
        let mut tasks = Vec::new();
        for _ in 0..30 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin_write().await.unwrap();
                let n = tx.next_document_number("certificate", 2026, 0).await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                tx.commit().await.unwrap();
                n
            }));
        }
        let mut got = Vec::new();
        for t in tasks {
            got.push(t.await.unwrap());
        }
        got.sort_unstable();
        assert_eq!(got, (1..=30).collect::<Vec<i64>>(), "{label}");

        let mut tx = store.begin_write().await.unwrap();
        assert_eq!(tx.next_document_number("certificate", 2026, 0).await.unwrap(), 31);
        drop(tx);
        let mut tx = store.begin_write().await.unwrap();
        assert_eq!(
            tx.next_document_number("certificate", 2026, 0).await.unwrap(),
            31,
            "{label}"
        );
        // Another year, another kind: their own sequences; 12 issued before counting.
        assert_eq!(tx.next_document_number("certificate", 2027, 0).await.unwrap(), 1);
        assert_eq!(tx.next_document_number("payment_batch", 2026, 12).await.unwrap(), 13);
        assert_eq!(tx.next_document_number("payment_batch", 2026, 12).await.unwrap(), 14);
        tx.commit().await.unwrap();
    });
}
