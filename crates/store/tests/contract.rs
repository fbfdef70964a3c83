//! The store's contract, run against every backend: SQLite always, PostgreSQL when
//! `YINCAI_TEST_POSTGRES_URL` is set (CI sets it; otherwise each test says it skipped).

use crate::common;
use yincai_store::on_every_backend;
use yincai_store::test_support::{new_candidate, new_user};
use yincai_store::{
    AuditVerdict, CandidateQuery, NewAudit, NewCandidate, NewOrg, NewTask, NewUser, NewWorkflowEvent, NewWorkflowItem,
    OrgQuery, Store, StoreError, UserQuery,
};

fn org(name: &str, kind: &str, code: Option<&str>, parent: Option<i64>) -> NewOrg {
    NewOrg {
        name: name.into(),
        kind: kind.into(),
        credit_code: code.map(String::from),
        parent_id: parent,
    }
}

fn audit(action: &str, summary: &str) -> NewAudit {
    NewAudit {
        at: 1_700_000_000_000,
        actor_id: Some(1),
        actor_name: "tester".into(),
        actor_role: "sys_admin".into(),
        action: action.into(),
        object_type: "organisation".into(),
        object_id: "1".into(),
        summary: summary.into(),
        reason: String::new(),
        request_id: "req-1".into(),
        result: "ok".into(),
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_public_organisation_exists() {
    on_every_backend!(|store, label| {
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("{label}: second migrate: {e}"));
        let mut tx = store.begin_read().await.unwrap();
        let public = tx.org_by_name("社会公众").await.unwrap();
        assert_eq!(public.map(|o| o.kind), Some("public".to_string()), "{label}");
    });
}

#[tokio::test]
async fn organisations_unique_keys_are_named_the_same_on_both_backends() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        tx.insert_org(&org("甲单位", "city_unit", Some("91110108MA01C3K5XA"), None), 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin_write().await.unwrap();
        let err = tx
            .insert_org(&org("甲单位", "city_unit", None, None), 2)
            .await
            .unwrap_err();
        common::assert_unique(&err, "organisations.name", label);
        drop(tx);

        let mut tx = store.begin_write().await.unwrap();
        let err = tx
            .insert_org(&org("乙单位", "city_unit", Some("91110108MA01C3K5XA"), None), 2)
            .await
            .unwrap_err();
        common::assert_unique(&err, "organisations.credit_code", label);
    });
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_leaves_nothing() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        tx.insert_org(&org("未提交单位", "city_unit", None, None), 1)
            .await
            .unwrap();
        tx.append_audit(&audit("org_created", "未提交")).await.unwrap();
        drop(tx);
        let mut tx = store.begin_read().await.unwrap();
        assert!(tx.org_by_name("未提交单位").await.unwrap().is_none(), "{label}");
        let page = tx.audit_records(&Default::default()).await.unwrap();
        assert_eq!(page.total, 0, "{label}");
        drop(tx);
        assert!(
            matches!(
                store.verify_audit().await.unwrap(),
                AuditVerdict::Intact { records: 0, .. }
            ),
            "{label}"
        );
    });
}

#[tokio::test]
async fn optimistic_versioning_refuses_a_stale_update() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let id = tx
            .insert_org(&org("版本单位", "city_unit", None, None), 1)
            .await
            .unwrap();
        tx.update_org(id, 1, &org("版本单位二", "city_unit", None, None), 2)
            .await
            .unwrap();
        let err = tx
            .update_org(id, 1, &org("版本单位三", "city_unit", None, None), 3)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Stale), "{label}: {err:?}");
        let err = tx
            .update_org(9999, 1, &org("x", "city_unit", None, None), 3)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{label}: {err:?}");
        assert_eq!(tx.org(id).await.unwrap().unwrap().version, 2, "{label}");
    });
}

#[tokio::test]
async fn organisation_scope_and_search() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let dept = tx
            .insert_org(&org("商务局", "department", None, None), 1)
            .await
            .unwrap();
        let a = tx
            .insert_org(&org("口岸中心", "city_unit", None, Some(dept)), 1)
            .await
            .unwrap();
        tx.insert_org(&org("物流中心", "city_unit", None, Some(dept)), 1)
            .await
            .unwrap();
        tx.insert_org(&org("文化馆", "city_unit", None, None), 1).await.unwrap();
        tx.insert_org(&org("100%_单位", "city_unit", None, None), 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        let q = |scope, text: Option<&str>| OrgQuery {
            scope_root: scope,
            text: text.map(String::from),
            limit: 100,
            ..Default::default()
        };
        assert_eq!(
            tx.orgs(&q(Some(a), None)).await.unwrap().total,
            1,
            "{label}: a unit sees itself"
        );
        assert_eq!(
            tx.orgs(&q(Some(dept), None)).await.unwrap().total,
            3,
            "{label}: a department sees itself and its two units"
        );
        assert_eq!(
            tx.orgs(&q(None, Some("中心"))).await.unwrap().total,
            2,
            "{label}: search by part of the name"
        );
        assert_eq!(
            tx.orgs(&q(None, Some("%"))).await.unwrap().total,
            1,
            "{label}: % is literal"
        );
        assert_eq!(
            tx.orgs(&q(None, Some("0%_"))).await.unwrap().total,
            1,
            "{label}: _ is literal"
        );
        let kind = OrgQuery {
            kind: Some("department".into()),
            limit: 100,
            ..Default::default()
        };
        assert_eq!(tx.orgs(&kind).await.unwrap().total, 1, "{label}");
        let paged = tx
            .orgs(&OrgQuery {
                limit: 2,
                offset: 2,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((paged.rows.len(), paged.total), (2, 6), "{label}: 5 + 社会公众");
    });
}

async fn add_user(store: &Store, username: &str, roles: &[&str]) -> i64 {
    let mut tx = store.begin_write().await.unwrap();
    let org_id = tx.org_by_name("社会公众").await.unwrap().unwrap().id;
    let id = tx
        .insert_user(
            &NewUser {
                must_change_password: true,
                roles: roles.iter().map(|r| r.to_string()).collect(),
                ..new_user(username, "测试", org_id)
            },
            1,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn users_roles_and_lockout_counter() {
    on_every_backend!(|store, label| {
        let id = add_user(&store, "zhang", &["talent", "unit"]).await;
        let mut tx = store.begin_write().await.unwrap();
        assert_eq!(
            tx.user_roles(id).await.unwrap(),
            vec!["talent".to_string(), "unit".to_string()],
            "{label}"
        );
        let u = tx.user_by_username("zhang").await.unwrap().unwrap();
        assert!(u.must_change_password && !u.disabled, "{label}: booleans round-trip");
        for n in 1..=4 {
            let (failures, locked) = tx.record_login_failure(id, 5, 99, 10).await.unwrap();
            assert_eq!((failures, locked), (n, None), "{label}");
        }
        let (failures, locked) = tx.record_login_failure(id, 5, 99, 10).await.unwrap();
        assert_eq!((failures, locked), (0, Some(99)), "{label}: the fifth failure locks");
        tx.unlock_user(id, 11).await.unwrap();
        assert_eq!(tx.user(id).await.unwrap().unwrap().locked_until, None, "{label}");
        let err = tx.insert_user(&new_user("zhang", "重", 1), 1).await.unwrap_err();
        common::assert_unique(&err, "users.username", label);
        drop(tx);
        let mut tx = store.begin_read().await.unwrap();
        let by_role = tx
            .users(&UserQuery {
                role: Some("unit".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(by_role.total, 1, "{label}");
    });
}

#[tokio::test]
async fn sessions_round_trip_and_end_together() {
    on_every_backend!(|store, label| {
        let id = add_user(&store, "li", &["talent"]).await;
        let mut tx = store.begin_write().await.unwrap();
        for digest in ["d1", "d2"] {
            tx.insert_session(&yincai_store::SessionRow {
                token_digest: digest.into(),
                user_id: id,
                kind: "web".into(),
                csrf_token: "c".into(),
                created_at: 1,
                last_seen_at: 1,
            })
            .await
            .unwrap();
        }
        tx.touch_session("d1", 5).await.unwrap();
        assert_eq!(tx.session("d1").await.unwrap().unwrap().last_seen_at, 5, "{label}");
        assert!(tx.delete_session("d1").await.unwrap(), "{label}");
        assert!(!tx.delete_session("d1").await.unwrap(), "{label}");
        assert_eq!(tx.delete_user_sessions(id).await.unwrap(), 1, "{label}");
    });
}

#[tokio::test]
async fn tasks_reach_the_user_or_the_role_in_its_organisation() {
    on_every_backend!(|store, label| {
        let uid = add_user(&store, "wang", &["coordination"]).await;
        let mut tx = store.begin_write().await.unwrap();
        let other_org = tx.insert_org(&org("他单位", "city_unit", None, None), 1).await.unwrap();
        let task = |role: Option<&str>, org: Option<i64>, user: Option<i64>, id: &str| NewTask {
            kind: "review".into(),
            title: format!("任务{id}"),
            link: "/x".into(),
            role: role.map(String::from),
            org_id: org,
            user_id: user,
            object_type: "plan".into(),
            object_id: id.into(),
            due_date: None,
        };
        tx.insert_task(&task(Some("coordination"), None, None, "1"), 1)
            .await
            .unwrap();
        tx.insert_task(&task(Some("finance"), None, None, "2"), 1)
            .await
            .unwrap();
        tx.insert_task(&task(None, None, Some(uid), "3"), 1).await.unwrap();
        tx.insert_task(&task(Some("coordination"), Some(other_org), None, "4"), 1)
            .await
            .unwrap();
        tx.insert_task(&task(Some("coord"), None, None, "5"), 1).await.unwrap();
        let open = tx.open_tasks_for(uid, &["coordination".into()], 1).await.unwrap();
        let ids: Vec<_> = open.iter().map(|t| t.object_id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["1", "3"],
            "{label}: role-wide, personal; not another org's or a prefix role's"
        );
        assert_eq!(tx.close_tasks("review", "plan", "1", 2).await.unwrap(), 1, "{label}");
        assert_eq!(
            tx.open_tasks_for(uid, &["coordination".into()], 1).await.unwrap().len(),
            1,
            "{label}"
        );
    });
}

#[tokio::test]
async fn the_audit_chain_detects_alteration_removal_and_truncation() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        for i in 1..=5 {
            assert_eq!(
                tx.append_audit(&audit("org_created", &format!("第{i}条")))
                    .await
                    .unwrap(),
                i,
                "{label}"
            );
        }
        tx.commit().await.unwrap();
        assert!(
            matches!(
                store.verify_audit().await.unwrap(),
                AuditVerdict::Intact { records: 5, .. }
            ),
            "{label}"
        );

        // The application cannot change a record: the database refuses.
        let mut tx = store.begin_write().await.unwrap();
        assert!(
            tx.execute_raw("update audit_log set summary = 'x' where seq = 2")
                .await
                .is_err(),
            "{label}: append-only"
        );
        drop(tx);

        // Someone with raw access drops the guard and changes one byte of record 3.
        let drop_guard = if label == "sqlite" {
            "drop trigger audit_log_append_only_update; drop trigger audit_log_append_only_delete;"
        } else {
            "drop trigger audit_log_append_only on audit_log"
        };
        let mut tx = store.begin_write().await.unwrap();
        tx.execute_raw(drop_guard).await.unwrap();
        tx.execute_raw("update audit_log set summary = '第3条 ' where seq = 3")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(
            matches!(store.verify_audit().await.unwrap(), AuditVerdict::Broken { seq: 3, .. }),
            "{label}: altered"
        );

        let mut tx = store.begin_write().await.unwrap();
        tx.execute_raw("update audit_log set summary = '第3条' where seq = 3")
            .await
            .unwrap();
        tx.execute_raw("delete from audit_log where seq = 4").await.unwrap();
        tx.commit().await.unwrap();
        assert!(
            matches!(store.verify_audit().await.unwrap(), AuditVerdict::Broken { seq: 4, .. }),
            "{label}: removed"
        );

        let mut tx = store.begin_write().await.unwrap();
        tx.execute_raw("delete from audit_log where seq = 5").await.unwrap();
        tx.commit().await.unwrap();
        let verdict = store.verify_audit().await.unwrap();
        assert!(
            matches!(verdict, AuditVerdict::Broken { seq: 4, .. }),
            "{label}: truncated tail: {verdict:?}"
        );
    });
}

#[tokio::test]
async fn concurrent_appends_keep_one_unbroken_chain() {
    on_every_backend!(|store, label| {
        let mut handles = Vec::new();
        for i in 0..40 {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                let mut tx = store.begin_write().await.unwrap();
                tx.insert_org(&org(&format!("并发单位{i}"), "city_unit", None, None), i)
                    .await
                    .unwrap();
                tx.append_audit(&audit("org_created", &format!("并发{i}")))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let verdict = store.verify_audit().await.unwrap();
        assert!(
            matches!(verdict, AuditVerdict::Intact { records: 40, .. }),
            "{label}: {verdict:?}"
        );
    });
}

#[tokio::test]
async fn settings_upsert() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        assert_eq!(tx.setting("k").await.unwrap(), None, "{label}");
        tx.put_setting("k", "1").await.unwrap();
        tx.put_setting("k", "2").await.unwrap();
        assert_eq!(tx.setting("k").await.unwrap(), Some("2".into()), "{label}");
    });
}

fn wf_item(org_id: i64, object_id: &str) -> NewWorkflowItem {
    NewWorkflowItem {
        workflow: "annual_plan".into(),
        object_type: "annual_plan".into(),
        object_id: object_id.into(),
        state: "draft".into(),
        org_id,
        maker_id: Some(7),
        due_date: None,
        owner_user_id: None,
    }
}

fn wf_event(item_id: i64, action: &str, from: &str, to: &str) -> NewWorkflowEvent {
    NewWorkflowEvent {
        item_id,
        at: 1_700_000_000_000,
        actor_id: Some(7),
        actor_name: "李华".into(),
        actor_role: "unit".into(),
        action: action.into(),
        from_state: from.into(),
        to_state: to.into(),
        reason: String::new(),
        resolution_number: None,
        attachments: String::new(),
        meeting_item_id: None,
        shared: true,
    }
}

#[tokio::test]
async fn workflow_items_advance_optimistically_and_keep_their_events_in_order() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let unit = tx
            .insert_org(&org("计划单位", "city_unit", None, None), 1)
            .await
            .unwrap();
        let id = tx.insert_workflow_item(&wf_item(unit, "plan-1"), 10).await.unwrap();
        tx.insert_workflow_item(&wf_item(unit, "plan-2"), 10).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin_write().await.unwrap();
        let item = tx.workflow_item(id).await.unwrap().unwrap();
        assert_eq!(
            (
                item.state.as_str(),
                item.version,
                item.org_id,
                item.maker_id,
                item.created_at
            ),
            ("draft", 1, unit, Some(7), 10),
            "{label}"
        );
        tx.advance_workflow_item(id, 1, "department_review", Some(7), Some("2026-12-01"), 20)
            .await
            .unwrap();
        let err = tx
            .advance_workflow_item(id, 1, "coordination_review", Some(8), None, 21)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Stale), "{label}: {err:?}");
        let err = tx
            .advance_workflow_item(9999, 1, "x", None, None, 21)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{label}: {err:?}");
        let item = tx.workflow_item(id).await.unwrap().unwrap();
        assert_eq!(
            (
                item.state.as_str(),
                item.version,
                item.due_date.as_deref(),
                item.updated_at
            ),
            ("department_review", 2, Some("2026-12-01"), 20),
            "{label}"
        );

        let (_, s1) = tx
            .append_workflow_event(&wf_event(id, "start", "", "draft"))
            .await
            .unwrap();
        let mut second = wf_event(id, "return", "department_review", "draft");
        second.reason = "请补充岗位要求".into();
        second.resolution_number = Some("阿人才领字〔2026〕3号".into());
        second.attachments = r#"["a.pdf"]"#.into();
        let (_, s2) = tx.append_workflow_event(&second).await.unwrap();
        assert_eq!((s1, s2), (1, 2), "{label}");
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        let events = tx.workflow_events(id).await.unwrap();
        assert_eq!(events.len(), 2, "{label}");
        assert_eq!(
            events[0].attachments, "[]",
            "{label}: empty attachments are an empty list"
        );
        assert_eq!(events[1].reason, "请补充岗位要求", "{label}");
        assert_eq!(
            events[1].resolution_number.as_deref(),
            Some("阿人才领字〔2026〕3号"),
            "{label}"
        );
        assert_eq!(tx.last_workflow_event(id).await.unwrap().unwrap().seq, 2, "{label}");
        let items = tx.workflow_items_for_object("annual_plan", "plan-1").await.unwrap();
        assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), vec![id], "{label}");
        assert!(tx.workflow_events(9999).await.unwrap().is_empty(), "{label}");
    });
}

#[tokio::test]
async fn workflow_event_numbers_are_unique_per_item() {
    on_every_backend!(|store, label| {
        let mut tx = store.begin_write().await.unwrap();
        let unit = tx
            .insert_org(&org("序号单位", "city_unit", None, None), 1)
            .await
            .unwrap();
        let a = tx.insert_workflow_item(&wf_item(unit, "a"), 1).await.unwrap();
        let b = tx.insert_workflow_item(&wf_item(unit, "b"), 1).await.unwrap();
        tx.append_workflow_event(&wf_event(a, "start", "", "draft"))
            .await
            .unwrap();
        let (_, seq_b) = tx
            .append_workflow_event(&wf_event(b, "start", "", "draft"))
            .await
            .unwrap();
        assert_eq!(seq_b, 1, "{label}: numbering is per item");
        let err = tx
            .execute_raw(&format!(
                "insert into workflow_events (item_id, seq, at, actor_name, actor_role, action, from_state, to_state, reason, attachments)
                 values ({a}, 1, 1, 'x', 'unit', 'comment', 'draft', 'draft', '', '[]')"
            ))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Unique { key } if key.starts_with("workflow_events.")),
            "{label}: {err:?}"
        );
    });
}

fn candidate(name: &str, index: &str) -> NewCandidate {
    NewCandidate {
        id_number_index: index.into(),
        birth_date: Some("1990-03-07".into()),
        ..new_candidate(name)
    }
}

#[tokio::test]
async fn one_person_is_one_candidate_by_the_blind_index_and_one_form_per_account() {
    on_every_backend!(|store, label| {
        let a = add_user(&store, "cand_a", &["talent"]).await;
        let b = add_user(&store, "cand_b", &["talent"]).await;
        let mut tx = store.begin_write().await.unwrap();
        let id = tx.insert_candidate(a, &candidate("张三", "idx-1"), 1).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin_write().await.unwrap();
        let e = tx
            .insert_candidate(b, &candidate("李四", "idx-1"), 2)
            .await
            .unwrap_err();
        common::assert_unique(&e, "candidates.id_number_index", label);
        drop(tx);
        let mut tx = store.begin_write().await.unwrap();
        let e = tx
            .insert_candidate(a, &candidate("张三", "idx-2"), 2)
            .await
            .unwrap_err();
        common::assert_unique(&e, "candidates.user_id", label);
        drop(tx);

        let mut tx = store.begin_write().await.unwrap();
        tx.insert_candidate(b, &candidate("李四", "idx-2"), 3).await.unwrap();
        tx.update_candidate(id, 1, &candidate("张三丰", "idx-1"), 4)
            .await
            .unwrap();
        let e = tx
            .update_candidate(id, 1, &candidate("张三", "idx-1"), 5)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Stale), "{label}: {e:?}");
        tx.commit().await.unwrap();

        let mut tx = store.begin_read().await.unwrap();
        let row = tx.candidate_by_user(a).await.unwrap().unwrap();
        assert_eq!((row.name.as_str(), row.version), ("张三丰", 2), "{label}");
        let q = CandidateQuery {
            text: Some("三丰".into()),
            offset: 0,
            limit: 10,
            ..Default::default()
        };
        let page = tx.candidates(&q).await.unwrap();
        assert_eq!((page.total, page.rows[0].id), (1, id), "{label}");
        let all = tx
            .candidates(&CandidateQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all.total, 2, "{label}");
        // The degree and title filters match codes; a code no one holds finds no one.
        let degree = all.rows[0].highest_degree.clone();
        let by_degree = tx
            .candidates(&CandidateQuery {
                degree: Some(degree.clone()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            by_degree.total >= 1 && by_degree.rows.iter().all(|r| r.highest_degree == degree),
            "{label}"
        );
        let nobody = tx
            .candidates(&CandidateQuery {
                title: Some("no_such_title".into()),
                major: Some("无此专业".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(nobody.total, 0, "{label}");
    });
}
