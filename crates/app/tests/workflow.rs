//! The workflow mechanism end to end through the app, on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL: the annual plan's procedure, returns,
//! rejection, withdrawal, maker ≠ checker, scope, concurrent approvals and the audit trail.

use yincai_app::meetings::{AgendaDecision, MeetingInput};
use yincai_app::workflow::{ActInput, ITEM_OBJECT, WorkflowObject};
use yincai_app::{Actor, App, AppError, OrgKind, RequestCtx, Role};
use yincai_domain::workflow::{ANNUAL_PLAN, Action};
use yincai_store::AuditQuery;
use yincai_store::test_support::TestDb;

use crate::common::{self, org};

/// 2025-01-24 10:00 Beijing, a Friday before the Spring Festival holiday.
fn before_spring_festival_2025() -> i64 {
    common::ms("2025-01-24T02:00:00Z")
}

struct World {
    app: App,
    unit: Actor,
    unit_colleague: Actor,
    other_unit: Actor,
    dept: Actor,
    other_dept: Actor,
    coord: Actor,
    coord2: Actor,
    leader: Actor,
    sysadmin: Actor,
    unit_org: i64,
}

fn actor(user_id: i64, name: &str, org_id: i64, kind: OrgKind, roles: Vec<Role>) -> Actor {
    Actor {
        user_id,
        username: format!("u{user_id}"),
        display_name: name.into(),
        org_id,
        org_name: String::new(),
        org_kind: kind,
        roles,
        must_change_password: false,
        csrf_token: String::new(),
    }
}

async fn world(db: &TestDb, now_ms: i64) -> World {
    let store = db.open_store().await;
    let mut tx = store.begin_write().await.unwrap();
    let dept = org(&mut tx, "商务和口岸局", OrgKind::Department, None).await;
    let dept2 = org(&mut tx, "科学技术局", OrgKind::Department, None).await;
    let unit = org(&mut tx, "口岸经济研究中心", OrgKind::CityUnit, Some(dept)).await;
    let unit2 = org(&mut tx, "科技创新服务中心", OrgKind::CityUnit, Some(dept2)).await;
    let coord = org(&mut tx, "人才工作协调办公室", OrgKind::CoordinationOffice, None).await;
    let lg = org(&mut tx, "人才工作领导小组", OrgKind::LeadingGroup, None).await;
    let it = org(&mut tx, "信息中心", OrgKind::ItCentre, None).await;
    // Real accounts behind the actors (ids 1-10 in a fresh database): meetings refer to them.
    for (n, org_id) in [unit, unit, unit2, dept, dept2, coord, coord, lg, it, coord]
        .into_iter()
        .enumerate()
    {
        let user = yincai_store::NewUser {
            username: format!("u{}", n + 1),
            display_name: format!("用户{}", n + 1),
            org_id,
            password_hash: String::new(),
            must_change_password: false,
            roles: Vec::new(),
        };
        let id = tx.insert_user(&user, 1).await.unwrap();
        assert_eq!(id, n as i64 + 1);
    }
    tx.commit().await.unwrap();
    let app = common::app_at(store, now_ms);
    World {
        app,
        unit: actor(1, "李华", unit, OrgKind::CityUnit, vec![Role::Unit]),
        unit_colleague: actor(2, "李雷", unit, OrgKind::CityUnit, vec![Role::Unit]),
        other_unit: actor(3, "钱多", unit2, OrgKind::CityUnit, vec![Role::Unit]),
        dept: actor(4, "王芳", dept, OrgKind::Department, vec![Role::Department]),
        other_dept: actor(5, "孙科", dept2, OrgKind::Department, vec![Role::Department]),
        coord: actor(6, "赵敏", coord, OrgKind::CoordinationOffice, vec![Role::Coordination]),
        coord2: actor(7, "周全", coord, OrgKind::CoordinationOffice, vec![Role::Coordination]),
        leader: actor(8, "刘强", lg, OrgKind::LeadingGroup, vec![Role::LeadingGroup]),
        sysadmin: actor(9, "郑伟", it, OrgKind::ItCentre, vec![Role::SysAdmin]),
        unit_org: unit,
    }
}

fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "req-wf".into(),
    }
}

fn plan(id: &str) -> WorkflowObject {
    WorkflowObject {
        object_type: "annual_plan".into(),
        object_id: id.into(),
    }
}

impl World {
    async fn start(&self) -> i64 {
        self.app
            .start_workflow(&self.unit, &ANNUAL_PLAN, &plan("2025"), self.unit_org, &ctx())
            .await
            .unwrap()
    }

    async fn version(&self, id: i64) -> i64 {
        self.app.workflow_item(&self.coord, id).await.unwrap().item.version
    }

    async fn state(&self, id: i64) -> String {
        self.app.workflow_item(&self.coord, id).await.unwrap().item.state
    }

    /// Acts with the current version.
    async fn act(&self, who: &Actor, id: i64, input: ActInput) -> Result<String, AppError> {
        let v = self.version(id).await;
        self.app.act(who, id, v, &input, &ctx()).await.map(|a| a.item.state)
    }

    /// The leading group's decision, as it is taken: in a meeting, on an agenda item (the
    /// item's pending one, or a new meeting's).
    async fn decide_in_meeting(&self, who: &Actor, id: i64, action: Action, reason: &str) -> Result<String, AppError> {
        static MEETINGS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let pending = {
            let mut tx = self.app.store.begin_read().await.unwrap();
            tx.pending_agenda_for(id).await.unwrap().into_iter().next()
        };
        let (meeting, agenda) = match pending {
            Some(a) => (a.meeting_id, a.id),
            None => {
                let n = MEETINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let input = MeetingInput {
                    number: format!("2025年第{n}次"),
                    title: "人才工作领导小组会议".into(),
                    held_on: "2025-01-24".into(),
                };
                let meeting = self.app.create_meeting(&self.coord, &input, &ctx()).await?;
                let agenda = self
                    .app
                    .add_agenda_item(&self.coord, meeting, "", &[id], &ctx())
                    .await?;
                (meeting, agenda)
            }
        };
        let decision = AgendaDecision {
            action: Some(action),
            resolution_number: RESOLUTION.into(),
            reason: reason.into(),
        };
        self.app
            .decide_agenda_item(who, meeting, agenda, &decision, &ctx())
            .await?;
        Ok(self.state(id).await)
    }

    async fn audit_count(&self, id: i64) -> i64 {
        let q = AuditQuery {
            object_type: Some(ITEM_OBJECT.into()),
            object_id: Some(id.to_string()),
            limit: 1000,
            ..Default::default()
        };
        self.app
            .store
            .begin_read()
            .await
            .unwrap()
            .audit_records(&q)
            .await
            .unwrap()
            .total
    }

    async fn open_tasks(&self, who: &Actor) -> Vec<yincai_store::TaskRow> {
        self.app.my_tasks(who).await.unwrap()
    }
}

const RESOLUTION: &str = "阿人才领字〔2025〕1号";

macro_rules! on_every_backend {
    (|$w:ident, $label:ident| $body:block) => {
        on_every_backend!(before_spring_festival_2025(), |$w, $label| $body)
    };
    ($now:expr, |$w:ident, $label:ident| $body:block) => {
        for db in TestDb::all().await {
            let $label = db.label;
            let $w = world(&db, $now).await;
            $body
            $w.app.store.close().await;
            db.cleanup().await;
        }
    };
}

#[tokio::test]
async fn the_annual_plan_happy_path_with_tasks_due_dates_events_and_one_audit_record_each() {
    on_every_backend!(|w, label| {
        let id = w.start().await;
        assert_eq!(w.open_tasks(&w.unit).await.len(), 1, "{label}: the unit drafts");
        assert_eq!(
            w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap(),
            "department_review"
        );

        // The department's task is due 5 working days later, across the Spring Festival:
        // Sunday 01-26 is worked, 01-28..02-04 is the holiday.
        let item = w.app.workflow_item(&w.dept, id).await.unwrap();
        assert_eq!(item.item.due_date.as_deref(), Some("2025-02-07"), "{label}");
        let tasks = w.open_tasks(&w.dept).await;
        assert_eq!(tasks.len(), 1, "{label}");
        assert_eq!(tasks[0].due_date.as_deref(), Some("2025-02-07"), "{label}");
        assert!(tasks[0].title.contains("主管部门审核"), "{label}: {}", tasks[0].title);
        assert!(
            w.open_tasks(&w.unit).await.is_empty(),
            "{label}: the draft task is closed"
        );
        assert!(
            w.open_tasks(&w.other_dept).await.is_empty(),
            "{label}: not another department's"
        );
        assert_eq!(
            item.actions,
            vec![Action::Approve, Action::Return, Action::Reject, Action::Comment]
        );

        assert_eq!(
            w.act(&w.dept, id, ActInput::new(Action::Approve)).await.unwrap(),
            "coordination_review"
        );
        assert_eq!(w.open_tasks(&w.coord).await.len(), 1, "{label}");
        assert_eq!(
            w.act(&w.coord, id, ActInput::new(Action::Approve)).await.unwrap(),
            "group_decision"
        );
        // The leading group decides in a meeting: no resolution number, no decision; and
        // not outside a meeting even with one.
        let err = w.act(&w.leader, id, ActInput::new(Action::Approve)).await.unwrap_err();
        assert!(err.to_string().contains("批复文号"), "{label}: {err}");
        let err = w
            .act(&w.leader, id, ActInput::new(Action::Approve).resolution(RESOLUTION))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("会议"), "{label}: {err}");
        assert_eq!(
            w.decide_in_meeting(&w.leader, id, Action::Approve, "").await.unwrap(),
            "approved"
        );
        // Publishing needs the plan's announcement (the plans feature's record): this item
        // has no plan behind it, so the transition is refused and leaves nothing behind.
        let err = w.act(&w.coord2, id, ActInput::new(Action::Publish)).await.unwrap_err();
        assert!(err.to_string().contains("公告"), "{label}: {err}");
        assert_eq!(w.state(id).await, "approved", "{label}");
        assert_eq!(
            w.open_tasks(&w.coord2).await.len(),
            1,
            "{label}: the publishing task is still open"
        );
        for who in [&w.unit, &w.dept, &w.leader] {
            assert!(w.open_tasks(who).await.is_empty(), "{label}: earlier tasks closed");
        }

        let view = w.app.workflow_item(&w.unit, id).await.unwrap();
        let actions: Vec<_> = view.events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["start", "submit", "approve", "approve", "approve"], "{label}");
        assert_eq!(view.events.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(view.events[4].resolution_number.as_deref(), Some(RESOLUTION), "{label}");
        assert_eq!(view.events[4].actor_role, "leading_group", "{label}");
        assert!(
            view.events[4].meeting_item_id.is_some(),
            "{label}: decided on an agenda item"
        );
        assert_eq!(view.state_name, "已批准待发布");
        assert_eq!(
            w.audit_count(id).await,
            5,
            "{label}: one audit record per event, none for the refusal"
        );
    });
}

#[tokio::test]
async fn return_with_reason_and_resubmit_and_return_to_a_chosen_step() {
    on_every_backend!(|w, label| {
        let id = w.start().await;
        w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap();
        let err = w.act(&w.dept, id, ActInput::new(Action::Return)).await.unwrap_err();
        assert!(
            matches!(&err, AppError::Invalid(f) if f[0].field == "reason"),
            "{label}: {err:?}"
        );
        assert_eq!(
            w.act(&w.dept, id, ActInput::new(Action::Return).reason("岗位要求不明确"))
                .await
                .unwrap(),
            "draft"
        );
        let tasks = w.open_tasks(&w.unit).await;
        assert_eq!(tasks.len(), 1, "{label}: back on the unit's desk");
        assert!(tasks[0].due_date.is_some(), "{label}");
        assert_eq!(
            w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap(),
            "department_review"
        );
        w.act(&w.dept, id, ActInput::new(Action::Approve)).await.unwrap();
        // The coordination office sends it back to the department, not to the unit.
        let err = w
            .act(
                &w.coord,
                id,
                ActInput::new(Action::Return).reason("x").return_to("approved"),
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("可退回至"), "{label}: {err}");
        assert_eq!(
            w.act(
                &w.coord,
                id,
                ActInput::new(Action::Return)
                    .reason("请主管部门复核人数")
                    .return_to("department_review")
            )
            .await
            .unwrap(),
            "department_review"
        );
        assert_eq!(w.open_tasks(&w.dept).await.len(), 1, "{label}");
        assert_eq!(
            w.act(&w.dept, id, ActInput::new(Action::Approve)).await.unwrap(),
            "coordination_review"
        );
        let events = w.app.workflow_item(&w.coord, id).await.unwrap().events;
        assert_eq!(events[2].reason, "岗位要求不明确", "{label}");
        assert_eq!(w.audit_count(id).await, events.len() as i64, "{label}");
    });
}

#[tokio::test]
async fn reject_ends_the_workflow_with_a_reason() {
    on_every_backend!(|w, label| {
        let id = w.start().await;
        w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap();
        w.act(&w.dept, id, ActInput::new(Action::Approve)).await.unwrap();
        assert!(w.act(&w.coord, id, ActInput::new(Action::Reject)).await.is_err());
        assert_eq!(
            w.act(&w.coord, id, ActInput::new(Action::Reject).reason("不符合第十条"))
                .await
                .unwrap(),
            "rejected"
        );
        for who in [&w.unit, &w.dept, &w.coord, &w.leader] {
            assert!(w.open_tasks(who).await.is_empty(), "{label}");
        }
        let err = w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap_err();
        assert!(err.to_string().contains("流程已结束"), "{label}: {err}");
        // A finished item does not block a new one for the same object.
        w.start().await;
    });
}

#[tokio::test]
async fn withdraw_only_by_the_submitter_and_only_before_the_next_step_acts() {
    on_every_backend!(|w, label| {
        let id = w.start().await;
        let err = w
            .app
            .start_workflow(&w.unit, &ANNUAL_PLAN, &plan("2025"), w.unit_org, &ctx())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("已有办理中的"), "{label}: {err}");
        w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap();
        let err = w
            .act(&w.unit_colleague, id, ActInput::new(Action::Withdraw))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("提交人本人"), "{label}: {err}");
        assert_eq!(
            w.act(&w.unit, id, ActInput::new(Action::Withdraw)).await.unwrap(),
            "draft"
        );
        // The colleague may submit it again; then the department acts and it is too late.
        w.act(&w.unit_colleague, id, ActInput::new(Action::Submit))
            .await
            .unwrap();
        w.act(&w.dept, id, ActInput::new(Action::Approve)).await.unwrap();
        let err = w
            .act(&w.unit_colleague, id, ActInput::new(Action::Withdraw))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err:?}");
        // The department withdraws its approval; the step waits on the department again,
        // whose maker is the unit's submitter, so the department can act on it.
        assert_eq!(
            w.act(&w.dept, id, ActInput::new(Action::Withdraw)).await.unwrap(),
            "department_review"
        );
        assert_eq!(
            w.act(&w.dept, id, ActInput::new(Action::Approve)).await.unwrap(),
            "coordination_review"
        );
    });
}

#[tokio::test]
async fn the_maker_of_a_step_never_checks_it() {
    on_every_backend!(|w, label| {
        // One person holding two roles (the table is the only guard against it).
        let both = actor(
            10,
            "双岗",
            w.coord.org_id,
            OrgKind::CoordinationOffice,
            vec![Role::Coordination, Role::LeadingGroup],
        );
        let id = w.start().await;
        w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap();
        w.act(&w.dept, id, ActInput::new(Action::Approve)).await.unwrap();
        w.act(&both, id, ActInput::new(Action::Approve)).await.unwrap();
        let err = w.decide_in_meeting(&both, id, Action::Approve, "").await.unwrap_err();
        assert!(err.to_string().contains("不能审核自己提交的事项"), "{label}: {err}");
        assert_eq!(w.state(id).await, "group_decision", "{label}");
        // A comment by the maker is fine and changes nothing.
        assert_eq!(
            w.act(&both, id, ActInput::new(Action::Comment).reason("已附会议材料"))
                .await
                .unwrap(),
            "group_decision"
        );
        w.decide_in_meeting(&w.leader, id, Action::Approve, "").await.unwrap();
    });
}

#[tokio::test]
async fn wrong_unit_wrong_department_and_admins_are_refused() {
    on_every_backend!(|w, label| {
        let id = w.start().await;
        for who in [&w.other_unit, &w.other_dept] {
            let err = w.act(who, id, ActInput::new(Action::Submit)).await.unwrap_err();
            assert!(matches!(err, AppError::NotFound(_)), "{label}: {err:?}");
            assert!(matches!(w.app.workflow_item(who, id).await, Err(AppError::NotFound(_))));
        }
        // The supervising department sees it but cannot submit for the unit.
        let err = w.act(&w.dept, id, ActInput::new(Action::Submit)).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err:?}");
        // The coordination office sees every unit but is not the unit.
        assert!(w.act(&w.coord, id, ActInput::new(Action::Submit)).await.is_err());
        let err = w.act(&w.sysadmin, id, ActInput::new(Action::Submit)).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err:?}");
        // Nobody starts a plan for another unit.
        let err = w
            .app
            .start_workflow(&w.other_unit, &ANNUAL_PLAN, &plan("x"), w.unit_org, &ctx())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err:?}");
        let err = w
            .app
            .start_workflow(&w.dept, &ANNUAL_PLAN, &plan("y"), w.dept.org_id, &ctx())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err:?}");
        let missing = w
            .app
            .act(&w.unit, 9999, 1, &ActInput::new(Action::Submit), &ctx())
            .await;
        assert!(matches!(missing, Err(AppError::NotFound(_))), "{label}");
        assert_eq!(w.state(id).await, "draft", "{label}");
        assert_eq!(w.audit_count(id).await, 1, "{label}: only the start");
    });
}

#[tokio::test]
async fn twenty_concurrent_approvals_make_exactly_one_transition() {
    on_every_backend!(|w, label| {
        let id = w.start().await;
        w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap();
        w.act(&w.dept, id, ActInput::new(Action::Approve)).await.unwrap();
        let version = w.version(id).await;
        let mut handles = Vec::new();
        for n in 0..20 {
            let app = w.app.clone();
            let who = actor(
                100 + n,
                &format!("协调员{n}"),
                w.coord.org_id,
                OrgKind::CoordinationOffice,
                vec![Role::Coordination],
            );
            handles.push(tokio::spawn(async move {
                app.act(&who, id, version, &ActInput::new(Action::Approve), &ctx())
                    .await
            }));
        }
        let mut ok = 0;
        let mut refused = Vec::new();
        for h in handles {
            match h.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) => refused.push(e),
            }
        }
        assert_eq!(ok, 1, "{label}: exactly one transition");
        assert_eq!(refused.len(), 19, "{label}");
        for e in &refused {
            let msg = e.to_string();
            assert!(
                matches!(e, AppError::AlreadyHandled(_))
                    && msg.contains("已由 协调员")
                    && msg.contains(" 于 2025-01-24 10:00 处理（同意）"),
                "{label}: {msg}"
            );
        }
        let view = w.app.workflow_item(&w.coord, id).await.unwrap();
        assert_eq!(view.item.state, "group_decision", "{label}");
        assert_eq!(view.item.version, version + 1, "{label}");
        let approvals = view
            .events
            .iter()
            .filter(|e| e.from_state == "coordination_review")
            .count();
        assert_eq!(approvals, 1, "{label}: one event");
        assert_eq!(w.audit_count(id).await, 4, "{label}: start, submit, two approvals");
        assert_eq!(
            w.open_tasks(&w.leader).await.len(),
            1,
            "{label}: one task for the next step"
        );
        let verdict = w.app.store.verify_audit().await.unwrap();
        assert!(
            matches!(verdict, yincai_store::AuditVerdict::Intact { .. }),
            "{label}: {verdict:?}"
        );
    });
}

#[tokio::test]
async fn a_year_the_calendar_does_not_know_falls_back_to_plain_days_and_says_so() {
    let far = "2099-12-30T02:00:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond();
    on_every_backend!(far, |w, label| {
        let id = w.start().await;
        let v = w.version(id).await;
        let acted = w
            .app
            .act(&w.unit, id, v, &ActInput::new(Action::Submit), &ctx())
            .await
            .unwrap();
        assert!(acted.due_in_plain_days, "{label}");
        assert_eq!(acted.item.due_date.as_deref(), Some("2100-01-04"), "{label}");
        let tasks = w.open_tasks(&w.dept).await;
        assert!(
            tasks[0].title.contains("2100 年工作日历尚未录入，期限按自然日计算"),
            "{label}: {}",
            tasks[0].title
        );
    });
}
