//! Re-evaluation and Art. 27 cancellation and recovery through the app, on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL: a change of facts adds an evaluation and
//! leaves the frozen one unchanged, with the difference shown; ending for cause (approved by
//! the leading group in a meeting, `endings.rs` walks the proposal itself) cancels
//! exactly the future installments (releasing commitments), computes the recovery by the
//! policy's named reading; repayments never exceed what is owed.

#![allow(dead_code)]

use yincai_app::endings::EndingInput;
use yincai_app::housing::{AllocateInput, CloseInput};
use yincai_app::recovery::{FactsChange, RepaymentInput};
use yincai_app::{Actor, App, AppError};
use yincai_store::fund::{NewPosting, PostingKind};
use yincai_store::test_support::{TestDb, new_installment};

use crate::common;
use common::*;

/// A proposal to end for `cause` on `ended_on`, with what the office verified.
pub fn ending(cause: &str, ended_on: &str, reason: &str) -> EndingInput {
    EndingInput {
        cause: cause.into(),
        ended_on: ended_on.into(),
        reason: reason.into(),
        basis: "市协调办核实报告（阿人才协〔2026〕1号）".into(),
        ..EndingInput::default()
    }
}

impl World {
    /// One installment of the talent in `status`, due on `due_on`; an approved one holds a
    /// commitment in the ledger.
    pub(crate) async fn inst(&self, talent: i64, seq: i64, due_on: &str, fen: i64, status: &str) -> i64 {
        let mut tx = self.app.store.begin_write().await.unwrap();
        tx.insert_installments(&[new_installment(talent, self.unit_org, seq, due_on, fen)], today_ms())
            .await
            .unwrap();
        let id: i64 = tx
            .execute_raw_scalar(&format!(
                "select cast(id as text) from installments where talent_id = {talent} and seq = {seq}"
            ))
            .await
            .unwrap()
            .parse()
            .unwrap();
        tx.execute_raw(&format!("update installments set status = '{status}' where id = {id}"))
            .await
            .unwrap();
        if status == "approved" {
            tx.post_fund(&NewPosting {
                year: due_on[..4].parse().unwrap(),
                at: 1,
                kind: PostingKind::Commitment,
                installment_id: Some(id),
                amount_fen: fen,
                actor_id: None,
                memo: "test",
            })
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        id
    }

    pub(crate) async fn status(&self, id: i64) -> String {
        let mut tx = self.app.store.begin_read().await.unwrap();
        tx.installment(id).await.unwrap().unwrap().status.code().to_owned()
    }

    /// The same app and database on another day.
    fn app_on(&self, at: &str) -> App {
        app_at(self.app.store.clone(), ms(at))
    }
}

#[tokio::test]
async fn a_change_of_facts_adds_an_evaluation_and_shows_the_difference() {
    on_every_backend!(|w, label| {
        let t = w.talent("李华").await;
        let before = {
            let mut tx = w.app.store.begin_read().await.unwrap();
            tx.talent(t).await.unwrap().unwrap()
        };
        let change = FactsChange {
            end: "2025-06-30".into(),
            ..FactsChange::default()
        };
        // A reason is required; the unit may not re-evaluate.
        let err = w.reevaluate(&w.coord, t, &change, " ").await.unwrap_err();
        common::assert_invalid(&err, "reason", label);
        assert!(w.reevaluate(&w.unit, t, &change, "证书").await.is_err(), "{label}");
        let bad = FactsChange {
            title: "professor".into(),
            ..FactsChange::default()
        };
        let err = w.reevaluate(&w.coord, t, &bad, "证书").await.unwrap_err();
        common::assert_invalid(&err, "title", label);

        let view = w.reevaluate(&w.coord, t, &change, "合同提前终止").await.unwrap();
        assert_eq!(view.evaluations.len(), 2, "{label}");
        assert_eq!(view.evaluations[0].seq, 0);
        assert_eq!(view.evaluations[1].seq, 1);
        let diff = &view.evaluations[1].diff;
        assert!(
            diff.iter()
                .any(|d| d.what.contains("发放计划") || d.what.contains("应发")),
            "{label}: an earlier end changes the entitlements: {diff:?}"
        );
        // The frozen evaluation is unchanged.
        let after = {
            let mut tx = w.app.store.begin_read().await.unwrap();
            tx.talent(t).await.unwrap().unwrap()
        };
        assert_eq!((before.facts, before.report), (after.facts, after.report));
        // The end is recorded on the talent's row (shown in the talent database).
        assert_eq!(before.end_date, None, "{label}");
        assert_eq!(after.end_date.as_deref(), Some("2025-06-30"), "{label}");
        assert!(
            view.evaluations[1]
                .change_summary
                .contains("人才库结束日期记为 2025-06-30"),
            "{label}: {}",
            view.evaluations[1].change_summary
        );

        // A second change builds on the latest facts: an end in the first service year, with
        // two assessments on file, is refused by the engine, nothing is stored.
        let earlier = FactsChange {
            end: "2024-06-30".into(),
            ..FactsChange::default()
        };
        let err = w.reevaluate(&w.coord, t, &earlier, "考核").await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{label}: {err:?}");
        let title = FactsChange {
            title: "senior".into(),
            ..FactsChange::default()
        };
        let view = w.reevaluate(&w.coord, t, &title, "取得正高职称").await.unwrap();
        assert_eq!(view.evaluations.len(), 3, "{label}");
        assert!(view.evaluations[2].change_summary.contains("senior"), "{label}");
    });
}

#[tokio::test]
async fn ending_for_cause_cancels_exactly_the_future_installments_and_recovers_what_was_paid() {
    on_every_backend!(|w, label| {
        w.budget(2025, "1000000").await;
        w.budget(2026, "1000000").await;
        let t = w.talent("王强").await;
        let paid1 = w.inst(t, 1, "2025-03-01", 2_400_000, "paid").await;
        let paid2 = w.inst(t, 2, "2026-03-01", 2_400_000, "paid").await;
        let approved = w.inst(t, 3, "2026-12-01", 2_400_000, "approved").await;
        let certified = w.inst(t, 4, "2026-12-15", 100_000, "certified").await;
        let scheduled = w.inst(t, 5, "2027-03-01", 2_400_000, "scheduled").await;
        let cancelled = w.inst(t, 6, "2028-03-01", 2_400_000, "cancelled").await;
        let other = w.talent("赵敏").await;
        let others = w.inst(other, 1, "2027-03-01", 2_400_000, "scheduled").await;
        let committed_before = {
            let mut tx = w.app.store.begin_read().await.unwrap();
            tx.fund_balances(2026).await.unwrap().committed_fen
        };
        assert_eq!(committed_before, 2_400_000, "{label}");

        // Every field is named when missing; the unit may not propose an ending.
        let err = w
            .app
            .propose_ending(&w.coord, t, &EndingInput::default(), &ctx())
            .await
            .unwrap_err();
        let AppError::Invalid(fields) = err else {
            panic!("{label}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["cause", "ended_on", "reason", "basis"], "{label}");
        let input = ending("breach", "2026-06-30", "学术不端，经市协调办核实");
        assert!(
            matches!(
                w.app.propose_ending(&w.unit, t, &input, &ctx()).await,
                Err(AppError::Forbidden(_))
            ),
            "{label}"
        );

        let r = w
            .end_in_meeting(&w.app, t, &input, "阿人才组〔2026〕9号")
            .await
            .unwrap();
        // The policy's named reading: interpretation `cancellation`, chosen cancel_all.
        assert!(r.interpretation_id.starts_with("cancellation"), "{label}: {r:?}");
        assert!(r.interpretation_id.contains("cancel_all"), "{label}: {r:?}");
        assert_eq!(r.paid_fen, 4_800_000, "{label}");
        assert_eq!(r.amount_fen, 4_800_000, "{label}: cancel_all recovers everything paid");
        assert_eq!((r.cancelled_count, r.cancelled_fen), (3, 4_900_000), "{label}");
        assert_eq!(r.status.code(), "open", "{label}");
        for (id, want) in [
            (paid1, "paid"),
            (paid2, "paid"),
            (approved, "cancelled"),
            (certified, "cancelled"),
            (scheduled, "cancelled"),
            (cancelled, "cancelled"),
            (others, "scheduled"),
        ] {
            assert_eq!(w.status(id).await, want, "{label}: installment {id}");
        }
        {
            let mut tx = w.app.store.begin_read().await.unwrap();
            assert_eq!(
                tx.fund_balances(2026).await.unwrap().committed_fen,
                0,
                "{label}: released"
            );
            assert_eq!(tx.open_commitment(approved).await.unwrap(), 0, "{label}");
        }
        // The change is a new evaluation: ended for cause, cancelled by Art. 27.
        let view = w.app.talent_evaluations(&w.coord, t).await.unwrap();
        assert_eq!(view.evaluations.len(), 2, "{label}");
        assert!(view.evaluations[1].cancelled_by.is_some(), "{label}");
        // Only once: a second proposal is refused, the recovery names the meeting's decision.
        assert!(
            w.app.propose_ending(&w.coord, t, &input, &ctx()).await.is_err(),
            "{label}"
        );
        assert_eq!(r.document, "阿人才组〔2026〕9号", "{label}");
        assert!(r.basis.contains("议题 1"), "{label}: {}", r.basis);
    });
}

#[tokio::test]
async fn repayments_never_exceed_what_is_owed_and_settle_the_recovery() {
    on_every_backend!(|w, label| {
        w.budget(2026, "1000000").await;
        let t = w.talent("陈晨").await;
        w.inst(t, 1, "2025-03-01", 2_400_000, "paid").await;
        let input = ending("breach", "2026-06-30", "未履行合同义务");
        let r = w
            .end_in_meeting(&w.app, t, &input, "阿人才组〔2026〕10号")
            .await
            .unwrap();
        assert_eq!(r.amount_fen, 2_400_000, "{label}");
        // A repayment of `amount` yuan on 2026-11-20 by `who`, against `version` of the recovery.
        let repay = async |who: &Actor, amount: &str, version: i64| {
            let input = RepaymentInput {
                paid_on: "2026-11-20".into(),
                amount: amount.into(),
                note: String::new(),
                version: version.to_string(),
            };
            w.app.record_repayment(who, r.id, &input, &ctx()).await
        };
        // Coordination reads but does not record repayments.
        assert!(repay(&w.coord, "100", 1).await.is_err(), "{label}");
        let err = repay(&w.finance, "24000.01", 1).await.unwrap_err();
        common::assert_invalid(&err, "amount", label);
        let v = repay(&w.finance, "10000", 1).await.unwrap();
        assert_eq!(
            (v.recovery.status.code(), v.outstanding_fen),
            ("partially_recovered", 1_400_000),
            "{label}"
        );
        // A stale version is refused.
        assert!(repay(&w.finance, "1", 1).await.is_err(), "{label}");
        let err = repay(&w.finance, "14000.01", 2).await.unwrap_err();
        common::assert_invalid(&err, "amount", label);
        let v = repay(&w.finance, "14000", 2).await.unwrap();
        assert_eq!((v.recovery.status.code(), v.outstanding_fen), ("settled", 0), "{label}");
        assert_eq!(v.repayments.len(), 2, "{label}");
        assert!(v.repayments.iter().all(|p| p.posting_id.is_some()), "{label}");
        assert!(repay(&w.finance, "1", 3).await.is_err(), "{label}");
        // One recovery posting per repayment: paid → available.
        let mut tx = w.app.store.begin_read().await.unwrap();
        let ledger = tx.fund_ledger(Some(2026), 0, 100).await.unwrap();
        let rec: Vec<i64> = ledger
            .rows
            .iter()
            .filter(|l| l.kind == "recovery")
            .map(|l| l.amount_fen)
            .collect();
        assert_eq!(rec.len(), 2, "{label}");
        assert_eq!(rec.iter().sum::<i64>(), 2_400_000, "{label}");
        drop(tx);
        let list = w.app.recoveries(&w.finance, Some("settled"), 0).await.unwrap();
        assert_eq!(list.total, 1, "{label}");
    });
}

#[tokio::test]
async fn ending_for_cause_returns_the_allocated_unit_and_records_the_end_date() {
    on_every_backend!(|w, label| {
        let t = w.talent("王强").await;
        let alloc = w.housed(t, "人才公寓1栋101", "2024-03-15").await;
        let other = w.talent("赵敏").await;
        let others = w.housed(other, "人才公寓1栋102", "2024-03-15").await;
        assert_eq!(w.end_date(t).await, None, "{label}");

        // A refused ending changes nothing: the unit stays allocated, no end date.
        let early = ending("breach", "2023-12-31", "学术不端，经市协调办核实");
        let err = w.app.propose_ending(&w.coord, t, &early, &ctx()).await.unwrap_err();
        common::assert_invalid(&err, "ended_on", label);
        let (a, unit) = w.allocation(alloc.id).await;
        assert_eq!((a.status.code(), unit.as_str()), ("active", "allocated"), "{label}");
        assert_eq!(w.end_date(t).await, None, "{label}");

        let input = EndingInput {
            ended_on: "2026-06-30".into(),
            ..early
        };
        let r = w
            .end_in_meeting(&w.app, t, &input, "阿人才组〔2026〕9号")
            .await
            .unwrap();

        // The unit is back in the register, the allocation closed on the end date, with the
        // article of the ending as the reason.
        let (a, unit) = w.allocation(alloc.id).await;
        assert_eq!((a.status.code(), unit.as_str()), ("returned", "free"), "{label}");
        assert_eq!(a.end_date.as_deref(), Some("2026-06-30"), "{label}");
        let reason = a.end_reason.unwrap_or_default();
        assert!(
            reason.contains("第二十七条") && reason.contains("阿人才组〔2026〕9号"),
            "{label}: {reason}"
        );
        // One audit record of the return, citing Art. 14 (the housing) and Art. 27 (the cause).
        let audits = w.audit_summaries("housing_return", alloc.id).await;
        assert_eq!(audits.len(), 1, "{label}: {audits:?}");
        assert!(
            audits[0].contains("第十四条第㈢项") && audits[0].contains("第二十七条"),
            "{label}: {audits:?}"
        );
        // Another talent's housing is untouched.
        let (b, unit_b) = w.allocation(others.id).await;
        assert_eq!((b.status.code(), unit_b.as_str()), ("active", "allocated"), "{label}");

        // The talent database and the talent's page show the end date.
        assert_eq!(w.end_date(t).await.as_deref(), Some("2026-06-30"), "{label}");
        let page = w.app.talent(&w.coord, t).await.unwrap();
        assert_eq!(page.row.end_date.as_deref(), Some("2026-06-30"), "{label}");
        assert_eq!(w.end_date(other).await, None, "{label}");

        // The ending's summary says what happened to the housing and the end date.
        assert!(
            r.basis.contains("人才公寓1栋101 收回") && r.basis.contains("人才库结束日期记为 2026-06-30"),
            "{label}: {}",
            r.basis
        );
        let view = w.app.talent_evaluations(&w.coord, t).await.unwrap();
        let summary = &view.evaluations[1].change_summary;
        assert!(summary.contains("人才公寓1栋101 收回"), "{label}: {summary}");
        let ended = w.audit_summaries("talent_end_for_cause", r.id).await;
        assert!(ended[0].contains("收回"), "{label}: {ended:?}");

        // The housing module sees the end: no new allocation after it.
        let unit_id = alloc.unit_id.to_string();
        let again = AllocateInput {
            unit_id,
            talent_id: t.to_string(),
            start_date: "2026-07-01".into(),
        };
        let err = w.app.allocate_housing(&w.coord, &again, &ctx()).await.unwrap_err();
        assert!(
            err.field_errors()
                .iter()
                .any(|f| f.field == "talent_id" && f.message.contains("已于 2026-06-30 结束")),
            "{label}: {err:?}"
        );
    });
}

#[tokio::test]
async fn a_gifted_unit_stays_when_the_relation_ends_for_cause() {
    on_every_backend!(|w, label| {
        let t = w.talent("孙丽").await;
        let alloc = w.housed(t, "人才公寓2栋201", "2024-03-01").await;
        // Five years of service: the gift is recorded on its date.
        let gift_day = w.app_on("2029-03-01T02:00:00Z");
        let close = CloseInput {
            version: alloc.version.to_string(),
            ..CloseInput::default()
        };
        let gifted = gift_day.gift_housing(&w.coord, alloc.id, &close, &ctx()).await.unwrap();
        assert_eq!(gifted.row.status.code(), "gifted", "{label}");

        let later = w.app_on("2029-07-01T02:00:00Z");
        let input = ending("breach", "2029-06-30", "违反服务协议，经市协调办核实");
        let r = w
            .end_in_meeting(&later, t, &input, "阿人才组〔2029〕3号")
            .await
            .unwrap();

        // The gift stands: the allocation and the unit stay gifted, no return is audited.
        let (a, unit) = w.allocation(alloc.id).await;
        assert_eq!((a.status.code(), unit.as_str()), ("gifted", "gifted"), "{label}");
        assert_eq!((a.end_date, a.end_reason), (None, None), "{label}");
        assert!(
            w.audit_summaries("housing_return", alloc.id).await.is_empty(),
            "{label}"
        );
        // ... and the ending says so.
        assert!(
            r.basis.contains("人才公寓2栋201 已于 2029-03-01 赠予，不收回"),
            "{label}: {}",
            r.basis
        );
        let view = later.talent_evaluations(&w.coord, t).await.unwrap();
        let summary = &view.evaluations[1].change_summary;
        assert!(summary.contains("已于 2029-03-01 赠予，不收回"), "{label}: {summary}");
        // The end date is recorded all the same.
        assert_eq!(w.end_date(t).await.as_deref(), Some("2029-06-30"), "{label}");
    });
}

#[test]
fn the_two_readings_of_art_27() {
    use yincai_app::recovery::must_recover;
    // cancel_all (the policy file's chosen reading): everything paid is recovered.
    assert!(must_recover(true, "2026-06-30", "2025-03-01"));
    assert!(must_recover(true, "2026-06-30", "2026-12-01"));
    // keep_due_before_end: only what was due after the end.
    assert!(!must_recover(false, "2026-06-30", "2025-03-01"));
    assert!(!must_recover(false, "2026-06-30", "2026-06-30"));
    assert!(must_recover(false, "2026-06-30", "2026-07-01"));
    // The policy file names the reading.
    let plan = yincai_app::policies().plans().first().unwrap();
    let i = plan.interpretations.iter().find(|i| i.id == "cancellation").unwrap();
    assert_eq!((i.chosen.as_str(), plan.switches.cancel_all), ("cancel_all", true));
}
