//! The store's contract for annual plans, positions and announcements, on every backend:
//! SQLite always, PostgreSQL when `YINCAI_TEST_POSTGRES_URL` is set.

use yincai_store::on_every_backend;
use yincai_store::{NewAnnouncement, NewPlan, NewPosition, NewUser, NewWorkflowItem, PlanQuery, Store, StoreError};

use crate::common::new_org as org;

fn position(title: &str, openings: i64) -> NewPosition {
    NewPosition {
        title: title.into(),
        openings,
        field: "口岸物流".into(),
        mode: "recruit".into(),
        min_degree: "master".into(),
        majors: "物流管理、交通运输".into(),
        min_title: "intermediate".into(),
        qualifications: String::new(),
        requirements: "熟悉中欧班列业务".into(),
    }
}

struct Fixture {
    dept: i64,
    unit: i64,
    other_unit: i64,
    user: i64,
}

async fn fixture(store: &Store) -> Fixture {
    let mut tx = store.begin_write().await.unwrap();
    let dept = tx
        .insert_org(&org("商务和口岸局", "department", None), 1)
        .await
        .unwrap();
    let dept2 = tx.insert_org(&org("科学技术局", "department", None), 1).await.unwrap();
    let unit = tx
        .insert_org(&org("口岸经济研究中心", "city_unit", Some(dept)), 1)
        .await
        .unwrap();
    let other_unit = tx
        .insert_org(&org("科技创新服务中心", "city_unit", Some(dept2)), 1)
        .await
        .unwrap();
    let user = tx
        .insert_user(
            &NewUser {
                username: "unit1".into(),
                display_name: "李华".into(),
                org_id: unit,
                password_hash: "x".into(),
                must_change_password: false,
                roles: vec![],
            },
            1,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Fixture {
        dept,
        unit,
        other_unit,
        user,
    }
}

fn plan(org_id: i64, year: i64, user: i64) -> NewPlan {
    NewPlan {
        org_id,
        year,
        title: format!("{year}年度高层次人才引进计划"),
        note: "急需口岸物流人才".into(),
        created_by: user,
    }
}

#[tokio::test]
async fn plans_and_positions_insert_update_and_read_back() {
    on_every_backend!(|store, label| {
        let f = fixture(&store).await;
        let mut tx = store.begin_write().await.unwrap();
        let id = tx.insert_plan(&plan(f.unit, 2026, f.user), 100).await.unwrap();
        let p1 = tx.insert_position(id, &position("物流研究员", 2), 100).await.unwrap();
        let p2 = tx.insert_position(id, &position("数据分析师", 1), 100).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin_write().await.unwrap();
        let row = tx.plan(id).await.unwrap().unwrap();
        assert_eq!(
            (row.org_id, row.year, row.version, row.created_at),
            (f.unit, 2026, 1, 100),
            "{label}"
        );
        assert_eq!(row.announcement_title, None, "{label}");
        assert_eq!(row.published_at, None, "{label}");
        let positions = tx.positions(id).await.unwrap();
        assert_eq!(
            positions.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![p1, p2],
            "{label}"
        );
        assert_eq!(positions[0].min_degree, "master", "{label}");

        // Optimistic versions.
        tx.update_plan(id, 1, 2027, "新标题", "新说明", 200).await.unwrap();
        assert!(
            matches!(tx.update_plan(id, 1, 2027, "x", "y", 201).await, Err(StoreError::Stale)),
            "{label}"
        );
        assert!(
            matches!(
                tx.update_plan(9999, 1, 2027, "x", "y", 201).await,
                Err(StoreError::NotFound)
            ),
            "{label}"
        );
        let row = tx.plan(id).await.unwrap().unwrap();
        assert_eq!(
            (row.year, row.title.as_str(), row.version, row.updated_at),
            (2027, "新标题", 2, 200),
            "{label}"
        );
        tx.update_position(p1, 1, &position("高级物流研究员", 3), 210)
            .await
            .unwrap();
        assert!(
            matches!(
                tx.update_position(p1, 1, &position("x", 1), 211).await,
                Err(StoreError::Stale)
            ),
            "{label}"
        );
        let p = tx.position(p1).await.unwrap().unwrap();
        assert_eq!(
            (p.title.as_str(), p.openings, p.version),
            ("高级物流研究员", 3, 2),
            "{label}"
        );
        tx.delete_position(p2).await.unwrap();
        assert!(
            matches!(tx.delete_position(p2).await, Err(StoreError::NotFound)),
            "{label}"
        );
        assert_eq!(tx.positions(id).await.unwrap().len(), 1, "{label}");
        assert_eq!(tx.position(p2).await.unwrap(), None, "{label}");
        tx.commit().await.unwrap();

        // No position without an opening (the schema's check).
        let mut tx = store.begin_write().await.unwrap();
        assert!(
            tx.insert_position(id, &position("零人岗位", 0), 300).await.is_err(),
            "{label}"
        );
    });
}

async fn ids(store: &Store, q: PlanQuery) -> (i64, Vec<i64>) {
    let mut tx = store.begin_read().await.unwrap();
    let page = tx.plans(&PlanQuery { limit: 50, ..q }).await.unwrap();
    (page.total, page.rows.iter().map(|r| r.plan.id).collect())
}

/// A filter of the plan list: scope, organisation, year and state, each `None` when not filtered.
fn filter(scope: Option<i64>, org_id: Option<i64>, year: Option<i64>, state: Option<&str>) -> PlanQuery {
    PlanQuery {
        scope,
        org_id,
        year,
        state: state.map(Into::into),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_list_is_scoped_filtered_and_carries_state_and_openings() {
    on_every_backend!(|store, label| {
        let f = fixture(&store).await;
        let mut tx = store.begin_write().await.unwrap();
        let a = tx.insert_plan(&plan(f.unit, 2026, f.user), 100).await.unwrap();
        tx.insert_position(a, &position("物流研究员", 2), 100).await.unwrap();
        tx.insert_position(a, &position("数据分析师", 3), 100).await.unwrap();
        let b = tx.insert_plan(&plan(f.unit, 2025, f.user), 100).await.unwrap();
        let c = tx.insert_plan(&plan(f.other_unit, 2026, f.user), 100).await.unwrap();
        for (plan_id, state) in [(a, "draft"), (c, "approved")] {
            tx.insert_workflow_item(
                &NewWorkflowItem {
                    workflow: "annual_plan".into(),
                    object_type: "plan".into(),
                    object_id: plan_id.to_string(),
                    state: state.into(),
                    org_id: f.unit,
                    maker_id: None,
                    due_date: None,
                    owner_user_id: None,
                },
                100,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        let ids = |q: PlanQuery| ids(&store, q);
        // City-wide, newest year first.
        let (total, all) = ids(PlanQuery::default()).await;
        assert_eq!(total, 3, "{label}");
        assert_eq!(all.last(), Some(&b), "{label}: 2025 last");
        // A department sees its units' plans, a unit its own.
        assert_eq!(ids(filter(Some(f.dept), None, None, None)).await.0, 2, "{label}");
        assert_eq!(ids(filter(Some(f.unit), None, None, None)).await.0, 2, "{label}");
        assert_eq!(
            ids(filter(Some(f.other_unit), None, None, None)).await.1,
            vec![c],
            "{label}"
        );
        // Each filter alone.
        assert_eq!(
            ids(filter(None, Some(f.other_unit), None, None)).await.1,
            vec![c],
            "{label}"
        );
        assert_eq!(ids(filter(None, None, Some(2025), None)).await.1, vec![b], "{label}");
        assert_eq!(
            ids(filter(None, None, None, Some("approved"))).await.1,
            vec![c],
            "{label}"
        );
        let page = tx
            .plans(&PlanQuery {
                scope: Some(f.dept),
                year: Some(2026),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let row = &page.rows[0];
        assert_eq!(row.plan.id, a, "{label}");
        assert_eq!(row.org_name, "口岸经济研究中心", "{label}");
        assert_eq!(row.parent_id, Some(f.dept), "{label}");
        assert_eq!(row.state.as_deref(), Some("draft"), "{label}");
        assert!(row.item_id.is_some(), "{label}");
        assert_eq!((row.positions, row.openings), (2, 5), "{label}");
        // A plan without a workflow item (never in practice) still lists, without a state.
        let page = tx
            .plans(&PlanQuery {
                year: Some(2025),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            (page.rows[0].state.clone(), page.rows[0].openings),
            (None, 0),
            "{label}"
        );
        // Paging.
        let page = tx
            .plans(&PlanQuery {
                limit: 1,
                offset: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((page.total, page.rows.len()), (3, 1), "{label}");
    });
}

#[tokio::test]
async fn announcements_are_set_published_once_and_listed() {
    on_every_backend!(|store, label| {
        let f = fixture(&store).await;
        let mut tx = store.begin_write().await.unwrap();
        let a = tx.insert_plan(&plan(f.unit, 2026, f.user), 100).await.unwrap();
        let b = tx.insert_plan(&plan(f.other_unit, 2026, f.user), 100).await.unwrap();
        let announcement = |open: &str, close: &str| NewAnnouncement {
            title: "2026年度人才引进公告".into(),
            body: "现面向社会公开引进……".into(),
            open_date: open.into(),
            close_date: close.into(),
        };
        tx.set_plan_announcement(a, 1, &announcement("2026-12-01", "2026-12-31"), 200)
            .await
            .unwrap();
        assert!(
            matches!(
                tx.set_plan_announcement(a, 1, &announcement("2026-12-01", "2026-12-31"), 201)
                    .await,
                Err(StoreError::Stale)
            ),
            "{label}"
        );
        tx.set_plan_announcement(b, 1, &announcement("2026-11-01", "2026-11-20"), 200)
            .await
            .unwrap();
        assert!(
            tx.published_plans(10).await.unwrap().is_empty(),
            "{label}: nothing published yet"
        );
        tx.publish_plan(a, f.user, 300).await.unwrap();
        assert!(
            matches!(tx.publish_plan(a, f.user, 301).await, Err(StoreError::Stale)),
            "{label}: published once"
        );
        assert!(matches!(
            tx.publish_plan(9999, f.user, 301).await,
            Err(StoreError::NotFound)
        ));
        tx.publish_plan(b, f.user, 310).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        let row = tx.plan(a).await.unwrap().unwrap();
        assert_eq!(
            (row.published_at, row.published_by, row.version),
            (Some(300), Some(f.user), 3),
            "{label}"
        );
        assert_eq!(row.open_date.as_deref(), Some("2026-12-01"), "{label}");
        assert_eq!(
            row.announcement_title.as_deref(),
            Some("2026年度人才引进公告"),
            "{label}"
        );
        let published = tx.published_plans(10).await.unwrap();
        assert_eq!(
            published.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![a, b],
            "{label}: the latest closing first"
        );
        assert_eq!(tx.published_plans(1).await.unwrap().len(), 1, "{label}");
    });
}
