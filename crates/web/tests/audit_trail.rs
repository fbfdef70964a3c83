//! The audit trail of the whole demo: every workflow event (start or transition) has exactly
//! one audit record on its item, of the same action, and no such record lacks its event. The demo is made through
//! the same use cases a person uses, so this walks every workflow the demo touches
//! (plans, applications, 一事一议, fixings, releases) rather than one hand-picked step.

use crate::common::TestApp;

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let mut tx = app.app.store.begin_read().await.unwrap();
    let text = tx.execute_raw_scalar(sql).await.unwrap();
    text.parse().unwrap_or_else(|_| panic!("{sql}: {text}"))
}

#[tokio::test]
async fn every_workflow_transition_in_the_demo_writes_exactly_one_audit_record() {
    for app in TestApp::on_every_backend().await {
        let label = app.label;
        let items = scalar(&app, "select cast(count(*) as text) from workflow_items").await;
        let events = scalar(&app, "select cast(count(*) as text) from workflow_events").await;
        assert!(
            items >= 15 && events >= 40,
            "{label}: the demo has {items} items and {events} events"
        );
        // Per item and action, as many `workflow_<action>` records as events (the start is
        // an event with action `start`), in both directions.
        let events_by_action = "select cast(item_id as text) as item, 'workflow_' || action as action, count(*) as n
             from workflow_events group by item_id, action";
        let audits_by_action = "select object_id as item, action, count(*) as n from audit_log
             where object_type = 'workflow_item' and action like 'workflow%' group by object_id, action";
        for (a, b) in [
            (events_by_action, audits_by_action),
            (audits_by_action, events_by_action),
        ] {
            let differing = scalar(
                &app,
                &format!("select cast(count(*) as text) from ({a} except {b}) as d"),
            )
            .await;
            assert_eq!(differing, 0, "{label}: (item, action, count) in\n{a}\nbut not in\n{b}");
        }
        app.stop().await;
    }
}
