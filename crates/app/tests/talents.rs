//! The end of the introduction through the app, on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL: the procedure by mode, the report that
//! needs it, the confirmation that creates exactly one talent record with the policy
//! evaluation frozen, the talent database's scope, and 一事一议 cases.

use yincai_app::special_cases::SpecialCaseInput;
use yincai_app::talents::{ProcedureDetails, ProcedureInput, TalentFilter, TransferStepInput, validate_procedure};
use yincai_app::workflow::ActInput;
use yincai_app::{Actor, App, AppError, OrgKind, RequestCtx, Role};
use yincai_domain::workflow::Action;
use yincai_store::test_support::{TestDb, new_candidate};
use yincai_store::{NewCandidate, NewWorkflowEvent, NewWorkflowItem};

use crate::common::{actor, fields, org, today_ms};

fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "req-talents".into(),
    }
}

struct World {
    app: App,
    unit: Actor,
    other_unit: Actor,
    dept: Actor,
    other_dept: Actor,
    coord: Actor,
    coord2: Actor,
    leader: Actor,
    finance: Actor,
    talent: Actor,
    other_talent: Actor,
    unit_org: i64,
    candidate: i64,
    other_candidate: i64,
}

/// A doctor (full-time) with a vice-senior title: Art. 10 category by the policy.
fn form(name: &str) -> NewCandidate {
    NewCandidate {
        education: r#"[{"degree":"doctor","institution":"新疆大学","major":"化学","full_time":true,"school_tier":"211","graduation_year":"2015"}]"#.into(),
        title: "vice_senior".into(),
        ..new_candidate(name)
    }
}

async fn world(db: &TestDb) -> World {
    let store = db.open_store().await;
    let mut tx = store.begin_write().await.unwrap();
    let dept = org(&mut tx, "商务和口岸局", OrgKind::Department, None).await;
    let dept2 = org(&mut tx, "科学技术局", OrgKind::Department, None).await;
    let unit = org(&mut tx, "口岸经济研究中心", OrgKind::CityUnit, Some(dept)).await;
    let unit2 = org(&mut tx, "科技创新服务中心", OrgKind::Enterprise, Some(dept2)).await;
    let coord = org(&mut tx, "人才工作协调办公室", OrgKind::CoordinationOffice, None).await;
    let lg = org(&mut tx, "人才工作领导小组", OrgKind::LeadingGroup, None).await;
    let fin = org(&mut tx, "财政局", OrgKind::FinanceBureau, None).await;
    let public = tx.org_by_name("社会公众").await.unwrap().unwrap().id;
    let w_unit = actor(&mut tx, "unit", unit, OrgKind::CityUnit, Role::Unit).await;
    let other_unit = actor(&mut tx, "unit2", unit2, OrgKind::Enterprise, Role::Unit).await;
    let w_dept = actor(&mut tx, "dept", dept, OrgKind::Department, Role::Department).await;
    let other_dept = actor(&mut tx, "dept2", dept2, OrgKind::Department, Role::Department).await;
    let w_coord = actor(&mut tx, "coord", coord, OrgKind::CoordinationOffice, Role::Coordination).await;
    let coord2 = actor(
        &mut tx,
        "coord2",
        coord,
        OrgKind::CoordinationOffice,
        Role::Coordination,
    )
    .await;
    let leader = actor(&mut tx, "leader", lg, OrgKind::LeadingGroup, Role::LeadingGroup).await;
    let finance = actor(&mut tx, "finance", fin, OrgKind::FinanceBureau, Role::Finance).await;
    let talent = actor(&mut tx, "talent", public, OrgKind::Public, Role::Talent).await;
    let other_talent = actor(&mut tx, "talent2", public, OrgKind::Public, Role::Talent).await;
    let candidate = tx.insert_candidate(talent.user_id, &form("张明"), 1).await.unwrap();
    let other_candidate = tx
        .insert_candidate(other_talent.user_id, &form("李雷"), 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let app = crate::common::app_at(store, today_ms());
    World {
        app,
        unit: w_unit,
        other_unit,
        dept: w_dept,
        other_dept,
        coord: w_coord,
        coord2,
        leader,
        finance,
        talent,
        other_talent,
        unit_org: unit,
        candidate,
        other_candidate,
    }
}

fn event(
    item_id: i64,
    actor: &Actor,
    action: &str,
    from: &str,
    to: &str,
    resolution: Option<&str>,
) -> NewWorkflowEvent {
    NewWorkflowEvent {
        item_id,
        at: today_ms() - 86_400_000,
        actor_id: Some(actor.user_id),
        actor_name: actor.display_name.clone(),
        actor_role: actor.roles[0].code().into(),
        action: action.into(),
        from_state: from.into(),
        to_state: to.into(),
        reason: String::new(),
        resolution_number: resolution.map(String::from),
        attachments: "[]".into(),
        meeting_item_id: None,
        shared: true,
    }
}

impl World {
    /// An application of the demo candidate to a position of `mode` of the unit, whose
    /// item waits in `procedure` after a meeting's decision. Returns (application, item).
    async fn in_procedure(&self, mode: &str) -> (i64, i64) {
        let mut tx = self.app.store.begin_write().await.unwrap();
        let (_, _, app) = tx
            .insert_test_application(self.unit_org, self.candidate, mode, self.unit.user_id, today_ms())
            .await
            .unwrap();
        // The review found research results: category 4 (Art. 10(4)).
        tx.execute_raw(&format!("update applications set category = 4 where id = {app}"))
            .await
            .unwrap();
        let item = tx
            .insert_workflow_item(
                &NewWorkflowItem {
                    workflow: "application".into(),
                    object_type: "application".into(),
                    object_id: app.to_string(),
                    state: "procedure".into(),
                    org_id: self.unit_org,
                    maker_id: Some(self.leader.user_id),
                    due_date: None,
                    owner_user_id: Some(self.talent.user_id),
                },
                today_ms(),
            )
            .await
            .unwrap();
        for e in [
            event(item, &self.talent, "submit", "draft", "review", None),
            event(item, &self.coord, "approve", "review", "passed", None),
            event(item, &self.coord, "submit", "passed", "offered", None),
            event(item, &self.talent, "approve", "offered", "accepted", None),
            event(item, &self.coord, "submit", "accepted", "group_decision", None),
            event(
                item,
                &self.leader,
                "approve",
                "group_decision",
                "procedure",
                Some("阿人才领字〔2026〕7号"),
            ),
        ] {
            tx.append_workflow_event(&e).await.unwrap();
        }
        tx.commit().await.unwrap();
        (app, item)
    }

    async fn act(&self, who: &Actor, item: i64, input: ActInput) -> Result<String, AppError> {
        let v = self.app.workflow_item(&self.coord, item).await.unwrap().item.version;
        self.app.act(who, item, v, &input, &ctx()).await.map(|a| a.item.state)
    }

    async fn talent_count(&self) -> i64 {
        let mut tx = self.app.store.begin_read().await.unwrap();
        tx.execute_raw_scalar("select cast(count(*) as text) from talents")
            .await
            .unwrap()
            .parse()
            .unwrap()
    }
}

fn contract() -> ProcedureInput {
    ProcedureInput {
        contract_number: "阿口岸合字2026-001".into(),
        signed_on: "2026-11-20".into(),
        start_date: "2026-12-01".into(),
        end_date: "2031-11-30".into(),
        term_years: "5".into(),
        probation_months: "3".into(),
        ..Default::default()
    }
}

#[test]
fn each_mode_checks_its_own_fields() {
    // Recruit: everything missing, each field named.
    let err = validate_procedure("recruit", &ProcedureInput::default()).unwrap_err();
    for f in [
        "contract_number",
        "signed_on",
        "start_date",
        "end_date",
        "term_years",
        "probation_months",
    ] {
        assert!(fields(&err).contains(&f.to_string()), "{f}: {err}");
    }
    let d = validate_procedure("recruit", &contract()).unwrap();
    assert_eq!(d.start_date().map(|d| d.to_string()).as_deref(), Some("2026-12-01"));
    // The end must fit the term; probation at most 6 months; a real date.
    let bad = ProcedureInput {
        end_date: "2030-11-30".into(),
        probation_months: "7".into(),
        signed_on: "2026-02-30".into(),
        ..contract()
    };
    let err = validate_procedure("recruit", &bad).unwrap_err();
    assert_eq!(fields(&err), vec!["signed_on", "probation_months", "end_date"], "{err}");
    assert!(err.to_string().contains("2031-11-30"), "{err}");
    // The anniversary itself is accepted as the end.
    let ok = ProcedureInput {
        end_date: "2031-12-01".into(),
        ..contract()
    };
    assert!(validate_procedure("recruit", &ok).is_ok());

    // Transfer: an approval by 组织部 or 人社局 and the report are required.
    let step = |step: &str, on: &str, doc: &str| TransferStepInput {
        step: step.into(),
        done_on: on.into(),
        document_number: doc.into(),
    };
    let only_files = ProcedureInput {
        steps: vec![step("file_transfer", "2026-11-01", "")],
        ..Default::default()
    };
    let err = validate_procedure("transfer", &only_files).unwrap_err();
    assert_eq!(fields(&err), vec!["steps", "steps"], "{err}");
    assert!(err.to_string().contains("调动审批") && err.to_string().contains("到岗报到"));
    let no_doc = ProcedureInput {
        steps: vec![step("hr_approval", "2026-11-01", ""), step("report", "2026-11-10", "")],
        ..Default::default()
    };
    let err = validate_procedure("transfer", &no_doc).unwrap_err();
    assert_eq!(fields(&err), vec!["steps[0].document_number"], "{err}");
    let late = ProcedureInput {
        steps: vec![
            step("report", "2026-11-10", ""),
            step("org_approval", "2026-11-12", "阿组调〔2026〕3号"),
            step("", "", ""),
        ],
        ..Default::default()
    };
    let err = validate_procedure("transfer", &late).unwrap_err();
    assert!(err.to_string().contains("应先审批后报到"), "{err}");
    let good = ProcedureInput {
        steps: vec![
            step("report", "2026-11-10", ""),
            step("org_approval", "2026-11-01", "阿组调〔2026〕3号"),
        ],
        ..Default::default()
    };
    let d = validate_procedure("transfer", &good).unwrap();
    assert_eq!(d.start_date().map(|d| d.to_string()).as_deref(), Some("2026-11-10"));
    let ProcedureDetails::Transfer(t) = &d else { panic!() };
    assert_eq!(t.steps[0].step, "org_approval", "sorted by date");

    // Special: agreement kind, start, term, 6-12 months a year (Art. 26).
    let err = validate_procedure(
        "special",
        &ProcedureInput {
            agreement_kind: "gift".into(),
            start_date: "2026-12-01".into(),
            term_years: "3".into(),
            months_per_year: "13".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(fields(&err), vec!["agreement_kind", "months_per_year"], "{err}");
    let err = validate_procedure(
        "special",
        &ProcedureInput {
            agreement_kind: "hire".into(),
            start_date: "2026-12-01".into(),
            term_years: "3".into(),
            months_per_year: "5".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("第二十六条"),
        "fewer than 6 months a year: {err}"
    );
    let d = validate_procedure(
        "special",
        &ProcedureInput {
            agreement_kind: "part_time".into(),
            start_date: "2026-12-01".into(),
            term_years: "3".into(),
            months_per_year: "6".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(d.end_date().map(|d| d.to_string()).as_deref(), Some("2029-11-30"));
    assert!(d.summary().contains("兼职"));
    // A mode without a procedure.
    assert_eq!(
        fields(&validate_procedure("local", &contract()).unwrap_err()),
        vec!["mode"]
    );
}

#[tokio::test]
async fn procedure_then_confirmation_creates_one_talent_with_the_frozen_evaluation() {
    on_every_backend!(|w, label| {
        let (app, item) = w.in_procedure("recruit").await;

        // Reported without a procedure: refused, nothing moves.
        let err = w.act(&w.unit, item, ActInput::new(Action::Submit)).await.unwrap_err();
        assert_eq!(fields(&err), vec!["procedure"], "{label}: {err}");
        assert!(err.to_string().contains("劳动（聘用）合同"), "{label}: {err}");
        assert_eq!(
            w.app.procedure(&w.unit, app).await.unwrap().state.as_deref(),
            Some("procedure")
        );

        // Scope: another unit does not see it; a department sees its unit's but cannot record.
        for who in [&w.other_unit, &w.other_dept] {
            assert!(
                matches!(w.app.procedure(who, app).await, Err(AppError::NotFound(_))),
                "{label}"
            );
            assert!(
                matches!(
                    w.app.save_procedure(who, app, &contract(), &ctx()).await,
                    Err(AppError::NotFound(_))
                ),
                "{label}"
            );
        }
        assert!(!w.app.procedure(&w.dept, app).await.unwrap().editable, "{label}");
        assert!(matches!(
            w.app.save_procedure(&w.dept, app, &contract(), &ctx()).await,
            Err(AppError::Forbidden(_))
        ));

        // Errors per field keep nothing; then a valid contract, then a correction.
        let err = w
            .app
            .save_procedure(&w.unit, app, &ProcedureInput::default(), &ctx())
            .await
            .unwrap_err();
        assert!(fields(&err).contains(&"contract_number".to_string()), "{label}");
        assert!(w.app.procedure(&w.unit, app).await.unwrap().details.is_none());
        let view = w.app.save_procedure(&w.unit, app, &contract(), &ctx()).await.unwrap();
        assert_eq!((view.version, view.editable), (Some(1), true), "{label}");
        let stale = w
            .app
            .save_procedure(&w.unit, app, &contract(), &ctx())
            .await
            .unwrap_err();
        assert!(matches!(stale, AppError::Stale), "{label}: {stale:?}");
        let fixed = ProcedureInput {
            probation_months: "6".into(),
            version: Some(1),
            ..contract()
        };
        let view = w.app.save_procedure(&w.unit, app, &fixed, &ctx()).await.unwrap();
        assert_eq!(view.version, Some(2), "{label}");

        // Reported, then no more edits.
        assert_eq!(
            w.act(&w.unit, item, ActInput::new(Action::Submit)).await.unwrap(),
            "confirmation"
        );
        let view = w.app.procedure(&w.unit, app).await.unwrap();
        assert!(!view.editable, "{label}");
        let again = ProcedureInput {
            version: Some(2),
            ..contract()
        };
        assert!(matches!(
            w.app.save_procedure(&w.unit, app, &again, &ctx()).await,
            Err(AppError::Forbidden(_))
        ));
        assert_eq!(w.talent_count().await, 0, "{label}");

        // The coordination office confirms: exactly one talent record.
        assert_eq!(
            w.act(&w.coord, item, ActInput::new(Action::Approve)).await.unwrap(),
            "introduced"
        );
        assert_eq!(w.talent_count().await, 1, "{label}");
        let page = w.app.talents(&w.coord, &TalentFilter::default(), 0, 50).await.unwrap();
        assert_eq!(page.total, 1, "{label}");
        let t = w.app.talent(&w.coord, page.rows[0].id).await.unwrap();
        assert_eq!(
            (t.row.name.as_str(), t.row.mode.as_str(), t.row.employer.as_str()),
            ("张明", "recruit", "city_unit"),
            "{label}"
        );
        assert_eq!(t.row.start_date, "2026-12-01", "{label}");
        assert_eq!(t.row.end_date.as_deref(), Some("2031-11-30"), "{label}");
        assert_eq!(t.row.application_id, Some(app), "{label}");
        // The frozen evaluation is exactly what the policy engine says for these facts.
        let facts: yincai_policy::Facts = serde_json::from_str(&t.row.facts).unwrap();
        assert_eq!(facts.start.to_string(), "2026-12-01");
        assert_eq!(
            facts.as_of.to_string(),
            "2026-12-01",
            "as of the start when it lies ahead"
        );
        assert_eq!(facts.person.degree, yincai_policy::Degree::Doctor);
        assert!(facts.person.full_time);
        let report = yincai_app::policies().evaluate(&facts, false).unwrap();
        let stored: yincai_policy::Report = serde_json::from_str(&t.row.report).unwrap();
        assert_eq!(stored, report, "{label}");
        assert_eq!(
            (t.row.policy_id.as_str(), t.row.policy_version.as_str()),
            (report.policy.id.as_str(), report.policy.version.as_str())
        );
        assert_eq!(t.row.category, report.category.map(i64::from));
        assert_eq!(t.row.category, Some(4), "{label}: the reviewed category");
        assert!(facts.person.research_results);
        assert!(!t.category_reasons.is_empty());
        assert!(!t.entitlements.is_empty(), "{label}");
        assert!(t.entitlements.iter().all(|e| !e.article.is_empty()));
        let service = t.obligations.iter().find(|o| o.code == "continuous_service").unwrap();
        assert_eq!(
            (service.continuous_years, service.until.map(|d| d.to_string())),
            (Some(5), Some("2031-11-30".to_string()))
        );
        // The chain of steps links to the case history and names the resolution.
        assert_eq!(t.resolution_number.as_deref(), Some("阿人才领字〔2026〕7号"));
        assert_eq!(t.item_id, Some(item));
        assert_eq!(t.steps.len(), 6);
        assert!(t.steps.iter().all(|s| s.done), "{label}: {:?}", t.steps);
        assert!(
            t.steps
                .iter()
                .all(|s| s.link.as_deref() == Some(&format!("/workflow/{item}")[..]))
        );

        // Scope of the talent database.
        for who in [&w.unit, &w.dept, &w.leader, &w.finance, &w.coord2] {
            assert_eq!(
                w.app.talents(who, &TalentFilter::default(), 0, 50).await.unwrap().total,
                1,
                "{label}: {}",
                who.username
            );
            assert!(w.app.talent(who, t.row.id).await.is_ok());
        }
        for who in [&w.other_unit, &w.other_dept] {
            assert_eq!(
                w.app.talents(who, &TalentFilter::default(), 0, 50).await.unwrap().total,
                0
            );
            assert!(matches!(w.app.talent(who, t.row.id).await, Err(AppError::NotFound(_))));
        }
        assert!(matches!(
            w.app.talent(&w.talent, t.row.id).await,
            Err(AppError::Forbidden(_))
        ));
        assert_eq!(
            w.app.my_talent(&w.talent).await.unwrap().map(|t| t.row.id),
            Some(t.row.id)
        );
        assert!(w.app.my_talent(&w.other_talent).await.unwrap().is_none());
        assert!(matches!(w.app.my_talent(&w.coord).await, Err(AppError::Forbidden(_))));
        // Filters.
        let f = |name: &str, year: &str, mode: &str| TalentFilter {
            name: Some(name.into()),
            start_year: Some(year.into()),
            mode: Some(mode.into()),
            ..Default::default()
        };
        let n = async |filter: TalentFilter| w.app.talents(&w.coord, &filter, 0, 50).await.unwrap().total;
        assert_eq!(n(f("张", "2026", "recruit")).await, 1);
        assert_eq!(n(f("张", "2025", "")).await, 0);
        assert_eq!(n(f("", "", "special")).await, 0);
        let bad = w
            .app
            .talents(&w.coord, &f("", "二〇二六", "nonsense"), 0, 50)
            .await
            .unwrap_err();
        assert_eq!(fields(&bad), vec!["start_year", "mode"]);
    });
}

#[tokio::test]
async fn transfer_and_special_procedures_make_their_own_records() {
    on_every_backend!(|w, label| {
        let (app, item) = w.in_procedure("special").await;
        let agreement = ProcedureInput {
            agreement_kind: "joint_research".into(),
            start_date: "2026-10-01".into(),
            term_years: "3".into(),
            months_per_year: "8".into(),
            ..Default::default()
        };
        // The wrong mode's fields are refused with the right mode's field names.
        let err = w
            .app
            .save_procedure(&w.unit, app, &contract(), &ctx())
            .await
            .unwrap_err();
        assert!(fields(&err).contains(&"agreement_kind".to_string()), "{label}: {err}");
        w.app.save_procedure(&w.unit, app, &agreement, &ctx()).await.unwrap();
        w.act(&w.unit, item, ActInput::new(Action::Submit)).await.unwrap();
        // Returned to the unit, reported again, confirmed.
        assert_eq!(
            w.act(&w.coord, item, ActInput::new(Action::Return).reason("协议缺少盖章页"))
                .await
                .unwrap(),
            "procedure"
        );
        assert!(w.app.procedure(&w.unit, app).await.unwrap().editable);
        w.act(&w.unit, item, ActInput::new(Action::Submit)).await.unwrap();
        w.act(&w.coord, item, ActInput::new(Action::Approve)).await.unwrap();
        let page = w.app.talents(&w.coord, &TalentFilter::default(), 0, 50).await.unwrap();
        let t = w.app.talent(&w.coord, page.rows[0].id).await.unwrap();
        assert_eq!(
            (t.row.mode.as_str(), t.row.start_date.as_str()),
            ("special", "2026-10-01")
        );
        // As of today (after the start), with the agreed months next to the policy's.
        let facts: yincai_policy::Facts = serde_json::from_str(&t.row.facts).unwrap();
        assert_eq!(facts.as_of.to_string(), "2026-11-24", "{label}");
        let presence = t.obligations.iter().find(|o| o.code == "yearly_presence").unwrap();
        assert_eq!(
            (presence.months_per_year, presence.agreed_months_per_year),
            (Some(6), Some(8)),
            "{label}"
        );
        assert_eq!(w.talent_count().await, 1);

        // A transfer: starts on the day of the 报到, no agreed end; five years of service.
        let (app, item) = w.in_procedure("transfer").await;
        let steps = ProcedureInput {
            steps: vec![
                TransferStepInput {
                    step: "org_approval".into(),
                    done_on: "2026-09-01".into(),
                    document_number: "阿组调〔2026〕11号".into(),
                },
                TransferStepInput {
                    step: "report".into(),
                    done_on: "2026-09-15".into(),
                    document_number: String::new(),
                },
            ],
            ..Default::default()
        };
        w.app.save_procedure(&w.unit, app, &steps, &ctx()).await.unwrap();
        w.act(&w.unit, item, ActInput::new(Action::Submit)).await.unwrap();
        w.act(&w.coord, item, ActInput::new(Action::Approve)).await.unwrap();
        let filter = TalentFilter {
            mode: Some("transfer".into()),
            ..Default::default()
        };
        let page = w.app.talents(&w.dept, &filter, 0, 50).await.unwrap();
        assert_eq!(page.total, 1, "{label}");
        let t = w.app.talent(&w.dept, page.rows[0].id).await.unwrap();
        assert_eq!(
            (t.row.start_date.as_str(), t.row.end_date.as_deref()),
            ("2026-09-15", None)
        );
        assert!(
            t.steps[4].detail.contains("阿组调〔2026〕11号"),
            "{label}: {:?}",
            t.steps[4]
        );
        assert_eq!(w.talent_count().await, 2);
    });
}

#[tokio::test]
async fn special_cases_open_edit_and_go_to_the_leading_group() {
    on_every_backend!(|w, label| {
        let input = SpecialCaseInput {
            candidate_id: w.other_candidate.to_string(),
            reason: "该人才为国家级重点实验室骨干，政策未涵盖其引进待遇".into(),
            treatment: "给予一次性科研启动经费".into(),
            amount_yuan: "200,000".into(),
            version: None,
        };
        // Only the coordination office opens one; every field is checked.
        assert!(matches!(
            w.app.open_special_case(&w.unit, &input, &ctx()).await,
            Err(AppError::Forbidden(_))
        ));
        let bad = SpecialCaseInput {
            candidate_id: "99999".into(),
            reason: "短".into(),
            treatment: String::new(),
            amount_yuan: "12.5".into(),
            version: None,
        };
        let err = w.app.open_special_case(&w.coord, &bad, &ctx()).await.unwrap_err();
        assert_eq!(
            fields(&err),
            vec!["candidate_id", "reason", "treatment", "amount_yuan"],
            "{label}"
        );
        let id = w.app.open_special_case(&w.coord, &input, &ctx()).await.unwrap();
        let case = w.app.special_case(&w.leader, id).await.unwrap();
        assert_eq!(
            (case.row.state.as_deref(), case.treatment.amount_yuan, case.editable),
            (Some("draft"), Some(200_000), false),
            "{label}"
        );
        assert!(w.app.special_case(&w.coord2, id).await.unwrap().editable);
        assert!(matches!(
            w.app.special_case(&w.unit, id).await,
            Err(AppError::Forbidden(_))
        ));
        let edit = SpecialCaseInput {
            amount_yuan: String::new(),
            version: Some(1),
            ..input.clone()
        };
        w.app.update_special_case(&w.coord2, id, &edit, &ctx()).await.unwrap();
        assert!(matches!(
            w.app.update_special_case(&w.coord2, id, &edit, &ctx()).await,
            Err(AppError::Stale)
        ));
        let case = w.app.special_case(&w.coord, id).await.unwrap();
        assert_eq!((case.row.version, case.treatment.amount_yuan), (2, None));
        // Submitted to the leading group, which decides only in a meeting.
        w.app
            .submit_special_case(&w.coord, id, case.item_version.unwrap(), &ctx())
            .await
            .unwrap();
        let case = w.app.special_case(&w.coord, id).await.unwrap();
        assert_eq!(
            (case.row.state.as_deref(), case.editable),
            (Some("group_decision"), false)
        );
        assert!(matches!(
            w.app.update_special_case(&w.coord, id, &edit, &ctx()).await,
            Err(AppError::Forbidden(_))
        ));
        let item = case.row.item_id.unwrap();
        let err = w
            .act(
                &w.leader,
                item,
                ActInput::new(Action::Approve).resolution("阿人才领字〔2026〕9号"),
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("会议"), "{label}: {err}");
        let page = w.app.special_cases(&w.leader, &Default::default()).await.unwrap();
        assert_eq!(page.total, 1);
    });
}
