//! The contract of applications and intent letters, on SQLite and (when
//! `YINCAI_TEST_POSTGRES_URL` is set) PostgreSQL.

use yincai_store::test_support::{TestDb, new_user};

use crate::common::org;
use yincai_store::{ApplicationQuery, NewApplication, NewCandidate, NewIntentLetter, NewWorkflowItem, StoreError, Tx};

fn candidate(name: &str, index: &str) -> NewCandidate {
    NewCandidate {
        name: name.into(),
        id_type: "citizen_id".into(),
        id_number_enc: "enc".into(),
        id_number_index: index.into(),
        id_number_masked: "110***********1233".into(),
        phone_enc: "enc".into(),
        phone_masked: "138****5678".into(),
        email: String::new(),
        gender: "female".into(),
        birth_date: None,
        education: "[]".into(),
        highest_degree: "none".into(),
        title: "none".into(),
        qualifications: String::new(),
        honours: "[]".into(),
        projects: String::new(),
    }
}

struct Fixture {
    dept: i64,
    unit: i64,
    other_unit: i64,
    user: i64,
    cand: i64,
    cand2: i64,
    cand2_user: i64,
}

async fn fixture(tx: &mut Tx) -> Fixture {
    let dept = org(tx, "主管部门", "department", None).await;
    let unit = org(tx, "用人单位", "city_unit", Some(dept)).await;
    let other_unit = org(tx, "别的单位", "city_unit", None).await;
    let u1 = tx.insert_user(&new_user("a1", "a1", unit), 1).await.unwrap();
    let u2 = tx.insert_user(&new_user("a2", "a2", unit), 1).await.unwrap();
    let cand = tx.insert_candidate(u1, &candidate("张三", "i1"), 1).await.unwrap();
    let cand2 = tx.insert_candidate(u2, &candidate("李四", "i2"), 1).await.unwrap();
    Fixture {
        dept,
        unit,
        other_unit,
        user: u1,
        cand,
        cand2,
        cand2_user: u2,
    }
}

impl Fixture {
    /// A published plan of the unit, open through November 2026, with one position; (plan, position).
    async fn position(&self, tx: &mut Tx, title: &str, openings: i64, mode: &str) -> (i64, i64) {
        tx.insert_test_plan_position(
            self.unit,
            self.user,
            "2026-11-01",
            "2026-11-30",
            Some(3),
            title,
            openings,
            mode,
        )
        .await
        .unwrap()
    }
}

async fn item(tx: &mut Tx, application: i64, org_id: i64, state: &str) -> i64 {
    tx.insert_workflow_item(
        &NewWorkflowItem {
            workflow: "application".into(),
            object_type: "application".into(),
            object_id: application.to_string(),
            state: state.into(),
            org_id,
            maker_id: None,
            due_date: None,
            owner_user_id: None,
        },
        5,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn applications_are_one_per_candidate_and_position_listed_with_their_state_and_scope() {
    for db in TestDb::all().await {
        let l = db.label;
        let store = db.open_store().await;
        let mut tx = store.begin_write().await.unwrap();
        let f = fixture(&mut tx).await;
        let (plan, position) = f.position(&mut tx, "岗位甲", 2, "recruit").await;
        let pos = tx.application_position(position).await.unwrap().unwrap();
        assert_eq!(
            (
                pos.org_id,
                pos.org_parent_id,
                pos.openings,
                pos.mode.as_str(),
                pos.plan_id
            ),
            (f.unit, Some(f.dept), 2, "recruit", plan),
            "{l}"
        );
        assert_eq!(pos.close_date.as_deref(), Some("2026-11-30"), "{l}");
        assert_eq!(pos.published_at, Some(3), "{l}");
        assert_eq!(pos.org_kind, "city_unit", "{l}");

        let new = |cand: i64| NewApplication {
            candidate_id: cand,
            position_id: position,
            org_id: f.unit,
            submitted_form: r#"{"name":"张三"}"#.into(),
            category: Some(2),
        };
        let a = tx.insert_application(&new(f.cand), 10).await.unwrap();
        let b = tx.insert_application(&new(f.cand2), 11).await.unwrap();
        item(&mut tx, a, f.unit, "review").await;
        item(&mut tx, b, f.unit, "offered").await;
        tx.commit().await.unwrap();

        // The unique key (candidate, position) holds.
        let mut tx = store.begin_write().await.unwrap();
        let e = tx.insert_application(&new(f.cand), 12).await.unwrap_err();
        assert!(matches!(e, StoreError::Unique { .. }), "{l}: {e:?}");
        drop(tx);

        let mut tx = store.begin_write().await.unwrap();
        let row = tx.application(a).await.unwrap().unwrap();
        assert_eq!(
            (
                row.checklist.as_str(),
                row.previous_form.as_deref(),
                row.category,
                row.version
            ),
            ("{}", None, Some(2), 1),
            "{l}"
        );
        assert_eq!(
            tx.application_of(f.cand, position).await.unwrap().map(|r| r.id),
            Some(a),
            "{l}"
        );

        let all = tx
            .applications(&ApplicationQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all.total, 2, "{l}");
        let listed = tx.application_listed(a).await.unwrap().unwrap();
        assert_eq!(
            (
                listed.state.as_deref(),
                listed.candidate_name.as_str(),
                listed.position_title.as_str(),
                listed.org_parent_id
            ),
            (Some("review"), "张三", "岗位甲", Some(f.dept)),
            "{l}"
        );
        let q = |state: Option<&str>, scope: Option<i64>, user: Option<i64>| ApplicationQuery {
            state: state.map(String::from),
            position_id: Some(position),
            plan_id: Some(plan),
            org_scope: scope,
            candidate_user_id: user,
            offset: 0,
            limit: 10,
        };
        assert_eq!(
            tx.applications(&q(Some("offered"), None, None)).await.unwrap().total,
            1,
            "{l}"
        );
        assert_eq!(
            tx.applications(&q(None, Some(f.dept), None)).await.unwrap().total,
            2,
            "{l}: department"
        );
        assert_eq!(
            tx.applications(&q(None, Some(f.unit), None)).await.unwrap().total,
            2,
            "{l}: unit"
        );
        assert_eq!(
            tx.applications(&q(None, Some(f.other_unit), None)).await.unwrap().total,
            0,
            "{l}"
        );
        let mine = tx.applications(&q(None, None, Some(f.cand2_user))).await.unwrap();
        assert_eq!(mine.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [b], "{l}");

        // Openings held: b (offered) counts, a (review) does not; a itself is excluded.
        let holding = ["offered", "accepted", "introduced"];
        assert_eq!(
            tx.count_applications_in_states(position, a, &holding).await.unwrap(),
            1,
            "{l}"
        );
        assert_eq!(
            tx.count_applications_in_states(position, b, &holding).await.unwrap(),
            0,
            "{l}"
        );

        // Review: checklist and category with the version; a stale version is refused.
        tx.update_application_review(a, 1, r#"{"identity":{"checked":true,"note":""}}"#, Some(4), 20)
            .await
            .unwrap();
        let e = tx.update_application_review(a, 1, "{}", None, 21).await.unwrap_err();
        assert!(matches!(e, StoreError::Stale), "{l}: {e:?}");
        let e = tx.update_application_review(9999, 1, "{}", None, 21).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound), "{l}: {e:?}");
        // Resubmission keeps the last form as the previous.
        tx.resnapshot_application(a, r#"{"name":"张三丰"}"#, Some(1), 30)
            .await
            .unwrap();
        let row = tx.application(a).await.unwrap().unwrap();
        assert_eq!(row.previous_form.as_deref(), Some(r#"{"name":"张三"}"#), "{l}");
        assert_eq!(row.submitted_form, r#"{"name":"张三丰"}"#, "{l}");
        assert_eq!((row.category, row.version), (Some(1), 3), "{l}");
        assert!(row.checklist.contains("identity"), "{l}");
        tx.commit().await.unwrap();
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn intent_letters_are_one_per_application_with_unique_numbers() {
    for db in TestDb::all().await {
        let l = db.label;
        let store = db.open_store().await;
        let mut tx = store.begin_write().await.unwrap();
        let f = fixture(&mut tx).await;
        let (_, position) = f.position(&mut tx, "岗位乙", 1, "special").await;
        let mut apps = Vec::new();
        for cand in [f.cand, f.cand2] {
            apps.push(
                tx.insert_application(
                    &NewApplication {
                        candidate_id: cand,
                        position_id: position,
                        org_id: f.unit,
                        submitted_form: "{}".into(),
                        category: None,
                    },
                    10,
                )
                .await
                .unwrap(),
            );
        }
        let letter = |application_id: i64, number: &str| NewIntentLetter {
            application_id,
            kind: "special".into(),
            number: number.into(),
            body: "张三同志：\n正文\n协调办\n日期".into(),
            issued_by: f.user,
        };
        assert_eq!(
            tx.count_intent_letters_numbered("阿人才意〔2026〕").await.unwrap(),
            0,
            "{l}"
        );
        tx.insert_intent_letter(&letter(apps[0], "阿人才意〔2026〕1号"), 40)
            .await
            .unwrap();
        assert_eq!(
            tx.count_intent_letters_numbered("阿人才意〔2026〕").await.unwrap(),
            1,
            "{l}"
        );
        assert_eq!(
            tx.count_intent_letters_numbered("阿人才意〔2025〕").await.unwrap(),
            0,
            "{l}"
        );
        tx.commit().await.unwrap();

        let mut tx = store.begin_write().await.unwrap();
        let e = tx
            .insert_intent_letter(&letter(apps[1], "阿人才意〔2026〕1号"), 41)
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Unique { .. }),
            "{l}: the number is unique: {e:?}"
        );
        drop(tx);
        let mut tx = store.begin_write().await.unwrap();
        let e = tx
            .insert_intent_letter(&letter(apps[0], "阿人才意〔2026〕2号"), 41)
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Unique { .. }),
            "{l}: one letter per application: {e:?}"
        );
        drop(tx);

        let mut tx = store.begin_write().await.unwrap();
        let stored = tx.intent_letter_for(apps[0]).await.unwrap().unwrap();
        assert_eq!(
            (stored.kind.as_str(), stored.issued_at, stored.accepted_at),
            ("special", 40, None),
            "{l}"
        );
        tx.accept_intent_letter(apps[0], 50).await.unwrap();
        assert_eq!(
            tx.intent_letter_for(apps[0]).await.unwrap().unwrap().accepted_at,
            Some(50),
            "{l}"
        );
        // Regenerating rewrites the text, keeps the number and clears the acceptance.
        tx.update_intent_letter(stored.id, "recruit", "新正文", f.user, 60)
            .await
            .unwrap();
        let again = tx.intent_letter_for(apps[0]).await.unwrap().unwrap();
        assert_eq!(
            (
                again.number.as_str(),
                again.kind.as_str(),
                again.body.as_str(),
                again.accepted_at
            ),
            ("阿人才意〔2026〕1号", "recruit", "新正文", None),
            "{l}"
        );
        assert!(
            matches!(tx.accept_intent_letter(apps[1], 70).await, Err(StoreError::NotFound)),
            "{l}"
        );
        assert!(tx.intent_letter_for(apps[1]).await.unwrap().is_none(), "{l}");
        tx.commit().await.unwrap();
        store.close().await;
        db.cleanup().await;
    }
}
