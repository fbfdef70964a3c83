//! 待遇额度核定 (Art. 14(1), 14(2), 14(7)): the coordination office proposes an amount
//! within the policy's range (or, for 14(7), at the group's discretion); the leading group
//! fixes it in a meeting; the fixed amount becomes one lump-sum installment that the gate
//! releases. On SQLite and PostgreSQL.

use yincai_app::fixings::FixingInput;
use yincai_app::recovery::FactsChange;
use yincai_app::workflow::ActInput;
use yincai_app::{Actor, AppError};
use yincai_domain::workflow::Action;
use yincai_policy::facts::{Degree, Facts, Mode, Person, Title};
use yincai_store::test_support::TestDb;
use yincai_store::{AuditQuery, NewFixing};

use crate::common;
use common::*;

/// Category 3 (leading technology, special appointment) with a verified project: 项目启动
/// 资金 30-100 万元 (Art. 14(2)).
fn ranged(name: &str) -> Facts {
    Facts {
        person: Person {
            degree: Degree::Bachelor,
            full_time: true,
            title: Title::None,
            leading_technology: true,
            ..Person::default()
        },
        mode: Mode::Special,
        project_verified: true,
        ..facts(name)
    }
}

/// Category 5 (shortage-field bachelor) with a verified project: the amount is the
/// leading group's to set (Art. 14(7)).
fn discretionary(name: &str) -> Facts {
    Facts {
        person: Person {
            degree: Degree::Bachelor,
            full_time: true,
            title: Title::None,
            shortage_field: true,
            ..Person::default()
        },
        project_verified: true,
        ..facts(name)
    }
}

fn input(code: &str, amount: &str) -> FixingInput {
    FixingInput {
        benefit_code: code.into(),
        amount: amount.into(),
        project: "口岸智能查验设备产业化".into(),
        reason: "项目经科技局组织论证，总投资 1200 万元，建议按中等规模核定".into(),
        version: None,
    }
}

impl World {
    /// `who` proposes fixing `amount` yuan of the benefit `code` for `talent`; the fixing's id.
    async fn propose(&self, who: &Actor, talent: i64, code: &str, amount: &str) -> Result<i64, AppError> {
        self.app.propose_fixing(who, talent, &input(code, amount), &ctx()).await
    }
}

#[tokio::test]
async fn a_range_is_proposed_within_it_and_fixed_in_a_meeting_into_one_installment() {
    on_every_backend!(|w, label| {
        let talent = w.talent_with(ranged("阿依古丽")).await;
        let fixable = w.app.fixable_benefits(&w.coord, talent).await.unwrap();
        assert_eq!(fixable.len(), 1, "{label}");
        let f = &fixable[0];
        assert_eq!(
            (f.benefit_code.as_str(), f.article.as_str(), f.min_fen, f.max_fen),
            ("startup_fund", "14(2)", Some(30_000_000), Some(100_000_000)),
            "{label}"
        );
        assert_eq!(f.range_text, "300,000.00 至 1,000,000.00 元");

        // Out of range, and every other field wrong too: all named at once.
        let bad = FixingInput {
            project: String::new(),
            reason: "短".into(),
            ..input("startup_fund", "2,000,000")
        };
        let e = w.app.propose_fixing(&w.coord, talent, &bad, &ctx()).await.unwrap_err();
        assert_eq!(fields(&e), ["project", "reason", "amount"], "{label}");
        assert!(e.to_string().contains("300,000.00 至 1,000,000.00 元"), "{label}: {e}");
        let e = w
            .propose(&w.coord, talent, "startup_fund", "800000.001")
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["amount"], "{label}");
        // Only the coordination office proposes.
        let e = w.propose(&w.unit, talent, "startup_fund", "800000").await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{label}: {e:?}");

        let id = w.propose(&w.coord, talent, "startup_fund", "800,000").await.unwrap();
        let e = w.propose(&w.coord, talent, "startup_fund", "500000").await.unwrap_err();
        assert!(matches!(e, AppError::Duplicate(_)), "{label}: {e:?}");
        let v = w.app.fixing(&w.coord, id).await.unwrap();
        assert_eq!((v.row.state.as_deref(), v.row.amount_fen), (Some("draft"), 80_000_000));
        assert!(v.editable);
        w.app
            .update_fixing(
                &w.coord,
                id,
                &FixingInput {
                    version: Some(v.row.version),
                    ..input("", "900000")
                },
                &ctx(),
            )
            .await
            .unwrap();
        // The unit sees its talent's proposal; another unit would get 404 (scope).
        assert_eq!(w.app.fixing(&w.unit, id).await.unwrap().row.amount_fen, 90_000_000);

        // The leading group decides in a meeting only.
        let item = v.row.item_id.unwrap();
        let version = w.app.workflow_item(&w.coord, item).await.unwrap().item.version;
        w.app
            .act(&w.coord, item, version, &ActInput::new(Action::Submit), &ctx())
            .await
            .unwrap();
        let version = w.app.workflow_item(&w.leader, item).await.unwrap().item.version;
        let e = w
            .app
            .act(
                &w.leader,
                item,
                version,
                &ActInput::new(Action::Approve).resolution("阿人才领字〔2026〕9号"),
                &ctx(),
            )
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{label}: {e:?}");
        w.decide(&[item], "2026年第9次", "阿人才领字〔2026〕9号").await.unwrap();

        let v = w.app.fixing(&w.coord, id).await.unwrap();
        assert_eq!(v.row.state.as_deref(), Some("approved"), "{label}");
        assert_eq!(v.resolution_number.as_deref(), Some("阿人才领字〔2026〕9号"));
        assert!(!v.editable);
        let installment = v.row.installment_id.expect("the fixed amount is scheduled");
        let i = w.app.gate_status(&w.coord, installment).await.unwrap();
        assert_eq!(i.installment.amount_fen, 90_000_000, "{label}");
        assert_eq!(i.installment.benefit_code, "startup_fund");
        assert_eq!(i.installment.article, "14(2)");
        assert_eq!(i.installment.service_year, None);
        assert_eq!(i.installment.due_on, "2026-11-24");
        assert_eq!(i.installment.status.code(), "scheduled");
        // The talent page no longer offers a new proposal for it.
        let fixable = w.app.fixable_benefits(&w.coord, talent).await.unwrap();
        assert_eq!(fixable[0].current, Some(id));
        // Fixed means fixed.
        let e = w
            .app
            .update_fixing(&w.coord, id, &input("", "950000"), &ctx())
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{label}: {e:?}");
        // And it is released through the gate like any other installment.
        w.app.start_release(&w.coord, installment, &ctx()).await.unwrap();
        // Every step is in the audit trail with the article.
        let query = AuditQuery {
            object_type: Some("benefit_fixing".into()),
            limit: 50,
            ..Default::default()
        };
        let audit = common::audit_rows(&w.app, query).await;
        let fixed = audit.iter().find(|a| a.action == "fixing_fixed").expect("audited");
        assert!(fixed.summary.contains("第十四条第㈡项"), "{}", fixed.summary);
        assert!(audit.iter().any(|a| a.action == "fixing_propose"));
        assert!(audit.iter().any(|a| a.action == "fixing_edit"));
    });
}

#[tokio::test]
async fn the_discretionary_amount_of_14_7_has_no_range_but_a_typo_guard() {
    on_every_backend!(|w, label| {
        let talent = w.talent_with(discretionary("马建国")).await;
        let fixable = w.app.fixable_benefits(&w.coord, talent).await.unwrap();
        assert_eq!(fixable.len(), 1, "{label}");
        assert_eq!((fixable[0].article.as_str(), fixable[0].min_fen), ("14(7)", None));
        assert_eq!(fixable[0].range_text, "由领导小组视项目大小确定");
        for typed in ["0", "-5", "100000001", "五万"] {
            let e = w.propose(&w.coord, talent, "startup_fund", typed).await.unwrap_err();
            assert_eq!(fields(&e), ["amount"], "{label} {typed}");
        }
        let id = w.propose(&w.coord, talent, "startup_fund", "50,000.50").await.unwrap();
        assert_eq!(w.app.fixing(&w.coord, id).await.unwrap().row.amount_fen, 5_000_050);

        // A rejection in the meeting lets the office propose again.
        let item = w.app.fixing(&w.coord, id).await.unwrap().row.item_id.unwrap();
        let meeting = w
            .app
            .create_meeting(
                &w.coord,
                &yincai_app::meetings::MeetingInput {
                    number: "2026年第10次".into(),
                    title: "人才工作领导小组会议".into(),
                    held_on: "2026-11-24".into(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let agenda = w
            .app
            .add_agenda_item(&w.coord, meeting, "", &[item], &ctx())
            .await
            .unwrap();
        w.app
            .decide_agenda_item(
                &w.leader,
                meeting,
                agenda,
                &yincai_app::meetings::AgendaDecision {
                    action: Some(Action::Reject),
                    resolution_number: "阿人才领字〔2026〕10号".into(),
                    reason: "项目尚未落地，待落地后再议".into(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let v = w.app.fixing(&w.coord, id).await.unwrap();
        assert_eq!((v.row.state.as_deref(), v.row.installment_id), (Some("rejected"), None));
        assert_eq!(w.app.fixable_benefits(&w.coord, talent).await.unwrap()[0].current, None);
        w.propose(&w.coord, talent, "startup_fund", "80000").await.unwrap();
    });
}

#[tokio::test]
async fn a_talent_without_such_an_entitlement_has_nothing_to_fix() {
    on_every_backend!(|w, label| {
        let talent = w.talent("王强").await;
        assert!(
            w.app.fixable_benefits(&w.coord, talent).await.unwrap().is_empty(),
            "{label}"
        );
        let e = w.propose(&w.coord, talent, "startup_fund", "500000").await.unwrap_err();
        assert_eq!(fields(&e), ["benefit_code"], "{label}");
        // What was typed is checked too, so one answer names every field to fix.
        let e = w.propose(&w.coord, talent, "living_subsidy", "x").await.unwrap_err();
        assert_eq!(fields(&e), ["benefit_code", "amount"], "{label}");

        // The project lands and passes its 论证 after the talent arrived: recorded as a
        // change of facts, the re-evaluation grants the startup fund, which can now be fixed.
        let change = FactsChange {
            project_verified: true,
            ..FactsChange::default()
        };
        let v = w
            .reevaluate(&w.coord, talent, &change, "科技局论证意见（阿科论〔2026〕3号）")
            .await
            .unwrap();
        assert!(
            v.evaluations.last().unwrap().change_summary.contains("经有关部门论证"),
            "{label}"
        );
        let fixable = w.app.fixable_benefits(&w.coord, talent).await.unwrap();
        assert_eq!(fixable.len(), 1, "{label}");
        assert_eq!(fixable[0].benefit_code, "startup_fund");
        // Recording it again is no change.
        let e = w.reevaluate(&w.coord, talent, &change, "重复").await.unwrap_err();
        assert!(e.to_string().contains("变更内容"), "{label}: {e}");
    });
}

/// The database itself refuses an amount outside the stored range: the permanent guard
/// behind the form's check.
#[tokio::test]
async fn the_database_refuses_an_amount_outside_the_range() {
    on_every_backend!(|w, label| {
        let talent = w.talent_with(ranged("古丽")).await;
        let row = |amount_fen| NewFixing {
            talent_id: talent,
            org_id: w.unit_org,
            benefit_code: "startup_fund".into(),
            benefit_name: "项目启动资金".into(),
            article: "14(2)".into(),
            min_fen: Some(30_000_000),
            max_fen: Some(100_000_000),
            project: "项目".into(),
            reason: "理由理由".into(),
            amount_fen,
            created_by: w.coord.user_id,
        };
        let mut tx = w.app.store.begin_write().await.unwrap();
        assert!(tx.insert_fixing(&row(100_000_001), 1).await.is_err(), "{label}");
        drop(tx);
        let mut tx = w.app.store.begin_write().await.unwrap();
        assert!(tx.insert_fixing(&row(100_000_000), 1).await.is_ok(), "{label}");
        tx.commit().await.unwrap();
    });
}
