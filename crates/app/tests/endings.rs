//! 因故解除 (Art. 27, ADR 0010) through the app, on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL: the coordination office proposes, the
//! leading group decides in a meeting; only the approval ends the relation (installments
//! cancelled, commitments released, recovery opened, exactly once); a rejection or a return
//! leaves everything as it was; nobody ends a relation outside a meeting.

use yincai_app::AppError;
use yincai_app::endings::EndingInput;
use yincai_app::meetings::{AgendaDecision, MeetingInput};
use yincai_app::workflow::ActInput;
use yincai_domain::workflow::Action;
use yincai_store::test_support::TestDb;

use crate::common::*;
use crate::recovery::ending;

impl World {
    /// A meeting held today with the ending `id` on its agenda: (meeting, agenda item).
    async fn on_agenda(&self, id: i64, number: &str) -> (i64, i64) {
        let meeting = self
            .app
            .create_meeting(
                &self.coord,
                &MeetingInput {
                    number: number.into(),
                    title: "人才工作领导小组会议".into(),
                    held_on: "2026-11-24".into(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let item = self.app.ending(&self.coord, id).await.unwrap().row.item_id.unwrap();
        let agenda = self
            .app
            .add_agenda_item(&self.coord, meeting, "", &[item], &ctx())
            .await
            .unwrap();
        (meeting, agenda)
    }

    async fn decide_ending(&self, meeting: i64, agenda: i64, action: Action, reason: &str) -> Result<(), AppError> {
        self.app
            .decide_agenda_item(
                &self.leader,
                meeting,
                agenda,
                &AgendaDecision {
                    action: Some(action),
                    resolution_number: "阿人才领字〔2026〕21号".into(),
                    reason: reason.into(),
                },
                &ctx(),
            )
            .await
    }

    async fn recoveries_of(&self, talent: i64) -> usize {
        let mut tx = self.app.store.begin_read().await.unwrap();
        usize::from(tx.recovery_of_talent(talent).await.unwrap().is_some())
    }
}

#[tokio::test]
async fn an_ending_proposed_by_the_office_ends_the_relation_only_when_the_meeting_approves() {
    on_every_backend!(|w, label| {
        w.budget(2026, "1000000").await;
        let t = w.talent("王强").await;
        let paid = w.inst(t, 1, "2025-03-01", 2_400_000, "paid").await;
        let approved = w.inst(t, 2, "2026-12-01", 2_400_000, "approved").await;
        let scheduled = w.inst(t, 3, "2027-03-01", 2_400_000, "scheduled").await;

        // A unit cannot draft an ending, nor see the office's proposals.
        let input = ending(
            "breach",
            "2026-06-30",
            "连续两年未履行服务协议约定的科研任务，经市协调办核实",
        );
        let err = w.app.propose_ending(&w.unit, t, &input, &ctx()).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err:?}");

        let id = w.app.propose_ending(&w.coord, t, &input, &ctx()).await.unwrap();
        assert!(w.app.ending(&w.unit, id).await.is_err(), "{label}");
        let e = w.app.ending(&w.coord, id).await.unwrap();
        assert_eq!(e.row.state.as_deref(), Some("draft"), "{label}");
        assert!(e.editable, "{label}");
        // Drafted: nothing has changed yet.
        assert_eq!(w.status(scheduled).await, "scheduled", "{label}");
        assert_eq!(w.recoveries_of(t).await, 0, "{label}");

        w.app
            .submit_ending(&w.coord, id, e.item_version.unwrap(), &ctx())
            .await
            .unwrap();
        let e = w.app.ending(&w.coord, id).await.unwrap();
        assert_eq!(e.row.state.as_deref(), Some("group_decision"), "{label}");
        assert!(!e.editable, "{label}: submitted, no longer editable");

        // Nobody decides outside a meeting: a leader's approval item by item is refused.
        let item = e.row.item_id.unwrap();
        let outside = ActInput::new(Action::Approve).resolution("阿人才领字〔2026〕99号");
        let err = w
            .app
            .act(&w.leader, item, e.item_version.unwrap(), &outside, &ctx())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Forbidden(m) if m.contains("会议")),
            "{label}: {err:?}"
        );
        assert!(
            w.app
                .act(&w.coord, item, e.item_version.unwrap(), &outside, &ctx())
                .await
                .is_err(),
            "{label}"
        );
        assert_eq!(w.status(scheduled).await, "scheduled", "{label}");
        assert_eq!(w.recoveries_of(t).await, 0, "{label}");

        // The meeting approves: in the decision's transaction the relation ends.
        let (meeting, agenda) = w.on_agenda(id, "2026年第9次").await;
        w.decide_ending(meeting, agenda, Action::Approve, "").await.unwrap();
        let e = w.app.ending(&w.coord, id).await.unwrap();
        assert_eq!(e.row.state.as_deref(), Some("approved"), "{label}");
        assert_eq!(
            e.resolution_number.as_deref(),
            Some("阿人才领字〔2026〕21号"),
            "{label}"
        );
        let recovery = e.row.recovery_id.expect("recovery opened");
        for (id, want) in [(paid, "paid"), (approved, "cancelled"), (scheduled, "cancelled")] {
            assert_eq!(w.status(id).await, want, "{label}: installment {id}");
        }
        {
            let mut tx = w.app.store.begin_read().await.unwrap();
            assert_eq!(tx.open_commitment(approved).await.unwrap(), 0, "{label}: released");
            let r = tx.recovery(recovery).await.unwrap().unwrap();
            assert_eq!((r.paid_fen, r.amount_fen), (2_400_000, 2_400_000), "{label}");
            assert_eq!(r.document, "阿人才领字〔2026〕21号", "{label}");
            assert!(r.reason.contains("未履行合同义务"), "{label}: {}", r.reason);
        }
        assert_eq!(w.end_date(t).await.as_deref(), Some("2026-06-30"), "{label}");
        // The audit record of the ending names the meeting, the agenda item and the number.
        let audits = w.audit_summaries("talent_end_for_cause", recovery).await;
        assert_eq!(audits.len(), 1, "{label}: {audits:?}");
        assert!(
            audits[0].contains("2026年第9次")
                && audits[0].contains(&format!("议题编号 {agenda}"))
                && audits[0].contains("阿人才领字〔2026〕21号"),
            "{label}: {audits:?}"
        );

        // Exactly once: the decided item cannot be decided again, nor a new proposal made.
        let again = w.decide_ending(meeting, agenda, Action::Approve, "").await.unwrap_err();
        assert!(matches!(again, AppError::AlreadyHandled(_)), "{label}: {again:?}");
        let err = w.app.propose_ending(&w.coord, t, &input, &ctx()).await.unwrap_err();
        assert_invalid(&err, "cause", label);
        assert_eq!(w.recoveries_of(t).await, 1, "{label}");
        let view = w.app.talent_evaluations(&w.coord, t).await.unwrap();
        assert_eq!(view.evaluations.len(), 2, "{label}: one re-evaluation");
    });
}

#[tokio::test]
async fn a_rejection_or_a_return_leaves_everything_as_it_was() {
    on_every_backend!(|w, label| {
        let t = w.talent("赵敏").await;
        let scheduled = w.inst(t, 1, "2027-03-01", 2_400_000, "scheduled").await;
        let input = ending("talent_fraud", "2026-06-30", "学历证书系伪造，经市协调办核实");
        let id = w.app.propose_ending(&w.coord, t, &input, &ctx()).await.unwrap();
        // A second proposal while one is under way is refused, naming the first.
        let dup = w.app.propose_ending(&w.coord, t, &input, &ctx()).await.unwrap_err();
        assert!(
            matches!(&dup, AppError::Duplicate(f) if f.message.contains(&id.to_string())),
            "{label}: {dup:?}"
        );
        let e = w.app.ending(&w.coord, id).await.unwrap();
        w.app
            .submit_ending(&w.coord, id, e.item_version.unwrap(), &ctx())
            .await
            .unwrap();

        // Returned: back to the office, editable, nothing ended.
        let (meeting, agenda) = w.on_agenda(id, "2026年第10次").await;
        let err = w.decide_ending(meeting, agenda, Action::Return, "").await.unwrap_err();
        assert_invalid(&err, "reason", label);
        w.decide_ending(meeting, agenda, Action::Return, "请补充学历认证机构的书面意见")
            .await
            .unwrap();
        let e = w.app.ending(&w.coord, id).await.unwrap();
        assert_eq!(e.row.state.as_deref(), Some("draft"), "{label}");
        assert!(e.editable, "{label}");
        let edited = EndingInput {
            basis: "教育部学历认证中心书面意见（2026-10-08）".into(),
            version: Some(e.row.version),
            ..input.clone()
        };
        w.app.update_ending(&w.coord, id, &edited, &ctx()).await.unwrap();
        let e = w.app.ending(&w.coord, id).await.unwrap();
        assert!(e.row.basis.contains("学历认证中心"), "{label}");
        w.app
            .submit_ending(&w.coord, id, e.item_version.unwrap(), &ctx())
            .await
            .unwrap();

        // Rejected: terminal, nothing ended.
        let (meeting, agenda) = w.on_agenda(id, "2026年第11次").await;
        w.decide_ending(meeting, agenda, Action::Reject, "证据不足，不予解除")
            .await
            .unwrap();
        let e = w.app.ending(&w.coord, id).await.unwrap();
        assert_eq!(e.row.state.as_deref(), Some("rejected"), "{label}");
        assert_eq!(e.row.recovery_id, None, "{label}");
        assert_eq!(w.status(scheduled).await, "scheduled", "{label}");
        assert_eq!(w.recoveries_of(t).await, 0, "{label}");
        assert_eq!(w.end_date(t).await, None, "{label}");
        let view = w.app.talent_evaluations(&w.coord, t).await.unwrap();
        assert_eq!(view.evaluations.len(), 1, "{label}: only the frozen evaluation");
        // After a rejection a new proposal may be made.
        assert!(
            w.app.propose_ending(&w.coord, t, &input, &ctx()).await.is_ok(),
            "{label}"
        );
    });
}

#[tokio::test]
async fn the_units_fraud_is_recorded_against_the_unit_with_the_people_responsible() {
    on_every_backend!(|w, label| {
        let t = w.talent("孙丽").await;
        let mut input = ending(
            "unit_fraud",
            "2026-06-30",
            "单位虚报岗位需求并伪造考核材料，经市协调办核实",
        );
        let err = w.app.propose_ending(&w.coord, t, &input, &ctx()).await.unwrap_err();
        assert_invalid(&err, "responsible", label);
        assert!(
            err.field_errors()[0].message.contains("单位领导和有关责任人"),
            "{label}: {err:?}"
        );
        input.responsible = "李某（主任）、周某（人事科科长）".into();
        let r = w
            .end_in_meeting(&w.app, t, &input, "阿人才领字〔2026〕22号")
            .await
            .unwrap();
        assert!(r.reason.starts_with("用人单位弄虚作假"), "{label}: {}", r.reason);

        let records = w.app.unit_misconduct(&w.coord, w.unit_org).await.unwrap();
        assert_eq!(records.len(), 1, "{label}");
        assert_eq!(records[0].responsible, "李某（主任）、周某（人事科科长）", "{label}");
        assert_eq!(records[0].resolution_number, "阿人才领字〔2026〕22号", "{label}");
        assert!(records[0].summary.contains("孙丽"), "{label}: {}", records[0].summary);
        // The unit sees what is recorded against it; the administrators do not.
        assert_eq!(
            w.app.unit_misconduct(&w.unit, w.unit_org).await.unwrap().len(),
            1,
            "{label}"
        );
        assert!(w.app.unit_misconduct(&w.sysadmin, w.unit_org).await.is_err(), "{label}");
        assert_eq!(
            w.audit_summaries("unit_misconduct_recorded", records[0].id).await.len(),
            1,
            "{label}"
        );

        // Another cause records nothing against the unit.
        let other = w.talent("钱进").await;
        w.end_in_meeting(
            &w.app,
            other,
            &ending("breach", "2026-06-30", "违反服务协议"),
            "阿人才领字〔2026〕23号",
        )
        .await
        .unwrap();
        assert_eq!(
            w.app.unit_misconduct(&w.coord, w.unit_org).await.unwrap().len(),
            1,
            "{label}"
        );
    });
}
