//! The store's contract for procedures, the talent database and 一事一议 cases, on every
//! backend (SQLite always, PostgreSQL when `YINCAI_TEST_POSTGRES_URL` is set).

use yincai_store::on_every_backend;
use yincai_store::test_support::{new_candidate, new_talent, new_user};
use yincai_store::{NewTalent, NewWorkflowItem, SpecialCaseQuery, StoreError, TalentQuery, Tx};

use crate::common::org;

async fn user(tx: &mut Tx, username: &str, org_id: i64) -> i64 {
    tx.insert_user(&new_user(username, username, org_id), 1).await.unwrap()
}

async fn candidate(tx: &mut Tx, user_id: i64, name: &str) -> i64 {
    tx.insert_candidate(user_id, &new_candidate(name), 1).await.unwrap()
}

fn talent(
    candidate_id: i64,
    application_id: Option<i64>,
    org_id: i64,
    name: &str,
    mode: &str,
    start: &str,
) -> NewTalent {
    NewTalent {
        application_id,
        mode: mode.into(),
        start_date: start.into(),
        category: Some(3),
        policy_version: "1".into(),
        ..new_talent(candidate_id, org_id, name)
    }
}

#[tokio::test]
async fn application_brief_reads_candidate_position_and_unit() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let dept = org(&mut tx, "商务和口岸局", "department", None).await;
        let unit = org(&mut tx, "口岸经济研究中心", "enterprise", Some(dept)).await;
        let u = user(&mut tx, "zhang", unit).await;
        let c = candidate(&mut tx, u, "张明").await;
        let (_, position, app) = tx.insert_test_application(unit, c, "transfer", u, 5).await.unwrap();
        let b = tx.application_brief(app).await.unwrap().unwrap();
        assert_eq!(
            (
                b.candidate_id,
                b.candidate_name.as_str(),
                b.candidate_user_id,
                b.position_id
            ),
            (c, "张明", u, position),
            "{label}"
        );
        assert_eq!(
            (b.position_mode.as_str(), b.org_id, b.org_kind.as_str(), b.org_parent_id),
            ("transfer", unit, "enterprise", Some(dept)),
            "{label}"
        );
        assert!(tx.application_brief(app + 100).await.unwrap().is_none(), "{label}");
        assert!(tx.intent_letter_brief(app).await.unwrap().is_none(), "{label}");
        tx.commit().await.unwrap();
    });
}

#[tokio::test]
async fn procedures_insert_once_then_update_by_version() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let unit = org(&mut tx, "口岸经济研究中心", "city_unit", None).await;
        let u = user(&mut tx, "li", unit).await;
        let c = candidate(&mut tx, u, "李雷").await;
        let (_, _, app) = tx.insert_test_application(unit, c, "recruit", u, 5).await.unwrap();
        assert!(tx.procedure(app).await.unwrap().is_none(), "{label}");
        let v = tx
            .save_procedure(app, None, "recruit", r#"{"mode":"recruit"}"#, u, 10)
            .await
            .unwrap();
        assert_eq!(v, 1, "{label}");
        // A second first record loses: someone recorded it meanwhile.
        let err = tx.save_procedure(app, None, "recruit", "{}", u, 11).await.unwrap_err();
        assert!(matches!(err, StoreError::Stale), "{label}: {err:?}");
        let v = tx
            .save_procedure(app, Some(1), "recruit", r#"{"x":2}"#, u, 12)
            .await
            .unwrap();
        assert_eq!(v, 2, "{label}");
        let err = tx
            .save_procedure(app, Some(1), "recruit", "{}", u, 13)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Stale), "{label}: {err:?}");
        let err = tx
            .save_procedure(app + 9, Some(1), "recruit", "{}", u, 13)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{label}: {err:?}");
        let p = tx.procedure(app).await.unwrap().unwrap();
        assert_eq!(
            (p.details.as_str(), p.version, p.recorded_at),
            (r#"{"x":2}"#, 2, 12),
            "{label}"
        );
        tx.commit().await.unwrap();
    });
}

#[tokio::test]
async fn talents_filter_by_name_unit_category_mode_year_and_scope() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let dept = org(&mut tx, "商务和口岸局", "department", None).await;
        let other_dept = org(&mut tx, "科学技术局", "department", None).await;
        let unit = org(&mut tx, "口岸经济研究中心", "city_unit", Some(dept)).await;
        let unit2 = org(&mut tx, "科技创新服务中心", "city_unit", Some(other_dept)).await;
        let u = user(&mut tx, "wang", unit).await;
        let c1 = candidate(&mut tx, u, "王芳").await;
        let u2 = user(&mut tx, "zhao", unit).await;
        let c2 = candidate(&mut tx, u2, "赵敏_100%").await;
        let (_, _, app) = tx.insert_test_application(unit, c1, "recruit", u, 5).await.unwrap();
        let t1 = tx
            .insert_talent(&talent(c1, Some(app), unit, "王芳", "recruit", "2026-03-01"), 20)
            .await
            .unwrap();
        let t2 = tx
            .insert_talent(&talent(c2, None, unit2, "赵敏_100%", "special", "2025-07-01"), 21)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // One talent per application.
        let mut tx = store.begin_write().await.unwrap();
        let err = tx
            .insert_talent(&talent(c1, Some(app), unit, "王芳", "recruit", "2026-03-01"), 22)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Unique { .. }), "{label}: {err:?}");
        drop(tx);
        let mut tx = store.begin_read().await.unwrap();

        let run = async |tx: &mut Tx, q: TalentQuery| -> Vec<i64> {
            let page = tx.talents(&TalentQuery { limit: 50, ..q }).await.unwrap();
            assert_eq!(page.total as usize, page.rows.len());
            page.rows.iter().map(|r| r.id).collect()
        };
        assert_eq!(run(&mut tx, TalentQuery::default()).await, vec![t1, t2], "{label}");
        let name = TalentQuery {
            name: Some("_100%".into()),
            ..Default::default()
        };
        assert_eq!(run(&mut tx, name).await, vec![t2], "{label}: like is escaped");
        let by_unit = TalentQuery {
            unit: Some("口岸".into()),
            ..Default::default()
        };
        assert_eq!(run(&mut tx, by_unit).await, vec![t1], "{label}");
        let cat = TalentQuery {
            category: Some(3),
            mode: Some("special".into()),
            ..Default::default()
        };
        assert_eq!(run(&mut tx, cat).await, vec![t2], "{label}");
        let year = TalentQuery {
            start_year: Some(2026),
            ..Default::default()
        };
        assert_eq!(run(&mut tx, year).await, vec![t1], "{label}");
        let scope_dept = TalentQuery {
            scope_root: Some(dept),
            ..Default::default()
        };
        assert_eq!(run(&mut tx, scope_dept).await, vec![t1], "{label}");
        let scope_unit = TalentQuery {
            scope_root: Some(unit2),
            ..Default::default()
        };
        assert_eq!(run(&mut tx, scope_unit).await, vec![t2], "{label}");
        let mine = TalentQuery {
            candidate_id: Some(c2),
            ..Default::default()
        };
        assert_eq!(run(&mut tx, mine).await, vec![t2], "{label}");

        let row = tx.talent(t1).await.unwrap().unwrap();
        assert_eq!(
            (
                row.org_name.as_str(),
                row.org_parent_id,
                row.application_id,
                row.category
            ),
            ("口岸经济研究中心", Some(dept), Some(app), Some(3)),
            "{label}"
        );
        assert_eq!(tx.talent_by_application(app).await.unwrap().map(|t| t.id), Some(t1));
        assert!(tx.talent(t2 + 10).await.unwrap().is_none(), "{label}");
        tx.commit().await.unwrap();
    });
}

#[tokio::test]
async fn special_cases_carry_their_workflow_state() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let coord = org(&mut tx, "人才工作协调办公室", "coordination_office", None).await;
        let u = user(&mut tx, "coord", coord).await;
        let c = candidate(&mut tx, u, "钱多").await;
        let id = tx
            .insert_special_case(c, coord, "突出贡献", r#"{"text":"奖励"}"#, u, 30)
            .await
            .unwrap();
        let row = tx.special_case(id).await.unwrap().unwrap();
        assert_eq!((row.item_id, row.state.as_deref()), (None, None), "{label}");
        let item = tx
            .insert_workflow_item(
                &NewWorkflowItem {
                    workflow: "special_case".into(),
                    object_type: "special_case".into(),
                    object_id: id.to_string(),
                    state: "draft".into(),
                    org_id: coord,
                    maker_id: Some(u),
                    due_date: None,
                    owner_user_id: None,
                },
                31,
            )
            .await
            .unwrap();
        let row = tx.special_case(id).await.unwrap().unwrap();
        assert_eq!(
            (row.item_id, row.state.as_deref(), row.candidate_name.as_str()),
            (Some(item), Some("draft"), "钱多"),
            "{label}"
        );
        tx.update_special_case(id, 1, "突出贡献（补充）", r#"{"text":"奖励","amount_yuan":5}"#, 40)
            .await
            .unwrap();
        let err = tx.update_special_case(id, 1, "x", "{}", 41).await.unwrap_err();
        assert!(matches!(err, StoreError::Stale), "{label}: {err:?}");
        let err = tx.update_special_case(id + 5, 1, "x", "{}", 41).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{label}: {err:?}");
        let page = tx
            .special_cases(&SpecialCaseQuery {
                state: Some("draft".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((page.total, page.rows[0].version), (1, 2), "{label}");
        let none = tx
            .special_cases(&SpecialCaseQuery {
                text: Some("张".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(none.total, 0, "{label}");
        tx.commit().await.unwrap();
    });
}
