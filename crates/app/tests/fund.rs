//! Installments and the special fund through the app, on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL: scheduling from a frozen report, budgets
//! with growth, release approval against the budget, payment once and within the budget,
//! idempotency keys, payment batches, and the reliability figures under concurrency:
//! 200 concurrent payments of one installment pay it once; 1000 concurrent payments (and
//! 1000 concurrent approvals) totalling twice the remaining budget spend exactly the budget,
//! the balance is never below zero after any posting, and every posting balances.

use std::collections::BTreeMap;
use std::time::Instant;

use yincai_app::AppError;
use yincai_app::fund::{BatchInput, BudgetInput, installment_rows};
use yincai_store::test_support::TestDb;
use yincai_store::{InstallmentQuery, NewInstallment};

use crate::common;
use common::*;

/// Approves a release as the leading group's decision on a meeting's agenda item does: in
/// its transaction (there is no approval outside a meeting, F2). Retries a transient
/// conflict between concurrent transactions, as a busy meeting's decisions would.
async fn approve_release(
    app: &yincai_app::App,
    actor: &yincai_app::Actor,
    id: i64,
    resolution: &str,
) -> Result<yincai_store::InstallmentRow, AppError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = async {
            let mut tx = app.store.begin_write().await?;
            let row = app.approve_release_in(&mut tx, actor, id, resolution, &ctx()).await?;
            tx.commit().await?;
            Ok::<_, AppError>(row)
        }
        .await;
        match result {
            Err(AppError::Internal(_)) if attempt < 20 => {
                tokio::time::sleep(std::time::Duration::from_millis(5 * attempt * attempt)).await
            }
            other => return other,
        }
    }
}

impl World {
    /// `n` installments of `amount_fen` each, due on `due_on`, of a talent of their own;
    /// `state`: "scheduled" (assessment passed) or "certified" (without a commitment:
    /// the payment's own balance check is the only guard).
    async fn installments(&self, n: i64, amount_fen: i64, due_on: &str, state: &str) -> Vec<i64> {
        let talent = self.talent(&format!("批量{n}-{due_on}-{state}")).await;
        let rows: Vec<NewInstallment> = (1..=n)
            .map(|seq| NewInstallment {
                talent_id: talent,
                org_id: self.unit_org,
                benefit_code: "test_subsidy".into(),
                benefit_name: "测试补贴".into(),
                article: "13(2)".into(),
                seq,
                service_year: Some(seq),
                due_on: due_on.into(),
                amount_fen,
                engine_status: yincai_domain::lifecycle::EngineVerdict::Future,
            })
            .collect();
        let mut tx = self.app.store.begin_write().await.unwrap();
        assert_eq!(tx.insert_installments(&rows, today_ms()).await.unwrap(), n as u64);
        let set = match state {
            "certified" => {
                "status = 'certified', engine_status = 'due', resolution_number = '测试批复', \
                            certificate_number = 'ZM-T', certified_at = 1"
            }
            _ => "engine_status = 'due'",
        };
        tx.execute_raw(&format!("update installments set {set} where talent_id = {talent}"))
            .await
            .unwrap();
        let ids = installment_ids(&mut tx, talent).await;
        tx.commit().await.unwrap();
        ids
    }

    async fn certify(&self, id: i64) {
        let mut tx = self.app.store.begin_write().await.unwrap();
        assert!(
            tx.certify_installment(id, &format!("ZM2026-{id:04}"), today_ms())
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
    }

    async fn payments(&self) -> (i64, i64) {
        let mut tx = self.app.store.begin_read().await.unwrap();
        tx.payments_total().await.unwrap()
    }

    /// Every posting has two legs summing to zero; every year's available balance is
    /// never below zero after any posting (in posting order); returns the available
    /// balance per year.
    async fn check_ledger(&self, label: &str) -> BTreeMap<i64, i64> {
        let mut tx = self.app.store.begin_read().await.unwrap();
        let legs = tx.fund_ledger_legs().await.unwrap();
        let mut postings: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
        let mut year_of = BTreeMap::new();
        for l in &legs {
            postings
                .entry(l.posting_id)
                .or_default()
                .push((l.account.clone(), l.amount_fen));
            year_of.insert(l.posting_id, l.year);
        }
        let mut available: BTreeMap<i64, i64> = BTreeMap::new();
        for (id, legs) in &postings {
            assert_eq!(legs.len(), 2, "{label}: posting {id} has {} legs", legs.len());
            assert_eq!(
                legs.iter().map(|l| l.1).sum::<i64>(),
                0,
                "{label}: posting {id} does not balance"
            );
            let a = available.entry(year_of[id]).or_default();
            *a += legs.iter().filter(|l| l.0 == "available").map(|l| l.1).sum::<i64>();
            assert!(*a >= 0, "{label}: available balance {a} below zero after posting {id}");
        }
        // The balances the app reads agree with the legs.
        for (year, a) in &available {
            let b = tx.fund_balances(*year).await.unwrap();
            assert_eq!(b.available_fen, *a, "{label}: {year}");
            assert_eq!(
                b.budget_fen - b.committed_fen - b.paid_fen,
                b.available_fen,
                "{label}: {year}"
            );
        }
        available
    }
}

#[test]
fn a_frozen_report_becomes_installments_with_money_only() {
    let report = yincai_app::policies().evaluate(&facts("张明"), false).unwrap();
    let rows = installment_rows(7, 3, &report);
    assert!(!rows.is_empty(), "{report:#?}");
    for r in &rows {
        assert!(r.amount_fen > 0 && r.amount_fen % 100 == 0, "{r:?}");
        assert_eq!((r.talent_id, r.org_id), (7, 3));
        let e = &report.entitlements[&r.benefit_code];
        assert_eq!(r.article, e.article);
        let s = e
            .schedule
            .iter()
            .find(|s| Some(i64::from(s.year)) == r.service_year)
            .unwrap();
        assert_eq!(r.amount_fen, s.amount * 100);
        assert_eq!(r.due_on, s.due_on.to_string());
    }
    // Unique per (benefit, seq).
    let mut keys: Vec<_> = rows.iter().map(|r| (r.benefit_code.clone(), r.seq)).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), rows.len());
    // Every entitlement with a schedule of money is there.
    for (code, e) in &report.entitlements {
        if e.schedule.iter().any(|s| s.amount > 0) {
            assert!(rows.iter().any(|r| &r.benefit_code == code), "{code} missing");
        }
    }
}

#[tokio::test]
async fn scheduling_is_idempotent() {
    on_every_backend!(|w, label| {
        let t = w.talent("张明").await;
        let first = w.app.schedule_installments_for(t, &ctx()).await.unwrap();
        assert!(first > 0, "{label}");
        assert_eq!(w.app.schedule_installments_for(t, &ctx()).await.unwrap(), 0, "{label}");
        let mut tx = w.app.store.begin_read().await.unwrap();
        let rows = tx
            .installments(&InstallmentQuery {
                talent_id: Some(t),
                limit: 1000,
                ..InstallmentQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(rows.total, first as i64, "{label}");
        assert!(
            rows.rows
                .iter()
                .all(|r| r.status.code() == "scheduled" && r.talent_name == "张明")
        );
    });
}

#[tokio::test]
async fn budgets_with_growth_and_revision_within_what_is_spent() {
    on_every_backend!(|w, label| {
        w.budget(2026, "10,000,000.00").await;
        w.budget(2027, "12,500,000").await;
        let o = w.app.fund_overview(&w.finance, None, 0).await.unwrap();
        assert_eq!(o.years.len(), 2);
        let y27 = &o.years[0];
        assert_eq!((y27.year, y27.budget_fen), (2027, 1_250_000_000), "{label}");
        assert_eq!(y27.growth_fen, Some(250_000_000));
        assert_eq!(y27.growth_pct.as_deref(), Some("25.00%"));
        assert_eq!(y27.available_fen, 1_250_000_000);
        assert_eq!(o.years[1].growth_fen, None);

        // A second entry for the year is refused; a revision needs the version.
        let dup = w
            .app
            .set_budget(
                &w.finance,
                &BudgetInput {
                    year: "2027".into(),
                    amount: "1".into(),
                    ..BudgetInput::default()
                },
                &ctx(),
            )
            .await
            .unwrap_err();
        assert!(matches!(&dup, AppError::Duplicate(f) if f.field == "year"), "{dup:?}");
        let bad = w
            .app
            .set_budget(
                &w.finance,
                &BudgetInput {
                    year: "20x7".into(),
                    amount: "12.345".into(),
                    ..BudgetInput::default()
                },
                &ctx(),
            )
            .await
            .unwrap_err();
        let fields: Vec<_> = bad.field_errors().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["year", "amount"], "{label}");

        // Spend some of 2026, then revising below what is spent is refused with figures.
        let ids = w.installments(1, 300_000_000, "2026-12-31", "scheduled").await;
        approve_release(&w.app, &w.leader, ids[0], "领导小组〔2026〕1号")
            .await
            .unwrap();
        let err = w
            .app
            .set_budget(
                &w.finance,
                &BudgetInput {
                    year: "2026".into(),
                    amount: "2,000,000".into(),
                    note: String::new(),
                    version: "1".into(),
                },
                &ctx(),
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("¥3,000,000.00"), "{label}: {err}");
        let stale = w
            .app
            .set_budget(
                &w.finance,
                &BudgetInput {
                    year: "2026".into(),
                    amount: "9,000,000".into(),
                    note: String::new(),
                    version: "7".into(),
                },
                &ctx(),
            )
            .await
            .unwrap_err();
        assert!(matches!(stale, AppError::Stale), "{label}: {stale:?}");
        let row = w
            .app
            .set_budget(
                &w.finance,
                &BudgetInput {
                    year: "2026".into(),
                    amount: "9,000,000".into(),
                    note: "调减".into(),
                    version: "1".into(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        assert_eq!((row.amount_fen, row.version), (900_000_000, 2));
        let o = w.app.fund_overview(&w.finance, Some(2026), 0).await.unwrap();
        let y26 = o.years.iter().find(|y| y.year == 2026).unwrap();
        assert_eq!(
            (y26.budget_fen, y26.committed_fen, y26.paid_fen, y26.available_fen),
            (900_000_000, 300_000_000, 0, 600_000_000),
            "{label}"
        );
        assert_eq!(o.years[0].growth_pct.as_deref(), Some("38.89%"));
        // Ledger newest first, with the available balance after each posting.
        let after: Vec<_> = o
            .ledger
            .rows
            .iter()
            .map(|r| (r.kind.as_str(), r.available_after_fen))
            .collect();
        assert_eq!(
            after,
            [
                ("budget", 600_000_000),
                ("commitment", 700_000_000),
                ("budget", 1_000_000_000)
            ],
            "{label}"
        );
        w.check_ledger(label).await;

        // Only finance manages; the admin roles and units do not even read.
        for who in [&w.sysadmin, &w.unit, &w.leader] {
            let e = w
                .app
                .set_budget(
                    who,
                    &BudgetInput {
                        year: "2028".into(),
                        amount: "1".into(),
                        ..BudgetInput::default()
                    },
                    &ctx(),
                )
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::Forbidden(_)), "{label}");
        }
        assert!(w.app.fund_overview(&w.coord, None, 0).await.is_ok());
        assert!(matches!(
            w.app.fund_overview(&w.sysadmin, None, 0).await,
            Err(AppError::Forbidden(_))
        ));
    });
}

#[tokio::test]
async fn approval_and_payment_follow_the_gate_and_the_budget() {
    on_every_backend!(|w, label| {
        let t = w.talent("张明").await;
        w.app.schedule_installments_for(t, &ctx()).await.unwrap();
        let mut tx = w.app.store.begin_write().await.unwrap();
        let rows = tx
            .installments(&InstallmentQuery {
                talent_id: Some(t),
                limit: 100,
                ..InstallmentQuery::default()
            })
            .await
            .unwrap()
            .rows;
        let inst = rows.iter().find(|r| r.due_on.starts_with("2025")).unwrap().clone();
        drop(tx);

        // No budget for the due year yet.
        let e = approve_release(&w.app, &w.leader, inst.id, "领导小组〔2026〕3号")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("2025 年度专项资金预算尚未录入"), "{label}: {e}");
        w.budget(2025, "1000").await;
        // The assessment is not in yet.
        let e = approve_release(&w.app, &w.leader, inst.id, "领导小组〔2026〕3号")
            .await
            .unwrap_err();
        assert_eq!(e.field_errors()[0].field, "assessment", "{label}: {e}");
        let mut tx = w.app.store.begin_write().await.unwrap();
        tx.execute_raw(&format!(
            "update installments set engine_status = 'due' where id = {}",
            inst.id
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // Too little money: refused with the figures.
        let e = approve_release(&w.app, &w.leader, inst.id, "领导小组〔2026〕3号")
            .await
            .unwrap_err();
        let want = format!(
            "2025 年度专项资金可用余额 ¥1,000.00，不足以支付 {}",
            yincai_domain::money::Fen(inst.amount_fen).format_cn()
        );
        assert!(e.to_string().contains(&want), "{label}: {e}");
        // Without a resolution number. (Who may decide is the meeting's check: see gate.rs.)
        let e = approve_release(&w.app, &w.leader, inst.id, " ").await.unwrap_err();
        assert_eq!(e.field_errors()[0].field, "resolution_number");

        let budget = w.app.fund_balances(&w.finance, 2025).await.unwrap();
        let revised = yincai_domain::money::Fen(inst.amount_fen + 100_000).to_string();
        w.app
            .set_budget(
                &w.finance,
                &BudgetInput {
                    year: "2025".into(),
                    amount: revised,
                    note: String::new(),
                    version: "1".into(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        assert_eq!(budget.budget_fen, 100_000);
        let approved = approve_release(&w.app, &w.leader, inst.id, "领导小组〔2026〕3号")
            .await
            .unwrap();
        assert_eq!(approved.status.code(), "approved");
        assert_eq!(approved.resolution_number.as_deref(), Some("领导小组〔2026〕3号"));
        let e = approve_release(&w.app, &w.leader, inst.id, "领导小组〔2026〕4号")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::AlreadyHandled(_)), "{label}: {e:?}");

        // Not certified yet: finance cannot pay.
        let e = w.app.pay(&w.finance, inst.id, None, None, &ctx()).await.unwrap_err();
        assert_eq!(e.field_errors()[0].field, "status", "{label}: {e}");
        w.certify(inst.id).await;
        assert!(matches!(
            w.app.pay(&w.leader, inst.id, None, None, &ctx()).await,
            Err(AppError::Forbidden(_))
        ));
        let receipt = w.app.pay(&w.finance, inst.id, None, None, &ctx()).await.unwrap();
        assert_eq!((receipt.amount_fen, receipt.fund_year), (inst.amount_fen, 2025));
        assert_eq!(receipt.available_after_fen, 100_000, "{label}");
        let e = w.app.pay(&w.finance, inst.id, None, None, &ctx()).await.unwrap_err();
        assert!(
            matches!(&e, AppError::AlreadyHandled(m) if m.contains("不能重复支付") && m.contains("finance（显示名）")),
            "{label}: {e:?}"
        );
        let b = w.app.fund_balances(&w.finance, 2025).await.unwrap();
        assert_eq!(
            (b.committed_fen, b.paid_fen, b.available_fen),
            (0, inst.amount_fen, 100_000)
        );
        let paid = w.app.installment(&w.finance, inst.id).await.unwrap();
        assert_eq!(paid.status.code(), "paid");
        assert_eq!(w.payments().await, (1, inst.amount_fen));
        w.check_ledger(label).await;

        // Audited: budget ×2, approval, payment.
        let mut tx = w.app.store.begin_read().await.unwrap();
        let audit = tx
            .audit_records(&yincai_store::AuditQuery {
                object_type: Some("installment".into()),
                object_id: Some(inst.id.to_string()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let actions: Vec<_> = audit.rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["fund_pay", "release_approve"], "{label}");
    });
}

#[tokio::test]
async fn idempotency_keys_answer_the_first_response_and_refuse_another_request() {
    on_every_backend!(|w, label| {
        w.budget(2026, "10000").await;
        let ids = w.installments(2, 100_000, "2026-06-30", "certified").await;
        let first = w
            .app
            .pay(&w.finance, ids[0], None, Some("key-1"), &ctx())
            .await
            .unwrap();
        let again = w
            .app
            .pay(&w.finance, ids[0], None, Some("key-1"), &ctx())
            .await
            .unwrap();
        assert_eq!(first, again, "{label}");
        let other = w
            .app
            .pay(&w.finance, ids[1], None, Some("key-1"), &ctx())
            .await
            .unwrap_err();
        assert!(
            matches!(&other, AppError::Duplicate(f) if f.field == "idempotency_key"),
            "{label}: {other:?}"
        );
        // A new key for an installment already paid: the permanent guard answers.
        let e = w
            .app
            .pay(&w.finance, ids[0], None, Some("key-2"), &ctx())
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::AlreadyHandled(_)), "{label}");
        assert_eq!(w.payments().await, (1, 100_000));

        // 50 concurrent requests with one key: one payment, every answer the same receipt.
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let app = w.app.clone();
            let finance = w.finance.clone();
            let id = ids[1];
            tasks.push(tokio::spawn(async move {
                app.pay(&finance, id, None, Some("key-3"), &ctx()).await
            }));
        }
        let mut receipts = Vec::new();
        for t in tasks {
            receipts.push(t.await.unwrap().unwrap_or_else(|e| panic!("{label}: {e:?}")));
        }
        assert!(receipts.windows(2).all(|p| p[0] == p[1]), "{label}");
        assert_eq!(w.payments().await, (2, 200_000));
        w.check_ledger(label).await;
    });
}

#[tokio::test]
async fn payment_batches_pay_what_the_budget_allows_and_close_when_all_are_paid() {
    on_every_backend!(|w, label| {
        w.budget(2026, "2500").await;
        let ids = w.installments(3, 100_000, "2026-06-30", "certified").await;
        let e = w
            .app
            .create_batch(&w.finance, &BatchInput::default(), &ctx())
            .await
            .unwrap_err();
        assert_eq!(e.field_errors()[0].field, "installment_ids");
        let batch = w
            .app
            .create_batch(
                &w.finance,
                &BatchInput {
                    installment_ids: ids.clone(),
                    note: "第一批".into(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        assert_eq!(
            (batch.number.as_str(), batch.total_fen, batch.items),
            ("ZF2026-0001", 300_000, 3)
        );
        // Already in a batch: cannot go in another.
        let e = w
            .app
            .create_batch(
                &w.finance,
                &BatchInput {
                    installment_ids: vec![ids[0]],
                    note: String::new(),
                },
                &ctx(),
            )
            .await
            .unwrap_err();
        assert_eq!(e.field_errors()[0].field, "installment_ids", "{label}");

        let result = w
            .app
            .pay_batch(&w.finance, batch.id, Some("batch-1"), &ctx())
            .await
            .unwrap();
        assert_eq!((result.paid.len(), result.refused.len()), (2, 1), "{label}");
        assert!(
            result.refused[0]
                .message
                .contains("可用余额 ¥500.00，不足以支付 ¥1,000.00")
        );
        let view = w.app.batch(&w.finance, batch.id).await.unwrap();
        assert_eq!((view.batch.status.code(), view.batch.paid_items), ("open", 2));
        // The same request again answers the same, paying nothing more.
        let again = w
            .app
            .pay_batch(&w.finance, batch.id, Some("batch-1"), &ctx())
            .await
            .unwrap();
        assert_eq!(again.paid.len(), 2);
        assert_eq!(w.payments().await, (2, 200_000));

        // More money: the rest is paid and the batch closes.
        w.app
            .set_budget(
                &w.finance,
                &BudgetInput {
                    year: "2026".into(),
                    amount: "3000".into(),
                    note: String::new(),
                    version: "1".into(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let last = w.app.pay_batch(&w.finance, batch.id, None, &ctx()).await.unwrap();
        assert_eq!((last.paid.len(), last.refused.len()), (1, 0), "{label}");
        let view = w.app.batch(&w.finance, batch.id).await.unwrap();
        assert_eq!((view.batch.status.code(), view.batch.paid_fen), ("paid", 300_000));
        assert!(view.installments.iter().all(|i| i.status.code() == "paid"));
        assert_eq!(w.app.batches(&w.coord, 0).await.unwrap().total, 1);
        w.check_ledger(label).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_payments_of_one_installment_pay_it_once() {
    on_every_backend!(|w, label| {
        w.budget(2026, "1,000,000").await;
        let ids = w.installments(1, 12_345_678, "2026-06-30", "scheduled").await;
        approve_release(&w.app, &w.leader, ids[0], "领导小组〔2026〕9号")
            .await
            .unwrap();
        w.certify(ids[0]).await;
        let started = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..200 {
            let app = w.app.clone();
            let finance = w.finance.clone();
            let id = ids[0];
            tasks.push(tokio::spawn(async move {
                app.pay(&finance, id, None, Some(&format!("one-{i}")), &ctx()).await
            }));
        }
        let (mut ok, mut already) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(AppError::AlreadyHandled(_)) => already += 1,
                Err(e) => panic!("{label}: unexpected {e:?}"),
            }
        }
        eprintln!(
            "{label}: 200 concurrent payments of one installment: {ok} paid, {already} refused as already paid, {:?}",
            started.elapsed()
        );
        assert_eq!((ok, already), (1, 199), "{label}");
        assert_eq!(w.payments().await, (1, 12_345_678), "{label}");
        let available = w.check_ledger(label).await;
        assert_eq!(available[&2026], 100_000_000 - 12_345_678);
        let b = w.app.fund_balances(&w.finance, 2026).await.unwrap();
        assert_eq!((b.committed_fen, b.paid_fen), (0, 12_345_678), "{label}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_payments_over_twice_the_remaining_budget_spend_exactly_the_budget() {
    on_every_backend!(|w, label| {
        // Budget ¥600,000; ¥100,000 already paid: ¥500,000 remain. 1000 releases of ¥1,000
        // (¥1,000,000, twice the rest) are paid concurrently.
        w.budget(2027, "600,000").await;
        let earlier = w.installments(1, 10_000_000, "2027-01-31", "certified").await;
        w.app.pay(&w.finance, earlier[0], None, None, &ctx()).await.unwrap();
        let ids = w.installments(1000, 100_000, "2027-06-30", "certified").await;
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (i, id) in ids.iter().copied().enumerate() {
            let app = w.app.clone();
            let finance = w.finance.clone();
            tasks.push(tokio::spawn(async move {
                app.pay(&finance, id, None, Some(&format!("k-{i}")), &ctx()).await
            }));
        }
        let (mut ok, mut short) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(AppError::Invalid(e)) if e[0].message.contains("不足以支付 ¥1,000.00") => short += 1,
                Err(e) => panic!("{label}: unexpected {e:?}"),
            }
        }
        eprintln!(
            "{label}: 1000 concurrent payments over twice the remaining budget: {ok} paid, {short} refused for want of money, {:?}",
            started.elapsed()
        );
        assert_eq!((ok, short), (500, 500), "{label}");
        assert_eq!(w.payments().await, (501, 60_000_000), "{label}: payments == budget");
        let available = w.check_ledger(label).await;
        assert_eq!(available[&2027], 0, "{label}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_approvals_over_twice_the_budget_commit_exactly_the_budget() {
    on_every_backend!(|w, label| {
        w.budget(2028, "500,000").await;
        let ids = w.installments(1000, 100_000, "2028-06-30", "scheduled").await;
        let started = Instant::now();
        let mut tasks = Vec::new();
        for id in ids.iter().copied() {
            let app = w.app.clone();
            let leader = w.leader.clone();
            tasks.push(tokio::spawn(async move {
                (id, approve_release(&app, &leader, id, "领导小组〔2028〕1号").await)
            }));
        }
        let mut approved = Vec::new();
        let mut short = 0;
        for t in tasks {
            match t.await.unwrap() {
                (id, Ok(_)) => approved.push(id),
                (_, Err(AppError::Invalid(e))) if e[0].message.contains("不足以支付") => short += 1,
                (_, Err(e)) => panic!("{label}: unexpected {e:?}"),
            }
        }
        eprintln!(
            "{label}: 1000 concurrent approvals over twice the budget: {} committed, {short} refused, {:?}",
            approved.len(),
            started.elapsed()
        );
        assert_eq!((approved.len(), short), (500, 500), "{label}");
        let b = w.app.fund_balances(&w.finance, 2028).await.unwrap();
        assert_eq!((b.committed_fen, b.available_fen), (50_000_000, 0), "{label}");
        // Every committed release certified and paid concurrently: the commitment becomes
        // the payment, nothing left over.
        for id in &approved {
            w.certify(*id).await;
        }
        let mut tasks = Vec::new();
        for id in approved.iter().copied() {
            let app = w.app.clone();
            let finance = w.finance.clone();
            tasks.push(tokio::spawn(
                async move { app.pay(&finance, id, None, None, &ctx()).await },
            ));
        }
        for t in tasks {
            t.await.unwrap().unwrap_or_else(|e| panic!("{label}: {e:?}"));
        }
        let b = w.app.fund_balances(&w.finance, 2028).await.unwrap();
        assert_eq!(
            (b.budget_fen, b.committed_fen, b.paid_fen, b.available_fen),
            (50_000_000, 0, 50_000_000, 0),
            "{label}"
        );
        w.check_ledger(label).await;
    });
}
