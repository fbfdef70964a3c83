//! Housing (Art. 14) through the app, on SQLite and (when `YINCAI_TEST_POSTGRES_URL` is set)
//! PostgreSQL: the register, allocation by the tier's area (smaller refused with the figures,
//! larger noted), the gift only on or after the gift date and only while in service, the
//! return on early exit, audit records, optimistic versions, and concurrent allocations of
//! one unit: exactly one wins.

use yincai_app::housing::{AllocateInput, CloseInput, UnitInput};
use yincai_app::{Actor, App, AppError, OrgKind, RequestCtx, Role};
use yincai_store::test_support::{TestDb, new_talent};
use yincai_store::{NewTalent, Store, Tx};

use common::{ms, named_actor, org};

fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "req-housing".into(),
    }
}

struct World {
    store: Store,
    app: App,
    coord: Actor,
    unit: Actor,
    unit_org: i64,
    candidate: i64,
}

/// An account of one role, shown by its username, and the actor it acts as.
async fn actor(tx: &mut Tx, username: &str, org_id: i64, kind: OrgKind, role: Role) -> Actor {
    named_actor(tx, username, username, org_id, kind, role).await
}

fn app_at(store: &Store, at: &str) -> App {
    common::app_at(store.clone(), ms(at))
}

async fn world(db: &TestDb) -> World {
    let store = db.open_store().await;
    let mut tx = store.begin_write().await.unwrap();
    let dept = org(&mut tx, "商务和口岸局", OrgKind::Department, None).await;
    let unit = org(&mut tx, "口岸经济研究中心", OrgKind::CityUnit, Some(dept)).await;
    let coord_org = org(&mut tx, "人才工作协调办公室", OrgKind::CoordinationOffice, None).await;
    let public = tx.org_by_name("社会公众").await.unwrap().unwrap().id;
    let coord = actor(
        &mut tx,
        "coord",
        coord_org,
        OrgKind::CoordinationOffice,
        Role::Coordination,
    )
    .await;
    let w_unit = actor(&mut tx, "unit", unit, OrgKind::CityUnit, Role::Unit).await;
    let talent = actor(&mut tx, "talent", public, OrgKind::Public, Role::Talent).await;
    let candidate = tx
        .insert_candidate(talent.user_id, &common::form("张明"), 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    World {
        app: app_at(&store, "2026-11-24T02:00:00Z"),
        store,
        coord,
        unit: w_unit,
        unit_org: unit,
        candidate,
    }
}

impl World {
    /// A talent row with the frozen report of [`common::facts`] (Art. 14(3): 120 m², gift
    /// after 5 years); `housing: false` strips the housing entitlement from the report.
    async fn talent(&self, name: &str, housing: bool) -> i64 {
        let facts = common::facts(name);
        let mut report = yincai_app::policies().evaluate(&facts, false).unwrap();
        if !housing {
            report.entitlements.remove("housing");
        }
        let mut tx = self.store.begin_write().await.unwrap();
        let id = tx
            .insert_talent(
                &NewTalent {
                    category: report.category.map(i64::from),
                    policy_id: report.policy.id.clone(),
                    policy_version: report.policy.version.clone(),
                    facts: serde_json::to_string(&facts).unwrap(),
                    report: serde_json::to_string(&report).unwrap(),
                    ..new_talent(self.candidate, self.unit_org, name)
                },
                1,
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    async fn unit_of(&self, address: &str, area: &str) -> i64 {
        self.app
            .add_housing_unit(
                &self.coord,
                &UnitInput {
                    address: address.into(),
                    area: area.into(),
                    ..UnitInput::default()
                },
                &ctx(),
            )
            .await
            .unwrap()
            .row
            .id
    }

    async fn audits(&self, action: &str) -> i64 {
        let mut tx = self.store.begin_read().await.unwrap();
        let n = tx
            .execute_raw_scalar(&format!(
                "select cast(count(*) as text) from audit_log where action = '{action}'"
            ))
            .await
            .unwrap();
        n.parse().unwrap()
    }
}

fn allocate(unit: i64, talent: i64, start: &str) -> AllocateInput {
    AllocateInput {
        unit_id: unit.to_string(),
        talent_id: talent.to_string(),
        start_date: start.into(),
    }
}

fn field_message(e: &AppError, field: &str) -> String {
    e.field_errors()
        .into_iter()
        .find(|f| f.field == field)
        .map(|f| f.message)
        .unwrap_or_else(|| panic!("no error on {field}: {e:?}"))
}

#[tokio::test]
async fn allocation_by_tier_area_gift_on_date_and_return_on_exit() {
    for db in TestDb::all().await {
        let label = db.label;
        let w = world(&db).await;
        let c = ctx();
        let zhang = w.talent("张明", true).await;
        let small = w.unit_of("人才公寓1栋101", "100").await;
        let large = w.unit_of("人才公寓1栋102", "125.5").await;

        // the register refuses a duplicate address and a bad area, naming the field
        let dup = w
            .app
            .add_housing_unit(
                &w.coord,
                &UnitInput {
                    address: "人才公寓1栋101".into(),
                    area: "90".into(),
                    ..UnitInput::default()
                },
                &c,
            )
            .await
            .unwrap_err();
        assert!(field_message(&dup, "address").contains("已登记"), "{label}");
        let bad = w
            .app
            .add_housing_unit(
                &w.coord,
                &UnitInput {
                    address: "人才公寓9栋".into(),
                    area: "120.555".into(),
                    ..UnitInput::default()
                },
                &c,
            )
            .await
            .unwrap_err();
        assert!(field_message(&bad, "area").contains("两位小数"), "{label}");

        // only the coordination office manages housing
        let err = w
            .app
            .allocate_housing(&w.unit, &allocate(large, zhang, "2024-03-01"), &c)
            .await;
        assert!(matches!(err, Err(AppError::Forbidden(_))), "{label}: {err:?}");

        // a unit smaller than the tier's area is refused with the figures
        let err = w
            .app
            .allocate_housing(&w.coord, &allocate(small, zhang, "2024-03-01"), &c)
            .await
            .unwrap_err();
        let msg = field_message(&err, "unit_id");
        assert!(
            msg.contains("100 平方米") && msg.contains("120 平方米") && msg.contains("差 20"),
            "{label}: {msg}"
        );

        // a talent whose report grants no housing is refused
        let li = w.talent("李华", false).await;
        let err = w
            .app
            .allocate_housing(&w.coord, &allocate(large, li, "2024-03-01"), &c)
            .await
            .unwrap_err();
        assert!(
            field_message(&err, "talent_id").contains("没有第十四条住房待遇"),
            "{label}"
        );

        // a larger unit is allowed and noted; the gift date is the start + 5 years
        let a = w
            .app
            .allocate_housing(&w.coord, &allocate(large, zhang, "2024-03-15"), &c)
            .await
            .unwrap();
        assert_eq!(a.row.entitled_area_m2, 120, "{label}");
        assert_eq!(a.row.gift_after_years, Some(5), "{label}");
        assert_eq!(a.row.gift_date.as_deref(), Some("2029-03-01"), "{label}");
        assert!(
            a.row.note.contains("超出应享受面积 120 平方米 5.5 平方米"),
            "{label}: {}",
            a.row.note
        );
        assert!(!a.can_gift, "{label}");
        assert!(a.gift_blocked.as_deref().unwrap().contains("2029-03-01"), "{label}");
        let overview = w.app.housing_overview(&w.coord).await.unwrap();
        let u = overview.units.iter().find(|u| u.row.id == large).unwrap();
        assert_eq!(
            (u.row.status.code(), u.row.holder_name.as_deref()),
            ("allocated", Some("张明"))
        );
        // a second allocation to the same talent is refused
        let again = w
            .app
            .allocate_housing(&w.coord, &allocate(small, zhang, "2024-03-15"), &c)
            .await
            .unwrap_err();
        assert!(field_message(&again, "talent_id").contains("已有住房分配"), "{label}");

        // the gift: refused before the date, with a stale version, then done on the date
        let close = |v: i64| CloseInput {
            version: v.to_string(),
            ..CloseInput::default()
        };
        let early = w.app.gift_housing(&w.coord, a.row.id, &close(1), &c).await.unwrap_err();
        assert!(field_message(&early, "gift").contains("尚未到期"), "{label}");
        let later = app_at(&w.store, "2029-03-01T02:00:00Z");
        let stale = later.gift_housing(&w.coord, a.row.id, &close(7), &c).await;
        assert!(matches!(stale, Err(AppError::Stale)), "{label}: {stale:?}");
        let gifted = later.gift_housing(&w.coord, a.row.id, &close(1), &c).await.unwrap();
        assert_eq!(gifted.row.status.code(), "gifted", "{label}");
        assert_eq!(gifted.row.gifted_on.as_deref(), Some("2029-03-01"), "{label}");
        let mut tx = w.store.begin_read().await.unwrap();
        assert_eq!(
            tx.housing_unit(large).await.unwrap().unwrap().status.code(),
            "gifted",
            "{label}"
        );
        drop(tx);
        let twice = later.gift_housing(&w.coord, a.row.id, &close(2), &c).await.unwrap_err();
        assert!(field_message(&twice, "gift").contains("已赠予"), "{label}");

        // a talent who left before the gift date: no gift, the unit is returned
        let wang = w.talent("王强", true).await;
        let b = w.unit_of("人才公寓2栋201", "120").await;
        let alloc = w
            .app
            .allocate_housing(&w.coord, &allocate(b, wang, "2024-03-01"), &c)
            .await
            .unwrap();
        assert!(alloc.row.note.is_empty(), "{label}");
        let mut tx = w.store.begin_write().await.unwrap();
        tx.execute_raw(&format!("update talents set end_date = '2028-06-30' where id = {wang}"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let no_gift = later
            .gift_housing(&w.coord, alloc.row.id, &close(1), &c)
            .await
            .unwrap_err();
        assert!(field_message(&no_gift, "gift").contains("2028-06-30"), "{label}");
        let missing = later
            .return_housing(&w.coord, alloc.row.id, &close(1), &c)
            .await
            .unwrap_err();
        field_message(&missing, "date");
        field_message(&missing, "reason");
        let returned = later
            .return_housing(
                &w.coord,
                alloc.row.id,
                &CloseInput {
                    version: "1".into(),
                    date: "2028-06-30".into(),
                    reason: "提前解除聘用合同".into(),
                },
                &c,
            )
            .await
            .unwrap();
        assert_eq!(returned.row.status.code(), "returned", "{label}");
        assert_eq!(returned.row.end_date.as_deref(), Some("2028-06-30"), "{label}");
        assert_eq!(returned.row.end_reason.as_deref(), Some("提前解除聘用合同"), "{label}");
        let mut tx = w.store.begin_read().await.unwrap();
        let unit_b = tx.housing_unit(b).await.unwrap().unwrap();
        assert_eq!(
            (unit_b.status.code(), unit_b.holder_talent_id),
            ("free", None),
            "{label}"
        );
        drop(tx);

        // the talent's view: entitlement and history
        let view = w.app.talent_housing(&w.coord, wang).await.unwrap();
        let e = view.entitlement.unwrap();
        assert_eq!(
            (e.area_m2, e.gift_date.as_deref()),
            (120, Some("2029-03-01")),
            "{label}"
        );
        assert_eq!(view.allocations.len(), 1, "{label}");
        assert!(view.free_units.iter().any(|u| u.row.id == b), "{label}");

        // every state change audited
        assert_eq!(w.audits("housing_unit_add").await, 3, "{label}");
        assert_eq!(w.audits("housing_allocate").await, 2, "{label}");
        assert_eq!(w.audits("housing_gift").await, 1, "{label}");
        assert_eq!(w.audits("housing_return").await, 1, "{label}");
        w.store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_allocations_of_one_unit_exactly_one_wins() {
    for db in TestDb::all().await {
        let label = db.label;
        let w = world(&db).await;
        let unit = w.unit_of("人才公寓3栋301", "120").await;
        let mut talents = Vec::new();
        for i in 0..20 {
            talents.push(w.talent(&format!("人才{i}"), true).await);
        }
        let mut tasks = Vec::new();
        for t in talents {
            let app = w.app.clone();
            let coord = w.coord.clone();
            tasks.push(tokio::spawn(async move {
                app.allocate_housing(&coord, &allocate(unit, t, "2024-03-01"), &ctx())
                    .await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(AppError::AlreadyHandled(_) | AppError::Duplicate(_)) => {}
                Err(e) => panic!("{label}: unexpected {e:?}"),
            }
        }
        assert_eq!(ok, 1, "{label}");
        let overview = w.app.housing_overview(&w.coord).await.unwrap();
        let active = overview
            .allocations
            .iter()
            .filter(|a| a.row.status.code() == "active")
            .count();
        assert_eq!(active, 1, "{label}");
        assert_eq!(w.audits("housing_allocate").await, 1, "{label}");
        w.store.close().await;
        db.cleanup().await;
    }
}

use crate::common;

/// The endings of a relation return the unit through the housing module's own return, in
/// the ending's transaction (the world of the recovery suites, on every backend).
mod ending {

    use yincai_app::housing::CloseInput;
    use yincai_app::recovery::FactsChange;
    use yincai_policy::facts::{Facts, Mode, Person};
    use yincai_store::HousingAllocationRow;
    use yincai_store::test_support::TestDb;

    use super::common::*;

    impl World {
        /// The allocation, its unit's status and the talent's end date, as stored.
        async fn stored(&self, alloc: i64) -> (HousingAllocationRow, String, Option<String>) {
            let (a, unit) = self.allocation(alloc).await;
            let end = self.end_date(a.talent_id).await;
            (a, unit, end)
        }

        async fn returns_audited(&self, alloc: i64) -> Vec<String> {
            self.audit_summaries("housing_return", alloc).await
        }
    }

    #[tokio::test]
    async fn an_end_in_a_change_of_facts_returns_the_unit_as_the_office_would() {
        on_every_backend!(|w, label| {
            let t = w.talent("王强").await;
            let alloc = w.housed(t, "人才公寓1栋101", "2024-03-15").await;

            // A change the engine refuses (an end in the first service year of a talent with
            // two assessments on file) rolls the whole ending back: the unit stays, no end
            // date, no audit.
            let refused = FactsChange {
                end: "2024-06-30".into(),
                ..FactsChange::default()
            };
            let err = w.reevaluate(&w.coord, t, &refused, "合同提前终止").await.unwrap_err();
            assert_invalid(&err, "facts", label);
            let (a, unit, end) = w.stored(alloc.id).await;
            assert_eq!(
                (a.status.code(), unit.as_str(), end),
                ("active", "allocated", None),
                "{label}"
            );
            assert!(w.returns_audited(alloc.id).await.is_empty(), "{label}");

            let change = FactsChange {
                end: "2025-06-30".into(),
                ..FactsChange::default()
            };
            let view = w.reevaluate(&w.coord, t, &change, "合同提前终止").await.unwrap();
            let (a, unit, end) = w.stored(alloc.id).await;
            assert_eq!((a.status.code(), unit.as_str()), ("returned", "free"), "{label}");
            assert_eq!(a.end_date.as_deref(), Some("2025-06-30"), "{label}");
            assert!(
                a.end_reason.as_deref().unwrap_or_default().contains("合同提前终止"),
                "{label}: {:?}",
                a.end_reason
            );
            assert_eq!(end.as_deref(), Some("2025-06-30"), "{label}");
            let audits = w.returns_audited(alloc.id).await;
            assert_eq!(audits.len(), 1, "{label}: {audits:?}");
            assert!(audits[0].contains("第十四条第㈢项"), "{label}: {audits:?}");
            let summary = &view.evaluations[1].change_summary;
            assert!(
                summary.contains("人才公寓1栋101 收回（2025-06-30 起，未赠予）")
                    && summary.contains("人才库结束日期记为 2025-06-30"),
                "{label}: {summary}"
            );

            // The housing page shows the closed allocation; the office cannot return it twice.
            let housing = w.app.talent_housing(&w.coord, t).await.unwrap();
            assert_eq!(housing.allocations.len(), 1, "{label}");
            assert!(!housing.allocations[0].can_return, "{label}");
            let twice = w
                .app
                .return_housing(
                    &w.coord,
                    alloc.id,
                    &CloseInput {
                        version: a.version.to_string(),
                        date: "2025-06-30".into(),
                        reason: "提前解除聘用合同".into(),
                    },
                    &ctx(),
                )
                .await
                .unwrap_err();
            assert!(format!("{twice:?}").contains("已退回"), "{label}: {twice:?}");

            // A later change without an end leaves housing and the end date alone.
            let title = FactsChange {
                title: "senior".into(),
                ..FactsChange::default()
            };
            w.reevaluate(&w.coord, t, &title, "取得正高职称").await.unwrap();
            assert_eq!(w.returns_audited(alloc.id).await.len(), 1, "{label}");
            assert_eq!(w.stored(alloc.id).await.2.as_deref(), Some("2025-06-30"), "{label}");
        });
    }

    /// Art. 14(2): a category-3 talent's housing is gifted after 5 years *and* once the
    /// project's benefit is found significant; the years alone do not open the gift, and the
    /// finding is a re-evaluation with its basis, after which the engine's report opens it.
    #[tokio::test]
    async fn a_14_2_gift_waits_for_the_finding_that_the_benefit_is_significant() {
        on_every_backend!(|w, label| {
            let base = facts("周岩");
            let special = Facts {
                person: Person {
                    leading_technology: true,
                    ..Person::default()
                },
                mode: Mode::Special,
                start: "2020-03-01".parse().unwrap(),
                assessments: Vec::new(),
                ..base
            };
            let t = w.talent_since(special, "2020-03-01").await;
            let alloc = w.housed(t, "人才公寓3栋301", "2020-03-01").await;
            let housing = w.app.talent_housing(&w.coord, t).await.unwrap();
            let ent = housing.entitlement.as_ref().expect("a housing entitlement");
            assert_eq!(ent.article, "14(2)", "{label}");
            assert_eq!(ent.gift_date.as_deref(), Some("2025-03-01"), "{label}");
            assert_eq!(ent.gift_waits_for.as_deref(), Some("项目连续实施且效益显著"), "{label}");
            assert!(
                ent.gift_zh.contains("且项目连续实施且效益显著后可直接赠予"),
                "{label}: {}",
                ent.gift_zh
            );
            let shown = &housing.allocations[0];
            assert!(!shown.can_gift, "{label}");
            let why = shown.gift_blocked.clone().unwrap_or_default();
            assert!(
                why.contains("项目连续实施且效益显著") && why.contains("重新评估"),
                "{label}: {why}"
            );

            // The date has passed, yet the gift is refused with the reason, and nothing changes.
            let close = CloseInput {
                version: alloc.version.to_string(),
                ..CloseInput::default()
            };
            let refused = w
                .app
                .gift_housing(&w.coord, alloc.id, &close, &ctx())
                .await
                .unwrap_err();
            assert_invalid(&refused, "gift", label);
            assert!(
                format!("{refused:?}").contains("第十四条第㈡项"),
                "{label}: {refused:?}"
            );
            assert_eq!(w.allocation(alloc.id).await.0.status.code(), "active", "{label}");
            assert!(w.audit_summaries("housing_gift", alloc.id).await.is_empty(), "{label}");

            // The office records the finding with its basis; the engine's report opens the gift.
            let finding = FactsChange {
                project_benefit_significant: true,
                ..FactsChange::default()
            };
            let view = w
                .reevaluate(&w.coord, t, &finding, "市科技局项目效益评估意见（阿科评〔2026〕3号）")
                .await
                .unwrap();
            let last = view.evaluations.last().unwrap();
            assert!(
                last.change_summary.contains("效益显著"),
                "{label}: {}",
                last.change_summary
            );
            assert!(last.reason.contains("阿科评〔2026〕3号"), "{label}");
            let housing = w.app.talent_housing(&w.coord, t).await.unwrap();
            let ent = housing.entitlement.as_ref().unwrap();
            assert_eq!(ent.gift_waits_for, None, "{label}");
            assert!(
                housing.allocations[0].can_gift,
                "{label}: {:?}",
                housing.allocations[0].gift_blocked
            );
            let gifted = w.app.gift_housing(&w.coord, alloc.id, &close, &ctx()).await.unwrap();
            assert_eq!(gifted.row.status.code(), "gifted", "{label}");
            assert_eq!(w.audit_summaries("housing_gift", alloc.id).await.len(), 1, "{label}");
        });
    }

    #[tokio::test]
    async fn an_ending_before_free_use_begins_returns_the_unit_from_its_start() {
        on_every_backend!(|w, label| {
            let t = w.talent("孙丽").await;
            // Today is 2026-11-24; free use begins on 2026-12-01.
            let alloc = w.housed(t, "人才公寓2栋201", "2026-12-01").await;
            let input = crate::recovery::ending("talent_fraud", "2026-11-30", "提供虚假材料，经市协调办核实");
            let r = w
                .end_in_meeting(&w.app, t, &input, "阿人才组〔2026〕11号")
                .await
                .unwrap();
            let (a, unit, end) = w.stored(alloc.id).await;
            assert_eq!((a.status.code(), unit.as_str()), ("returned", "free"), "{label}");
            assert_eq!(a.end_date.as_deref(), Some("2026-12-01"), "{label}");
            assert_eq!(end.as_deref(), Some("2026-11-30"), "{label}");
            assert!(
                r.basis.contains("免费居住开始日期 2026-12-01 晚于结束日期"),
                "{label}: {}",
                r.basis
            );
            assert_eq!(w.returns_audited(alloc.id).await.len(), 1, "{label}");
        });
    }
}
