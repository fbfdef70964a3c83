//! Applications through the app on SQLite and (when `YINCAI_TEST_POSTGRES_URL` is set)
//! PostgreSQL: applying within the dates, once per position; the review with its checklist
//! and category; 补正 with the changes highlighted; the intent letter, required before it is
//! sent and refused beyond the openings; acceptance; who sees what; the review's findings
//! (审查认定) that reach Art. 10(3)-(6) and become the talent's facts at confirmation.

use yincai_app::applications::{
    ApplicationFilter, CHECKLIST_ITEMS, CheckItem, Checklist, Finding, Findings, ReviewInput,
};
use yincai_app::candidates::{Education, ProfileInput};
use yincai_app::meetings::{AgendaDecision, MeetingInput};
use yincai_app::talents::ProcedureInput;
use yincai_app::workflow::ActInput;
use yincai_app::{Actor, App, AppError, OrgKind, RequestCtx, Role};
use yincai_domain::workflow::Action;
use yincai_store::AuditQuery;
use yincai_store::test_support::TestDb;

use crate::common;
use crate::on_every_backend;

struct World {
    app: App,
    talent: Actor,
    talent2: Actor,
    talent3: Actor,
    unit: Actor,
    dept: Actor,
    other_unit: Actor,
    other_dept: Actor,
    coord: Actor,
    leader: Actor,
    unit_org: i64,
}

fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "req-app".into(),
    }
}

async fn world(db: &TestDb) -> World {
    let store = db.open_store().await;
    let mut tx = store.begin_write().await.unwrap();
    let mut orgs = Vec::new();
    for (name, kind, parent) in [
        ("商务和口岸局", OrgKind::Department, None),
        ("科学技术局", OrgKind::Department, None),
        ("口岸经济研究中心", OrgKind::CityUnit, Some(0)),
        ("科技创新服务中心", OrgKind::CityUnit, Some(1)),
        ("人才工作协调办公室", OrgKind::CoordinationOffice, None),
        ("社会公众（测试）", OrgKind::Public, None),
        ("人才工作领导小组", OrgKind::LeadingGroup, None),
    ] {
        let parent_id = parent.map(|i: usize| orgs[i]);
        orgs.push(common::org(&mut tx, name, kind, parent_id).await);
    }
    let mut actors = Vec::new();
    for (username, name, org, kind, role) in [
        ("t1", "张三", 5, OrgKind::Public, Role::Talent),
        ("t2", "李四", 5, OrgKind::Public, Role::Talent),
        ("t3", "王五", 5, OrgKind::Public, Role::Talent),
        ("unit", "李华", 2, OrgKind::CityUnit, Role::Unit),
        ("dept", "王芳", 0, OrgKind::Department, Role::Department),
        ("unit2", "钱多", 3, OrgKind::CityUnit, Role::Unit),
        ("dept2", "孙科", 1, OrgKind::Department, Role::Department),
        ("coord", "赵敏", 4, OrgKind::CoordinationOffice, Role::Coordination),
        ("leader", "周正", 6, OrgKind::LeadingGroup, Role::LeadingGroup),
    ] {
        actors.push(common::named_actor(&mut tx, username, name, orgs[org], kind, role).await);
    }
    tx.commit().await.unwrap();
    let app = common::app_at(store, common::today_ms());
    let mut a = actors.into_iter();
    let mut next = || a.next().unwrap();
    World {
        app,
        talent: next(),
        talent2: next(),
        talent3: next(),
        unit: next(),
        dept: next(),
        other_unit: next(),
        other_dept: next(),
        coord: next(),
        leader: next(),
        unit_org: orgs[2],
    }
}

/// The gender a 身份证号 states (position 17: odd male, even female), as the form must.
fn gender_of(id_number: &str) -> String {
    match id_number.trim().as_bytes().get(16) {
        Some(d) if d.is_ascii_digit() && (d - b'0') % 2 == 1 => "male".into(),
        _ => "female".into(),
    }
}

fn profile(name: &str, id_number: &str, phone: &str, title: &str) -> ProfileInput {
    ProfileInput {
        name: name.into(),
        id_type: "citizen_id".into(),
        id_number: id_number.into(),
        phone: phone.into(),
        gender: gender_of(id_number),
        education: vec![Education {
            degree: "doctor".into(),
            institution: "新疆大学".into(),
            major: "化学".into(),
            full_time: true,
            school_tier: "211".into(),
            graduation_year: "2015".into(),
        }],
        title: title.into(),
        honours: vec!["provincial_expert".into()],
        ..Default::default()
    }
}

impl World {
    /// A published plan of the unit with one position open from `open` to `close`.
    async fn position(&self, open: &str, close: &str, openings: i64, mode: &str, published: bool) -> i64 {
        let mut tx = self.app.store.begin_write().await.unwrap();
        let (_, position) = tx
            .insert_test_plan_position(
                self.unit_org,
                self.unit.user_id,
                open,
                close,
                published.then_some(common::today_ms() - 86_400_000),
                "化工工艺研究岗",
                openings,
                mode,
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        position
    }

    /// Saves the registration form of [`bachelor`] for `who`, under their display name.
    async fn register_bachelor(&self, who: &Actor, id_number: &str, phone: &str) {
        let form = bachelor(&who.display_name, id_number, phone);
        self.app.save_my_profile(who, &form, &ctx()).await.unwrap();
    }

    async fn register(&self, who: &Actor, id_number: &str, phone: &str) {
        self.app
            .save_my_profile(
                who,
                &profile(&who.display_name, id_number, phone, "intermediate"),
                &ctx(),
            )
            .await
            .unwrap();
    }

    fn full_checklist() -> Checklist {
        CHECKLIST_ITEMS
            .iter()
            .map(|(code, _)| {
                (
                    code.to_string(),
                    CheckItem {
                        checked: true,
                        note: "已核原件".into(),
                    },
                )
            })
            .collect()
    }

    async fn review(&self, id: i64, action: Option<Action>, reason: &str) -> Result<(), AppError> {
        let input = ReviewInput {
            checklist: Self::full_checklist(),
            action,
            reason: reason.into(),
            ..Default::default()
        };
        self.app.review_application(&self.coord, id, &input, &ctx()).await
    }

    async fn act(&self, who: &Actor, id: i64, input: ActInput) -> Result<(), AppError> {
        let version = self.app.application(who, id).await?.summary.item_version;
        self.app.act_on_application(who, id, version, &input, &ctx()).await
    }

    async fn state(&self, id: i64) -> String {
        self.app.application(&self.coord, id).await.unwrap().summary.state
    }

    /// Applied, reviewed and passed.
    async fn passed(&self, who: &Actor, position: i64) -> i64 {
        let id = self.app.apply(who, position, &ctx()).await.unwrap();
        self.review(id, Some(Action::Approve), "").await.unwrap();
        id
    }
}

fn invalid_field(e: &AppError) -> (&str, &str) {
    match e {
        AppError::Invalid(errors) => (errors[0].field.as_str(), errors[0].message.as_str()),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn an_application_goes_from_review_through_a_correction_to_an_accepted_letter() {
    on_every_backend!(|w, l| {
        let position = w.position("2026-11-01", "2026-12-31", 1, "recruit", true).await;

        // Without a registration form: told to fill it in, with the link.
        let e = w.app.apply(&w.talent, position, &ctx()).await.unwrap_err();
        let (field, message) = invalid_field(&e);
        assert_eq!(field, "profile", "{l}");
        assert!(
            message.contains("登记表") && message.contains("/me/profile"),
            "{l}: {message}"
        );

        w.register(&w.talent, "110101199003071233", "13812345678").await;
        let id = w.app.apply(&w.talent, position, &ctx()).await.unwrap();
        let view = w.app.application(&w.coord, id).await.unwrap();
        assert_eq!(view.summary.state, "review", "{l}");
        assert_eq!(
            view.summary.org_id, w.unit_org,
            "{l}: the application belongs to the plan's unit"
        );
        assert_eq!(
            view.form["id_number_masked"], "*****************3",
            "{l}: the form is masked"
        );
        assert!(!view.form.to_string().contains("110101199003071233"), "{l}");
        // Staff see the birth year, never the birth date beside the masked number.
        assert_eq!(view.form["birth_year"], 1990, "{l}");
        assert!(view.form.get("birth_date").is_none(), "{l}: {}", view.form);
        assert!(!view.form.to_string().contains("1990-03-07"), "{l}");
        assert_eq!(view.evaluation.category, Some(2), "{l}: provincial expert → 10(2)");
        assert_eq!(view.summary.category, Some(2), "{l}: stored with the application");
        assert!(view.changes.is_empty() && !view.resubmitted, "{l}");
        let labels: Vec<&str> = view.actions.iter().map(|a| a.label).collect();
        assert_eq!(labels, ["资格审查通过", "退回补正", "不予通过"], "{l}");

        // Twice: refused, naming the position.
        let e = w.app.apply(&w.talent, position, &ctx()).await.unwrap_err();
        assert!(
            matches!(&e, AppError::Duplicate(f) if f.field == "position_id" && f.message.contains("只能报名一次")),
            "{l}: {e:?}"
        );

        // Passing needs the whole checklist.
        let mut partial = World::full_checklist();
        partial.get_mut("no_record").unwrap().checked = false;
        let input = ReviewInput {
            checklist: partial,
            action: Some(Action::Approve),
            ..Default::default()
        };
        let e = w
            .app
            .review_application(&w.coord, id, &input, &ctx())
            .await
            .unwrap_err();
        let (field, message) = invalid_field(&e);
        assert_eq!(field, "checklist", "{l}");
        assert!(message.contains("无不良记录"), "{l}: {message}");
        assert_eq!(w.state(id).await, "review", "{l}: nothing half-written");
        assert!(
            w.app
                .application(&w.coord, id)
                .await
                .unwrap()
                .checklist
                .iter()
                .all(|c| !c.checked),
            "{l}: the checklist of a refused pass is not kept either"
        );

        // A return needs a reason; with one, back to the applicant.
        let e = w.review(id, Some(Action::Return), " ").await.unwrap_err();
        assert_eq!(invalid_field(&e).0, "reason", "{l}");
        w.review(id, Some(Action::Return), "职称证书与登记表不符，请补正")
            .await
            .unwrap();
        assert_eq!(w.state(id).await, "draft", "{l}");
        let mine = w.app.my_applications(&w.talent).await.unwrap();
        assert_eq!(mine.len(), 1, "{l}");
        assert_eq!(
            mine[0].return_reason.as_deref(),
            Some("职称证书与登记表不符，请补正"),
            "{l}"
        );
        assert_eq!(
            mine[0].actions.iter().map(|a| a.label).collect::<Vec<_>>(),
            ["提交报名"],
            "{l}"
        );

        // 补正: the applicant edits the form and resubmits; the review sees what changed.
        let mut fixed = profile("张三", "", "", "vice_senior");
        fixed.gender = "male".into(); // as the stored 身份证号 states
        fixed.qualifications = "注册化工工程师".into();
        w.app.save_my_profile(&w.talent, &fixed, &ctx()).await.unwrap();
        w.act(&w.talent, id, ActInput::new(Action::Submit)).await.unwrap();
        let view = w.app.application(&w.coord, id).await.unwrap();
        assert_eq!(view.summary.state, "review", "{l}");
        assert!(view.resubmitted, "{l}");
        let changes: Vec<(&str, Option<&str>, &str)> = view
            .changes
            .iter()
            .map(|c| (c.key, c.old.as_deref(), c.value.as_str()))
            .collect();
        assert_eq!(
            changes,
            [
                ("title_name", Some("中级"), "副高级"),
                ("qualifications", Some(""), "注册化工工程师"),
            ],
            "{l}"
        );
        assert_eq!(view.form["title"], "vice_senior", "{l}");

        // Pass; the letter is required before it is sent.
        w.review(id, Some(Action::Approve), "").await.unwrap();
        assert_eq!(w.state(id).await, "passed", "{l}");
        let e = w.act(&w.coord, id, ActInput::new(Action::Submit)).await.unwrap_err();
        let (field, message) = invalid_field(&e);
        assert_eq!(field, "letter", "{l}");
        assert!(message.contains("生成意向书"), "{l}: {message}");
        assert_eq!(w.state(id).await, "passed", "{l}");
        // The applicant does not see a letter before it is sent.
        let letter = w.app.generate_letter(&w.coord, id, &ctx()).await.unwrap();
        assert_eq!(letter.kind_name, "招聘意向书", "{l}");
        assert_eq!(letter.number, "阿人才意〔2026〕1号", "{l}");
        assert_eq!(letter.salutation, "张三同志：", "{l}");
        assert!(
            letter.body.contains("口岸经济研究中心“化工工艺研究岗”"),
            "{l}: {}",
            letter.body
        );
        assert!(letter.body.contains("第十条第（二）项"), "{l}: {}", letter.body);
        assert_eq!(
            letter.signature,
            ["阿拉山口市人才工作协调办公室", "二〇二六年十一月二十四日"],
            "{l}"
        );
        assert!(
            matches!(w.app.letter(&w.talent, id).await, Err(AppError::NotFound(_))),
            "{l}"
        );
        // Regenerating keeps the number.
        let again = w.app.generate_letter(&w.coord, id, &ctx()).await.unwrap();
        assert_eq!(again.number, letter.number, "{l}");
        assert!(matches!(
            w.app.generate_letter(&w.unit, id, &ctx()).await,
            Err(AppError::Forbidden(_))
        ));

        w.act(&w.coord, id, ActInput::new(Action::Submit)).await.unwrap();
        assert_eq!(w.state(id).await, "offered", "{l}");
        assert_eq!(w.app.letter(&w.talent, id).await.unwrap().number, letter.number, "{l}");
        let mine = w.app.my_applications(&w.talent).await.unwrap();
        assert_eq!(
            mine[0].actions.iter().map(|a| a.label).collect::<Vec<_>>(),
            ["接受意向书", "放弃"],
            "{l}"
        );
        w.act(&w.talent, id, ActInput::new(Action::Approve)).await.unwrap();
        assert_eq!(w.state(id).await, "accepted", "{l}");
        assert!(w.app.letter(&w.talent, id).await.unwrap().accepted_at.is_some(), "{l}");
    });
}

#[tokio::test]
async fn applications_outside_the_dates_or_beyond_the_openings_are_refused() {
    on_every_backend!(|w, l| {
        w.register(&w.talent, "110101199003071233", "13812345678").await;
        w.register(&w.talent2, "11010519491231002X", "13912345678").await;
        w.register(&w.talent3, "110101198001010010", "13712345678").await;

        let closed = w.position("2026-10-01", "2026-11-23", 1, "recruit", true).await;
        let e = w.app.apply(&w.talent, closed, &ctx()).await.unwrap_err();
        let (field, message) = invalid_field(&e);
        assert_eq!(field, "position_id", "{l}");
        assert!(message.contains("报名已于 2026-11-23 截止"), "{l}: {message}");
        let later = w.position("2026-12-01", "2026-12-31", 1, "recruit", true).await;
        let e = w.app.apply(&w.talent, later, &ctx()).await.unwrap_err();
        assert!(invalid_field(&e).1.contains("2026-12-01 开始"), "{l}: {e}");
        let unpublished = w.position("2026-11-01", "2026-12-31", 1, "recruit", false).await;
        assert!(
            matches!(
                w.app.apply(&w.talent, unpublished, &ctx()).await,
                Err(AppError::NotFound(_))
            ),
            "{l}"
        );
        // The last day counts.
        let last_day = w.position("2026-11-01", "2026-11-24", 1, "special", true).await;
        let a = w.passed(&w.talent, last_day).await;
        let b = w.passed(&w.talent2, last_day).await;
        let c = w.passed(&w.talent3, last_day).await;
        for id in [a, b, c] {
            w.app.generate_letter(&w.coord, id, &ctx()).await.unwrap();
        }
        assert_eq!(w.app.letter(&w.coord, a).await.unwrap().kind_name, "特聘意向书", "{l}");
        w.act(&w.coord, a, ActInput::new(Action::Submit)).await.unwrap();
        // One opening, taken by a: b's letter cannot go.
        let e = w.act(&w.coord, b, ActInput::new(Action::Submit)).await.unwrap_err();
        let (field, message) = invalid_field(&e);
        assert_eq!(field, "openings", "{l}");
        assert!(
            message.contains("核定引进 1 人") && message.contains("1 人"),
            "{l}: {message}"
        );
        assert_eq!(w.state(b).await, "passed", "{l}");
        // a declines: the opening is free again.
        let e = w.act(&w.talent, a, ActInput::new(Action::Reject)).await.unwrap_err();
        assert_eq!(invalid_field(&e).0, "reason", "{l}");
        w.act(&w.talent, a, ActInput::new(Action::Reject).reason("已另有工作"))
            .await
            .unwrap();
        assert_eq!(w.state(a).await, "declined", "{l}");
        w.act(&w.coord, b, ActInput::new(Action::Submit)).await.unwrap();
        assert!(w.act(&w.coord, c, ActInput::new(Action::Submit)).await.is_err(), "{l}");
    });
}

#[tokio::test]
async fn each_sees_only_their_own_applications() {
    on_every_backend!(|w, l| {
        w.register(&w.talent, "110101199003071233", "13812345678").await;
        w.register(&w.talent2, "11010519491231002X", "13912345678").await;
        let position = w.position("2026-11-01", "2026-12-31", 2, "transfer", true).await;
        let id = w.app.apply(&w.talent, position, &ctx()).await.unwrap();

        // Another applicant, another unit, another department: not found.
        for who in [&w.talent2, &w.other_unit, &w.other_dept] {
            assert!(
                matches!(w.app.application(who, id).await, Err(AppError::NotFound(_))),
                "{l}: {}",
                who.username
            );
            assert!(matches!(w.app.letter(who, id).await, Err(AppError::NotFound(_))), "{l}");
        }
        assert!(w.app.my_applications(&w.talent2).await.unwrap().is_empty(), "{l}");
        let e = w
            .app
            .act_on_application(&w.talent2, id, 2, &ActInput::new(Action::Submit), &ctx())
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::NotFound(_)), "{l}: {e:?}");
        // The unit and its department see it, read-only.
        for who in [&w.unit, &w.dept] {
            let view = w.app.application(who, id).await.unwrap();
            assert!(view.actions.is_empty() && !view.can_review, "{l}: {}", who.username);
            let list = w
                .app
                .applications(
                    who,
                    &ApplicationFilter {
                        limit: 50,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(list.total, 1, "{l}");
        }
        let list = w
            .app
            .applications(
                &w.other_unit,
                &ApplicationFilter {
                    limit: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(list.total, 0, "{l}");
        assert!(matches!(
            w.app
                .review_application(&w.unit, id, &ReviewInput::default(), &ctx())
                .await,
            Err(AppError::Forbidden(_))
        ));
        // The applicant cannot use the reviewers' list; the coordination office filters it.
        assert!(matches!(
            w.app.applications(&w.talent, &ApplicationFilter::default()).await,
            Err(AppError::Forbidden(_))
        ));
        let f = |state: &str| ApplicationFilter {
            state: Some(state.into()),
            position_id: Some(position),
            limit: 50,
            ..Default::default()
        };
        assert_eq!(
            w.app.applications(&w.coord, &f("review")).await.unwrap().total,
            1,
            "{l}"
        );
        assert_eq!(
            w.app.applications(&w.coord, &f("passed")).await.unwrap().total,
            0,
            "{l}"
        );
    });
}

/// A full-time bachelor in a field the city lacks, with no title and no honour: the form
/// alone meets no Art. 10 category.
fn bachelor(name: &str, id_number: &str, phone: &str) -> ProfileInput {
    ProfileInput {
        name: name.into(),
        id_type: "citizen_id".into(),
        id_number: id_number.into(),
        phone: phone.into(),
        gender: gender_of(id_number),
        education: vec![Education {
            degree: "bachelor".into(),
            institution: "石河子大学".into(),
            major: "国际物流".into(),
            full_time: true,
            school_tier: "211".into(),
            graduation_year: "2024".into(),
        }],
        title: "none".into(),
        ..Default::default()
    }
}

fn shortage_field(basis: &str) -> Findings {
    Findings::from([(
        "shortage_field".to_string(),
        Finding {
            checked: true,
            basis: basis.into(),
        },
    )])
}

impl World {
    /// A passed application through the letter, its acceptance, the leading group's
    /// decision, the unit's contract and the office's confirmation: introduced.
    async fn introduce(&self, who: &Actor, id: i64, n: u32) {
        self.app.generate_letter(&self.coord, id, &ctx()).await.unwrap();
        self.act(&self.coord, id, ActInput::new(Action::Submit)).await.unwrap();
        self.act(who, id, ActInput::new(Action::Approve)).await.unwrap();
        let meeting = self
            .app
            .create_meeting(
                &self.coord,
                &MeetingInput {
                    number: format!("2026年第{n}次"),
                    title: "人才工作领导小组会议".into(),
                    held_on: "2026-11-24".into(),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let item = self.app.application(&self.coord, id).await.unwrap().summary.item_id;
        let agenda = self
            .app
            .add_agenda_item(&self.coord, meeting, "", &[item], &ctx())
            .await
            .unwrap();
        let decision = AgendaDecision {
            action: Some(Action::Approve),
            resolution_number: format!("阿人才领字〔2026〕{n}号"),
            reason: "同意".into(),
        };
        self.app
            .decide_agenda_item(&self.leader, meeting, agenda, &decision, &ctx())
            .await
            .unwrap();
        let contract = ProcedureInput {
            contract_number: format!("阿口岸合字2026-00{n}"),
            signed_on: "2026-11-20".into(),
            start_date: "2026-12-01".into(),
            end_date: "2031-11-30".into(),
            term_years: "5".into(),
            probation_months: "3".into(),
            ..Default::default()
        };
        self.app
            .save_procedure(&self.unit, id, &contract, &ctx())
            .await
            .unwrap();
        self.act(&self.unit, id, ActInput::new(Action::Submit)).await.unwrap();
        self.act(&self.coord, id, ActInput::new(Action::Approve)).await.unwrap();
        assert_eq!(self.state(id).await, "introduced");
    }

    /// The talent record of an application: its category and frozen facts.
    async fn talent_of(&self, id: i64) -> (Option<i64>, yincai_policy::Facts) {
        let mut tx = self.app.store.begin_read().await.unwrap();
        let t = tx.talent_by_application(id).await.unwrap().expect("a talent record");
        (t.category, serde_json::from_str(&t.facts).unwrap())
    }
}

#[tokio::test]
async fn a_shortage_field_bachelor_is_category_5_by_the_reviews_finding_and_the_talent_keeps_it() {
    on_every_backend!(|w, l| {
        let position = w.position("2026-11-01", "2026-12-31", 2, "recruit", true).await;
        w.register_bachelor(&w.talent, "110101199003071233", "13812345678")
            .await;
        w.register_bachelor(&w.talent2, "11010519491231002X", "13912345678")
            .await;
        let found = w.app.apply(&w.talent, position, &ctx()).await.unwrap();
        let plain = w.app.apply(&w.talent2, position, &ctx()).await.unwrap();

        // The form alone: no category; nothing found yet, and the page says it is the reviewer's.
        let view = w.app.application(&w.coord, found).await.unwrap();
        assert_eq!(view.evaluation.category, None, "{l}");
        assert!(!view.findings_recorded, "{l}");
        assert_eq!(
            view.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            [
                "research_results",
                "shortage_field",
                "practical_talent",
                "leading_technology"
            ],
            "{l}"
        );
        assert!(view.findings.iter().all(|f| !f.checked), "{l}");
        assert!(
            view.evaluation.basis.contains("审查认定"),
            "{l}: {}",
            view.evaluation.basis
        );

        // A finding needs its basis; an unknown one is named. Nothing is saved.
        for (findings, field) in [
            (shortage_field("  "), "basis_shortage_field"),
            (shortage_field(&"材".repeat(201)), "basis_shortage_field"),
            (Findings::from([("famous".to_string(), Finding::default())]), "findings"),
        ] {
            let input = ReviewInput {
                checklist: World::full_checklist(),
                findings: Some(findings),
                ..Default::default()
            };
            let e = w
                .app
                .review_application(&w.coord, found, &input, &ctx())
                .await
                .unwrap_err();
            let (f, message) = invalid_field(&e);
            assert_eq!(f, field, "{l}: {message}");
            assert!(message.contains("审查认定"), "{l}: {message}");
        }
        assert!(
            !w.app.application(&w.coord, found).await.unwrap().findings_recorded,
            "{l}"
        );

        // With the finding: category 5, stored with the application and audited with its basis.
        let basis = "岗位属口岸物流急需紧缺专业目录（阿人社发〔2026〕5号）";
        let input = ReviewInput {
            checklist: World::full_checklist(),
            findings: Some(shortage_field(basis)),
            ..Default::default()
        };
        w.app.review_application(&w.coord, found, &input, &ctx()).await.unwrap();
        let view = w.app.application(&w.coord, found).await.unwrap();
        assert_eq!(view.evaluation.category, Some(5), "{l}: {:?}", view.evaluation);
        assert_eq!(view.summary.category, Some(5), "{l}: stored with the application");
        assert_eq!(view.evaluation.categories[0].article, "10(5)", "{l}");
        assert_eq!(view.evaluation.findings, ["紧缺专业"], "{l}");
        assert!(view.findings_recorded, "{l}");
        let row = view.findings.iter().find(|f| f.code == "shortage_field").unwrap();
        assert!(row.checked && row.basis == basis, "{l}: {row:?}");
        let query = AuditQuery {
            action: Some("application_reviewed".into()),
            object_id: Some(found.to_string()),
            limit: 10,
            ..Default::default()
        };
        let audit = common::audit_rows(&w.app, query).await;
        assert!(
            audit
                .iter()
                .any(|a| a.summary.contains(&format!("审查认定：紧缺专业（依据：{basis}）"))
                    && a.summary.contains("第十条第（五）项")),
            "{l}: {audit:?}"
        );

        // Kept through a 补正 (a review without findings keeps them, and so does resubmission).
        w.review(found, Some(Action::Return), "请补充毕业证书").await.unwrap();
        w.act(&w.talent, found, ActInput::new(Action::Submit)).await.unwrap();
        let view = w.app.application(&w.coord, found).await.unwrap();
        assert_eq!(
            (view.summary.state.as_str(), view.summary.category),
            ("review", Some(5)),
            "{l}"
        );
        assert!(
            view.findings.iter().any(|f| f.code == "shortage_field" && f.checked),
            "{l}"
        );

        // Pass both; the letter cites the category found.
        w.review(found, Some(Action::Approve), "").await.unwrap();
        w.review(plain, Some(Action::Approve), "").await.unwrap();
        let letter = w.app.generate_letter(&w.coord, found, &ctx()).await.unwrap();
        assert!(letter.body.contains("第十条第（五）项"), "{l}: {}", letter.body);
        assert_eq!(
            w.app.application(&w.coord, plain).await.unwrap().summary.category,
            None,
            "{l}"
        );

        // Introduced: the talent's facts carry the finding; without it, none.
        w.introduce(&w.talent, found, 5).await;
        w.introduce(&w.talent2, plain, 6).await;
        let (category, facts) = w.talent_of(found).await;
        assert_eq!(category, Some(5), "{l}");
        assert!(facts.person.shortage_field, "{l}");
        assert!(
            !(facts.person.research_results || facts.person.practical_talent || facts.person.leading_technology),
            "{l}: only what was found"
        );
        let (category, facts) = w.talent_of(plain).await;
        assert_eq!(category, None, "{l}: no finding, no category");
        assert!(!facts.person.shortage_field, "{l}");
    });
}

#[tokio::test]
async fn a_finding_withdrawn_before_the_pass_no_longer_counts() {
    on_every_backend!(|w, l| {
        let position = w.position("2026-11-01", "2026-12-31", 1, "recruit", true).await;
        w.register_bachelor(&w.talent, "110101199003071233", "13812345678")
            .await;
        let id = w.app.apply(&w.talent, position, &ctx()).await.unwrap();
        let review = |findings: Findings| ReviewInput {
            checklist: World::full_checklist(),
            findings: Some(findings),
            ..Default::default()
        };
        w.app
            .review_application(&w.coord, id, &review(shortage_field("紧缺专业目录")), &ctx())
            .await
            .unwrap();
        assert_eq!(
            w.app.application(&w.coord, id).await.unwrap().summary.category,
            Some(5),
            "{l}"
        );
        // Withdrawn (items left out are unchecked): no category, and the audit says so.
        w.app
            .review_application(&w.coord, id, &review(Findings::new()), &ctx())
            .await
            .unwrap();
        let view = w.app.application(&w.coord, id).await.unwrap();
        assert_eq!(view.summary.category, None, "{l}");
        assert!(
            view.findings_recorded && view.findings.iter().all(|f| !f.checked),
            "{l}"
        );
        let query = AuditQuery {
            action: Some("application_reviewed".into()),
            object_id: Some(id.to_string()),
            limit: 10,
            ..Default::default()
        };
        let audit = common::audit_rows(&w.app, query).await;
        assert!(
            audit
                .iter()
                .any(|a| a.summary.contains("审查认定：无；撤销认定：紧缺专业")),
            "{l}: {audit:?}"
        );
    });
}
