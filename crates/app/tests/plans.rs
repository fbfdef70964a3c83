//! Annual plans and announcements through the app, on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL: who creates and sees plans, editing only
//! in the draft step, the announcement's dates, and publishing only with an announcement.

use std::sync::Arc;

use yincai_app::clock::ManualClock;
use yincai_app::meetings::{AgendaDecision, MeetingInput};
use yincai_app::plans::{AnnouncementInput, AnnouncementStatus, PlanFilter, PlanInput, PositionInput};
use yincai_app::workflow::ActInput;
use yincai_app::{Actor, App, AppError, OrgKind, RequestCtx, Role};
use yincai_domain::workflow::Action;
use yincai_store::AuditQuery;
use yincai_store::test_support::TestDb;

use crate::common::{self, fields, org};

struct World {
    app: App,
    clock: Arc<ManualClock>,
    unit: Actor,
    other_unit: Actor,
    dept: Actor,
    other_dept: Actor,
    coord: Actor,
    coord2: Actor,
    leader: Actor,
    mayor: Actor,
    sysadmin: Actor,
    talent: Actor,
}

async fn world(db: &TestDb) -> World {
    let store = db.open_store().await;
    let mut tx = store.begin_write().await.unwrap();
    let dept = org(&mut tx, "商务和口岸局", OrgKind::Department, None).await;
    let dept2 = org(&mut tx, "科学技术局", OrgKind::Department, None).await;
    let unit = org(&mut tx, "口岸经济研究中心", OrgKind::CityUnit, Some(dept)).await;
    let unit2 = org(&mut tx, "科技创新服务中心", OrgKind::CityUnit, Some(dept2)).await;
    let coord = org(&mut tx, "人才工作协调办公室", OrgKind::CoordinationOffice, None).await;
    let lg = org(&mut tx, "人才工作领导小组", OrgKind::LeadingGroup, None).await;
    let city = org(&mut tx, "市领导", OrgKind::CityLeadership, None).await;
    let it = org(&mut tx, "信息中心", OrgKind::ItCentre, None).await;
    let public = tx.org_by_name("社会公众").await.unwrap().unwrap().id;
    let mut people = Vec::new();
    for (username, name, org_id, kind, role) in [
        ("unit", "李华", unit, OrgKind::CityUnit, Role::Unit),
        ("unit2", "钱多", unit2, OrgKind::CityUnit, Role::Unit),
        ("dept", "王芳", dept, OrgKind::Department, Role::Department),
        ("dept2", "孙科", dept2, OrgKind::Department, Role::Department),
        ("coord", "赵敏", coord, OrgKind::CoordinationOffice, Role::Coordination),
        ("coord2", "周全", coord, OrgKind::CoordinationOffice, Role::Coordination),
        ("leader", "刘强", lg, OrgKind::LeadingGroup, Role::LeadingGroup),
        ("mayor", "周涛", city, OrgKind::CityLeadership, Role::CityLeader),
        ("sysadmin", "郑伟", it, OrgKind::ItCentre, Role::SysAdmin),
        ("talent", "张明", public, OrgKind::Public, Role::Talent),
    ] {
        people.push(common::named_actor(&mut tx, username, name, org_id, kind, role).await);
    }
    tx.commit().await.unwrap();
    let clock = Arc::new(ManualClock::new(common::today_ms()));
    let app = common::app_with_clock(store, clock.clone());
    let mut p = people.into_iter();
    let mut next = || p.next().unwrap();
    World {
        app,
        clock,
        unit: next(),
        other_unit: next(),
        dept: next(),
        other_dept: next(),
        coord: next(),
        coord2: next(),
        leader: next(),
        mayor: next(),
        sysadmin: next(),
        talent: next(),
    }
}

fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "req-plan".into(),
    }
}

fn position(title: &str, openings: &str, mode: &str) -> PositionInput {
    PositionInput {
        id: None,
        title: title.into(),
        openings: openings.into(),
        field: "口岸物流".into(),
        mode: mode.into(),
        min_degree: "master".into(),
        majors: "物流管理、交通运输".into(),
        min_title: "intermediate".into(),
        qualifications: String::new(),
        requirements: "熟悉中欧班列业务".into(),
    }
}

fn plan_input() -> PlanInput {
    PlanInput {
        org_id: None,
        year: "2027".into(),
        title: "2027年度高层次人才引进计划".into(),
        note: "口岸物流急需紧缺人才".into(),
        positions: vec![
            position("物流研究员", "2", "recruit"),
            position("首席专家", "1", "special"),
        ],
        version: None,
    }
}

fn announcement(open: &str, close: &str) -> AnnouncementInput {
    AnnouncementInput {
        title: "口岸经济研究中心2027年度人才引进公告".into(),
        body: "现面向社会公开引进高层次和急需紧缺人才……".into(),
        open_date: open.into(),
        close_date: close.into(),
        version: None,
    }
}

const RESOLUTION: &str = "阿人才领字〔2026〕7号";

impl World {
    async fn create(&self) -> i64 {
        self.app.create_plan(&self.unit, &plan_input(), &ctx()).await.unwrap()
    }

    async fn item(&self, plan_id: i64) -> (i64, i64) {
        let v = self.app.plan(&self.coord, plan_id).await.unwrap();
        let item = v.item.unwrap();
        (item.id, item.version)
    }

    async fn act(&self, who: &Actor, plan_id: i64, input: ActInput) -> Result<String, AppError> {
        let (id, version) = self.item(plan_id).await;
        self.app
            .act(who, id, version, &input, &ctx())
            .await
            .map(|a| a.item.state)
    }

    async fn state(&self, plan_id: i64) -> String {
        self.app.plan(&self.coord, plan_id).await.unwrap().state
    }

    /// Unit submits, department and coordination office approve.
    async fn to_group_decision(&self, plan_id: i64) {
        self.act(&self.unit, plan_id, ActInput::new(Action::Submit))
            .await
            .unwrap();
        self.act(&self.dept, plan_id, ActInput::new(Action::Approve))
            .await
            .unwrap();
        self.act(&self.coord, plan_id, ActInput::new(Action::Approve))
            .await
            .unwrap();
        assert_eq!(self.state(plan_id).await, "group_decision");
    }

    /// The leading group approves the plan in a meeting.
    async fn approve_in_meeting(&self, plan_id: i64, number: &str) {
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
        let (item, _) = self.item(plan_id).await;
        let agenda = self
            .app
            .add_agenda_item(&self.coord, meeting, "", &[item], &ctx())
            .await
            .unwrap();
        self.app
            .decide_agenda_item(
                &self.leader,
                meeting,
                agenda,
                &AgendaDecision {
                    action: Some(Action::Approve),
                    resolution_number: RESOLUTION.into(),
                    reason: String::new(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        assert_eq!(self.state(plan_id).await, "approved");
    }

    async fn audit_actions(&self, plan_id: i64) -> Vec<String> {
        let q = AuditQuery {
            object_type: Some("plan".into()),
            object_id: Some(plan_id.to_string()),
            limit: 100,
            ..Default::default()
        };
        let mut rows: Vec<_> = self
            .app
            .store
            .begin_read()
            .await
            .unwrap()
            .audit_records(&q)
            .await
            .unwrap()
            .rows;
        rows.sort_by_key(|r| r.seq);
        rows.into_iter().map(|r| r.action).collect()
    }
}

macro_rules! on_every_backend {
    (|$w:ident, $label:ident| $body:block) => {
        for db in TestDb::all().await {
            let $label = db.label;
            let $w = world(&db).await;
            $body
            $w.app.store.close().await;
            db.cleanup().await;
        }
    };
}

#[tokio::test]
async fn a_unit_creates_its_plan_and_the_workflow_starts() {
    on_every_backend!(|w, label| {
        let id = w.create().await;
        let v = w.app.plan(&w.unit, id).await.unwrap();
        assert_eq!((v.plan.year, v.plan.org_id), (2027, w.unit.org_id), "{label}");
        assert_eq!(v.positions.len(), 2, "{label}");
        assert_eq!(v.openings, 3, "{label}");
        assert_eq!(v.positions[1].mode_name, "特聘", "{label}");
        assert_eq!(v.positions[0].min_degree_name, "硕士", "{label}");
        assert_eq!(
            (v.state.as_str(), v.state_name.as_str()),
            ("draft", "单位编制"),
            "{label}"
        );
        assert!(v.may_edit, "{label}");
        assert_eq!(v.events.len(), 1, "{label}: the start");
        assert_eq!(v.events[0].action_name, "发起", "{label}");
        let buttons: Vec<_> = v.actions.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(buttons, ["submit", "comment"], "{label}");
        let item = v.item.unwrap();
        assert_eq!(
            (item.workflow.as_str(), item.object_type.as_str(), item.org_id),
            ("annual_plan", "plan", w.unit.org_id),
            "{label}"
        );
        assert_eq!(item.object_id, id.to_string(), "{label}");
        assert_eq!(w.audit_actions(id).await, ["plan_created"], "{label}");

        // Not for another unit, not by a department or the coordination office.
        let foreign = PlanInput {
            org_id: Some(w.other_unit.org_id),
            ..plan_input()
        };
        let err = w.app.create_plan(&w.unit, &foreign, &ctx()).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err}");
        for who in [&w.dept, &w.coord, &w.leader] {
            let err = w.app.create_plan(who, &plan_input(), &ctx()).await.unwrap_err();
            assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err}");
        }
        for who in [&w.mayor, &w.sysadmin, &w.talent] {
            let err = w.app.create_plan(who, &plan_input(), &ctx()).await.unwrap_err();
            assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err}");
        }

        // Bad input names each field and writes nothing.
        let bad = PlanInput {
            year: "二〇二七".into(),
            title: String::new(),
            positions: vec![position("研究员", "0", "hire"), position("", "1", "recruit")],
            ..plan_input()
        };
        let err = w.app.create_plan(&w.unit, &bad, &ctx()).await.unwrap_err();
        assert_eq!(
            fields(&err),
            [
                "year",
                "title",
                "positions[0].openings",
                "positions[0].mode",
                "positions[1].title"
            ],
            "{label}"
        );
        assert!(err.to_string().contains("岗位第 1 行 引进人数"), "{label}: {err}");
        let page = w
            .app
            .plans(
                &w.coord,
                &PlanFilter {
                    limit: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total, 1, "{label}: nothing half-written");
    });
}

#[tokio::test]
async fn plans_are_seen_by_their_unit_its_department_and_the_city_offices() {
    on_every_backend!(|w, label| {
        let mine = w.create().await;
        let theirs = w.app.create_plan(&w.other_unit, &plan_input(), &ctx()).await.unwrap();
        let all = PlanFilter {
            limit: 50,
            ..Default::default()
        };
        let ids = async |who: &Actor, f: &PlanFilter| {
            let mut ids: Vec<i64> = w
                .app
                .plans(who, f)
                .await
                .unwrap()
                .rows
                .iter()
                .map(|r| r.row.plan.id)
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&w.unit, &all).await, [mine], "{label}");
        assert_eq!(ids(&w.dept, &all).await, [mine], "{label}");
        assert_eq!(ids(&w.other_dept, &all).await, [theirs], "{label}");
        for who in [&w.coord, &w.leader, &w.mayor] {
            assert_eq!(ids(who, &all).await, [mine, theirs], "{label}: {}", who.username);
        }
        // Out of scope answers "not found".
        for (who, id) in [(&w.unit, theirs), (&w.dept, theirs), (&w.other_dept, mine)] {
            let err = w.app.plan(who, id).await.unwrap_err();
            assert!(matches!(err, AppError::NotFound(_)), "{label}: {err}");
        }
        assert!(w.app.plan(&w.mayor, mine).await.is_ok(), "{label}");
        for who in [&w.sysadmin, &w.talent] {
            assert!(
                matches!(w.app.plans(who, &all).await, Err(AppError::Forbidden(_))),
                "{label}"
            );
            assert!(
                matches!(w.app.plan(who, mine).await, Err(AppError::Forbidden(_))),
                "{label}"
            );
        }
        // The department reviews its unit's plan only.
        let v = w.app.plan(&w.dept, mine).await.unwrap();
        assert!(
            v.actions.is_empty() || v.actions.iter().all(|a| a.action == "comment"),
            "{label}"
        );
        w.act(&w.unit, mine, ActInput::new(Action::Submit)).await.unwrap();
        let v = w.app.plan(&w.dept, mine).await.unwrap();
        let buttons: Vec<_> = v.actions.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(buttons, ["approve", "return", "reject", "comment"], "{label}");
        assert!(!v.may_edit, "{label}");
        let err = w
            .act(&w.other_dept, mine, ActInput::new(Action::Approve))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{label}: {err}");
        // Filters: year and state.
        let f = PlanFilter {
            state: Some("department_review".into()),
            ..all.clone()
        };
        assert_eq!(ids(&w.coord, &f).await, [mine], "{label}");
        let f = PlanFilter {
            year: Some(2026),
            ..all.clone()
        };
        assert!(ids(&w.coord, &f).await.is_empty(), "{label}");
        let page = w.app.plans(&w.coord, &all).await.unwrap();
        let row = page.rows.iter().find(|r| r.row.plan.id == mine).unwrap();
        assert_eq!(
            (row.state_name.as_str(), row.row.openings, row.row.org_name.as_str()),
            ("主管部门审核", 3, "口岸经济研究中心"),
            "{label}"
        );
    });
}

#[tokio::test]
async fn plans_are_edited_only_in_the_draft_step_and_after_a_return() {
    on_every_backend!(|w, label| {
        let id = w.create().await;
        let v = w.app.plan(&w.unit, id).await.unwrap();
        // Edit: change the first position, drop the second, add a third.
        let mut edit = plan_input();
        edit.title = "2027年度人才引进计划（修订）".into();
        edit.version = Some(v.plan.version);
        edit.positions = vec![
            PositionInput {
                id: Some(v.positions[0].row.id),
                ..position("高级物流研究员", "3", "transfer")
            },
            position("数据分析师", "1", "recruit"),
        ];
        w.app.update_plan(&w.unit, id, &edit, &ctx()).await.unwrap();
        let after = w.app.plan(&w.unit, id).await.unwrap();
        assert_eq!(after.plan.title, "2027年度人才引进计划（修订）", "{label}");
        assert_eq!(after.plan.version, v.plan.version + 1, "{label}");
        let titles: Vec<_> = after.positions.iter().map(|p| p.row.title.as_str()).collect();
        assert_eq!(titles, ["高级物流研究员", "数据分析师"], "{label}");
        assert_eq!(after.positions[0].row.id, v.positions[0].row.id, "{label}: kept its id");
        assert_eq!(after.positions[0].mode_name, "调动", "{label}");
        assert_eq!(after.openings, 4, "{label}");
        let audits = w.audit_actions(id).await;
        assert_eq!(audits, ["plan_created", "plan_updated"], "{label}");

        // A stale version is refused; so is a colleague of another unit and a department.
        let err = w.app.update_plan(&w.unit, id, &edit, &ctx()).await.unwrap_err();
        assert!(matches!(err, AppError::Stale), "{label}: {err}");
        let err = w.app.update_plan(&w.other_unit, id, &edit, &ctx()).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{label}: {err}");
        let err = w.app.update_plan(&w.dept, id, &edit, &ctx()).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err}");
        // A position of another plan cannot be smuggled in.
        let other = w.app.create_plan(&w.other_unit, &plan_input(), &ctx()).await.unwrap();
        let other_pos = w.app.plan(&w.other_unit, other).await.unwrap().positions[0].row.id;
        let smuggle = PlanInput {
            version: None,
            positions: vec![PositionInput {
                id: Some(other_pos),
                ..position("x", "1", "recruit")
            }],
            ..plan_input()
        };
        let err = w.app.update_plan(&w.unit, id, &smuggle, &ctx()).await.unwrap_err();
        assert_eq!(fields(&err), ["positions[0].title"], "{label}");

        // Submitted: no more edits, by anyone.
        w.act(&w.unit, id, ActInput::new(Action::Submit)).await.unwrap();
        let current = w.app.plan(&w.unit, id).await.unwrap();
        assert!(!current.may_edit, "{label}");
        let edit = PlanInput {
            version: Some(current.plan.version),
            ..plan_input()
        };
        let err = w.app.update_plan(&w.unit, id, &edit, &ctx()).await.unwrap_err();
        assert!(
            matches!(&err, AppError::Forbidden(m) if m.contains("主管部门审核")),
            "{label}: {err}"
        );
        // Returned by the department: editable again.
        w.act(&w.dept, id, ActInput::new(Action::Return).reason("岗位要求过高"))
            .await
            .unwrap();
        assert_eq!(w.state(id).await, "draft", "{label}");
        assert!(w.app.plan(&w.unit, id).await.unwrap().may_edit, "{label}");
        w.app.update_plan(&w.unit, id, &edit, &ctx()).await.unwrap();
        let v = w.app.plan(&w.unit, id).await.unwrap();
        assert_eq!(v.positions.len(), 2, "{label}: replaced by the two of plan_input");
        let returned = v.events.iter().find(|e| e.row.action == "return").unwrap();
        assert_eq!(
            (
                returned.role_name.as_str(),
                returned.row.reason.as_str(),
                returned.action_name.as_str()
            ),
            ("主管部门", "岗位要求过高", "退回修改"),
            "{label}"
        );
    });
}

#[tokio::test]
async fn the_announcement_is_set_when_approved_and_publishing_needs_it() {
    on_every_backend!(|w, label| {
        let id = w.create().await;
        // Not before the leading group's approval.
        let err = w
            .app
            .set_announcement(&w.coord, id, &announcement("2026-12-01", "2026-12-31"), &ctx())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err}");
        w.to_group_decision(id).await;
        // The leading group's buttons are not offered outside a meeting.
        let v = w.app.plan(&w.leader, id).await.unwrap();
        assert!(v.awaits_meeting, "{label}");
        assert!(v.actions.iter().all(|a| a.action == "comment"), "{label}");
        w.approve_in_meeting(id, "2026年第9次").await;
        let v = w.app.plan(&w.coord, id).await.unwrap();
        assert!(v.may_set_announcement && !v.announcement_set, "{label}");
        let decided = v.events.iter().find(|e| e.row.to_state == "approved").unwrap();
        assert_eq!(decided.row.resolution_number.as_deref(), Some(RESOLUTION), "{label}");

        // Publishing without an announcement is refused, and nothing moves.
        let err = w.act(&w.coord, id, ActInput::new(Action::Publish)).await.unwrap_err();
        assert_eq!(fields(&err), ["announcement"], "{label}: {err}");
        assert!(err.to_string().contains("报名开始、截止日期"), "{label}: {err}");
        assert_eq!(w.state(id).await, "approved", "{label}");

        // Bad dates name the field.
        for (open, close, field) in [
            ("2026/12/01", "2026-12-31", "open_date"),
            ("2026-12-01", "", "close_date"),
            ("2026-12-31", "2026-12-01", "close_date"),
            ("2026-11-01", "2026-11-23", "close_date"),
        ] {
            let err = w
                .app
                .set_announcement(&w.coord, id, &announcement(open, close), &ctx())
                .await
                .unwrap_err();
            assert_eq!(fields(&err), [field], "{label}: {open} {close}");
        }
        let err = w
            .app
            .set_announcement(
                &w.coord,
                id,
                &AnnouncementInput {
                    title: String::new(),
                    body: String::new(),
                    ..announcement("2026-12-01", "2026-12-31")
                },
                &ctx(),
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["title", "body"], "{label}");
        // Only the coordination office sets it.
        for who in [&w.unit, &w.dept, &w.leader] {
            let err = w
                .app
                .set_announcement(who, id, &announcement("2026-11-24", "2026-12-31"), &ctx())
                .await
                .unwrap_err();
            assert!(matches!(err, AppError::Forbidden(_)), "{label}: {err}");
        }
        w.app
            .set_announcement(&w.coord, id, &announcement("2026-11-24", "2026-12-31"), &ctx())
            .await
            .unwrap();
        assert!(w.app.plan(&w.coord, id).await.unwrap().announcement_set, "{label}");
        assert!(
            w.app.published_announcements().await.unwrap().is_empty(),
            "{label}: not public before publishing"
        );
        assert!(
            matches!(w.app.announcement(id).await, Err(AppError::NotFound(_))),
            "{label}"
        );

        // Published by another member of the office (the maker of approved is the meeting).
        assert_eq!(
            w.act(&w.coord2, id, ActInput::new(Action::Publish)).await.unwrap(),
            "published",
            "{label}"
        );
        let v = w.app.plan(&w.unit, id).await.unwrap();
        assert_eq!(v.plan.published_by, Some(w.coord2.user_id), "{label}");
        assert!(v.plan.published_at.is_some(), "{label}");
        assert!(v.actions.is_empty() && !v.may_set_announcement, "{label}");
        let err = w
            .app
            .set_announcement(&w.coord, id, &announcement("2026-11-24", "2027-01-31"), &ctx())
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Forbidden(_)),
            "{label}: no change after publishing"
        );
        assert_eq!(
            w.audit_actions(id).await,
            ["plan_created", "plan_announcement_set", "plan_published"],
            "{label}"
        );

        // On the portal: open now, with positions; closed after the close date.
        let list = w.app.published_announcements().await.unwrap();
        assert_eq!(list.len(), 1, "{label}");
        assert_eq!(list[0].status, AnnouncementStatus::Open, "{label}");
        assert_eq!((list[0].openings, list[0].positions.len()), (3, 2), "{label}");
        assert_eq!(list[0].org_name, "口岸经济研究中心", "{label}");
        w.clock.advance_minutes(60 * 24 * 38); // 2027-01-01
        let a = w.app.announcement(id).await.unwrap();
        assert_eq!(
            (a.status, a.status_name.as_str()),
            (AnnouncementStatus::Closed, "已截止"),
            "{label}"
        );
    });
}

#[tokio::test]
async fn publishing_after_the_close_date_is_refused() {
    on_every_backend!(|w, label| {
        let id = w.create().await;
        w.to_group_decision(id).await;
        w.approve_in_meeting(id, "2026年第10次").await;
        w.app
            .set_announcement(&w.coord, id, &announcement("2026-11-24", "2026-11-30"), &ctx())
            .await
            .unwrap();
        w.clock.advance_minutes(60 * 24 * 7); // 2026-12-01
        let err = w.act(&w.coord2, id, ActInput::new(Action::Publish)).await.unwrap_err();
        assert_eq!(fields(&err), ["close_date"], "{label}: {err}");
        assert_eq!(w.state(id).await, "approved", "{label}: the transition is undone");
        assert!(
            w.app.plan(&w.coord, id).await.unwrap().plan.published_at.is_none(),
            "{label}"
        );
    });
}
