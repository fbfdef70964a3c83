//! Workflow items and leading-group meetings over HTTP, on every backend: an annual plan
//! walked through the generic act endpoint, refused to the leading group outside a
//! meeting, decided in one with a resolution number, once; the pages show the history.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use yincai_app::workflow::WorkflowObject;
use yincai_domain::workflow::ANNUAL_PLAN;

/// Starts an annual-plan item as the demo unit (the plan itself is the plans feature's).
async fn start_plan_item(t: &TestApp, object_id: &str) -> i64 {
    let token = t.login("unit").await;
    let unit = t.app.authenticate(&token).await.unwrap();
    let object = WorkflowObject {
        object_type: "test_plan".into(),
        object_id: object_id.into(),
    };
    t.app
        .start_workflow(&unit, &ANNUAL_PLAN, &object, unit.org_id, &Default::default())
        .await
        .unwrap()
}

async fn act(t: &TestApp, token: &str, id: i64, action: &str, reason: &str) -> (StatusCode, Value) {
    let (_, item) = t.get(&format!("/api/workflow/{id}"), token).await;
    let version = item["version"].as_i64().unwrap_or(0);
    t.post(
        &format!("/api/workflow/{id}/act"),
        token,
        json!({"action": action, "version": version, "reason": reason}),
    )
    .await
}

/// Unit submits, department and coordination office approve: the plan waits for the
/// leading group.
async fn plan_waiting_for_group(t: &TestApp, object_id: &str) -> i64 {
    let id = start_plan_item(t, object_id).await;
    for (who, action) in [("unit", "submit"), ("dept", "approve"), ("coord", "approve")] {
        let token = t.login(who).await;
        let (status, body) = act(t, &token, id, action, "").await;
        assert_eq!(status, StatusCode::OK, "{}: {who} {action}: {body}", t.label);
    }
    id
}

async fn new_meeting(t: &TestApp, coord: &str, number: &str) -> i64 {
    let today = t.app.today().to_string();
    let (status, body) = t
        .post(
            "/api/meetings",
            coord,
            json!({"number": number, "title": "人才工作领导小组会议", "held_on": today}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", t.label);
    body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_leading_group_decides_in_a_meeting_with_a_resolution_number_once() {
    for t in TestApp::on_every_backend().await {
        let id = plan_waiting_for_group(&t, "p1").await;
        let [leader, coord] = t.logins(["leader", "coord"]).await;

        // Not outside a meeting, even with the right role.
        let (status, item) = t.get(&format!("/api/workflow/{id}"), &leader).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(item["state"], "group_decision");
        assert!(
            item["actions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["action"] == "approve" && a["in_meeting"] == true),
            "{item}"
        );
        let (status, body) = act(&t, &leader, id, "approve", "").await;
        assert!(status.is_client_error(), "{}: {status} {body}", t.label);

        // Only the coordination office convenes and sets the agenda.
        let (status, _) = t
            .post(
                "/api/meetings",
                &leader,
                json!({"number": "x", "title": "x", "held_on": "2026-01-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", t.label);
        let meeting = new_meeting(&t, &coord, "测试2026年第1次").await;
        let (status, body) = t
            .post(
                "/api/meetings",
                &coord,
                json!({"number": "测试2026年第1次", "title": "重复", "held_on": "2026-01-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: {body}", t.label);
        assert_eq!(body["errors"][0]["field"], "number", "{body}");

        let (_, detail) = t.get(&format!("/api/meetings/{meeting}"), &coord).await;
        assert!(
            detail["waiting"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["workflow_item_id"] == id),
            "{detail}"
        );
        let (status, body) = t
            .post(
                &format!("/api/meetings/{meeting}/agenda"),
                &coord,
                json!({"items": [id]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.label);
        let agenda = body["id"].as_i64().unwrap();
        // The same item cannot be on two undecided agenda items.
        let (status, _) = t
            .post(
                &format!("/api/meetings/{meeting}/agenda"),
                &coord,
                json!({"items": [id]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);

        let decision = format!("/api/meetings/{meeting}/agenda/{agenda}/decision");
        // A decision needs a resolution number; the coordination office cannot decide.
        let (status, body) = t
            .post(
                &decision,
                &leader,
                json!({"action": "approve", "resolution_number": ""}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body}", t.label);
        assert_eq!(body["errors"][0]["field"], "resolution_number", "{body}");
        let ok = json!({"action": "approve", "resolution_number": "阿人才领字〔2026〕1号"});
        let (status, _) = t.post(&decision, &coord, ok.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", t.label);
        // Two members record the decision at once: exactly one wins, the other is told who.
        let leader2 = t.login("leader2").await;
        let audit_before = t.audit_count().await;
        let (a, b) = tokio::join!(
            t.post(&decision, &leader, ok.clone()),
            t.post(&decision, &leader2, ok.clone()),
        );
        let statuses = [a.0, b.0];
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "{}: {a:?} {b:?}",
            t.label
        );
        let loser = if a.0 == StatusCode::OK { &b } else { &a };
        assert_eq!(loser.0, StatusCode::CONFLICT, "{}: {loser:?}", t.label);
        assert!(loser.1["message"].as_str().unwrap().contains("已由"), "{loser:?}");
        // One record for the item's transition, one for the agenda decision.
        assert_eq!(t.audit_count().await, audit_before + 2, "{}", t.label);

        let (_, item) = t.get(&format!("/api/workflow/{id}"), &coord).await;
        assert_eq!(item["state"], "approved", "{}", t.label);
        let last = item["events"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["resolution_number"], "阿人才领字〔2026〕1号", "{last}");
        assert_eq!(last["meeting_item_id"], agenda, "{last}");
        assert_eq!(last["actor_role"], "leading_group", "{last}");

        // The meeting closes once every item is decided; then nothing more goes on it.
        let (_, detail) = t.get(&format!("/api/meetings/{meeting}"), &coord).await;
        assert_eq!(detail["agenda"][0]["resolution_number"], "阿人才领字〔2026〕1号");
        let close = async |version: &Value| {
            let path = format!("/api/meetings/{meeting}/close");
            t.post(&path, &coord, json!({"version": version})).await
        };
        let (status, body) = close(&detail["version"]).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.label);
        assert_eq!(body["status"], "closed");
        // Closing it again, even with the current version, is not a step of its lifecycle.
        let (status, body) = close(&body["version"]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: {body}", t.label);
        assert!(
            body.to_string().contains("领导小组会议当前为“已结束”，不能结束会议"),
            "{}: {body}",
            t.label
        );
        t.stop().await;
    }
}

#[tokio::test]
async fn a_meeting_cannot_close_with_undecided_items_nor_decide_before_it_is_held() {
    for t in TestApp::on_every_backend().await {
        let id = plan_waiting_for_group(&t, "p2").await;
        let [coord, leader] = t.logins(["coord", "leader"]).await;
        let tomorrow = t.app.today().tomorrow().unwrap().to_string();
        let (status, body) = t
            .post(
                "/api/meetings",
                &coord,
                json!({"number": "2026年第9次", "title": "会议", "held_on": tomorrow}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let meeting = body["id"].as_i64().unwrap();
        let (_, body) = t
            .post(
                &format!("/api/meetings/{meeting}/agenda"),
                &coord,
                json!({"items": [id], "title": ""}),
            )
            .await;
        let agenda = body["id"].as_i64().unwrap();
        let (status, body) = t
            .post(
                &format!("/api/meetings/{meeting}/agenda/{agenda}/decision"),
                &leader,
                json!({"action": "reject", "resolution_number": "阿人才领字〔2026〕2号", "reason": "岗位需求不足"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body}", t.label);
        assert!(body["message"].as_str().unwrap().contains("召开后"), "{body}");
        let (_, detail) = t.get(&format!("/api/meetings/{meeting}"), &coord).await;
        let (status, body) = t
            .post(
                &format!("/api/meetings/{meeting}/close"),
                &coord,
                json!({"version": detail["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body}", t.label);
        assert!(body["message"].as_str().unwrap().contains("未作决定"), "{body}");
        // Nothing moved.
        let (_, item) = t.get(&format!("/api/workflow/{id}"), &coord).await;
        assert_eq!(item["state"], "group_decision");

        // The leader's page says why there is nothing to decide yet, and a decision posted
        // anyway is refused at the top of the page, not silently.
        let leader_page = t.browser("leader").await;
        let (_, html) = leader_page.get(&format!("/meetings/{meeting}")).await;
        assert!(
            html.contains(&format!("会议定于 {tomorrow} 召开，召开后才能记录决定")),
            "{}",
            t.label
        );
        assert!(
            !html.contains("class=\"decision-form\""),
            "{}: no decision form yet",
            t.label
        );
        let (status, html) = leader_page
            .submit(
                &format!("/meetings/{meeting}/agenda/{agenda}/decision"),
                &[
                    ("action", "approve"),
                    ("resolution_number", "阿人才领字〔2026〕2号"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(
            html.contains("role=\"alert\"") && html.contains("召开后才能记录决定"),
            "{}",
            t.label
        );

        // The office moves the meeting to today, with the reason (a form error keeps what was
        // typed); then the group decides.
        let office = t.browser("coord").await;
        let today = t.app.today().to_string();
        let (status, html) = office
            .submit(
                &format!("/meetings/{meeting}/reschedule"),
                &[("held_on", &today), ("reason", ""), ("version", "1")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(
            html.contains("改期原因：必填") && html.contains(&format!("value=\"{today}\"")),
            "{}",
            t.label
        );
        let (_, detail) = t.get(&format!("/api/meetings/{meeting}"), &coord).await;
        let (status, body) = t
            .post(
                &format!("/api/meetings/{meeting}/reschedule"),
                &coord,
                json!({"held_on": today, "reason": "领导行程调整，会议提前", "version": detail["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.label);
        assert_eq!(body["held_on"], today.as_str(), "{}", t.label);
        let (status, body) = t
            .post(
                &format!("/api/meetings/{meeting}/agenda/{agenda}/decision"),
                &leader,
                json!({"action": "reject", "resolution_number": "阿人才领字〔2026〕2号", "reason": "岗位需求不足"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.label);
        // Once a decision is recorded the date stays.
        let (status, body) = t
            .post(
                &format!("/api/meetings/{meeting}/reschedule"),
                &coord,
                json!({"held_on": tomorrow, "reason": "再次改期", "version": body["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body}", t.label);
        assert!(body["message"].as_str().unwrap().contains("已记录决定"), "{body}");
        t.stop().await;
    }
}

#[tokio::test]
async fn the_item_page_shows_the_history_and_keeps_what_was_typed_on_an_error() {
    for t in TestApp::on_every_backend().await {
        let id = start_plan_item(&t, "p3").await;
        let unit = t.browser("unit").await;
        let (status, html) = unit.get(&format!("/workflow/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{}", t.label);
        assert!(html.contains("提交主管部门审核"), "the unit's button");
        let (_, item) = t.get(&format!("/api/workflow/{id}"), &t.login("unit").await).await;
        let version = item["version"].to_string();
        let (status, _) = unit
            .submit(
                &format!("/workflow/{id}/act"),
                &[
                    ("action", "submit"),
                    ("version", &version),
                    ("reason", ""),
                    ("back", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", t.label);

        // The department returns without a reason: refused, the page says so, nothing lost.
        let dept = t.browser("dept").await;
        let (_, item) = t.get(&format!("/api/workflow/{id}"), &t.login("dept").await).await;
        let version = item["version"].to_string();
        let (status, html) = dept
            .submit(
                &format!("/workflow/{id}/act"),
                &[("action", "return"), ("version", &version), ("reason", "   ")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(html.contains("请填写理由"), "{html}");
        // A stale version: the other person's action is named.
        let (status, html) = dept
            .submit(
                &format!("/workflow/{id}/act"),
                &[("action", "approve"), ("version", "1"), ("reason", "同意上报")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(html.contains("已由") && html.contains("同意上报"), "{html}");

        // Another department's user does not learn that the item exists.
        let (status, _) = t.browser("sysadmin").await.get(&format!("/workflow/{id}")).await;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{status}"
        );
        let (status, _) = t.browser("talent").await.get(&format!("/workflow/{id}")).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{}: a talent sees only own items",
            t.label
        );
        t.stop().await;
    }
}

#[tokio::test]
async fn the_workbench_marks_steps_past_their_working_day_deadline() {
    let t = TestApp::start(yincai_store::test_support::TestDb::sqlite()).await;
    let id = start_plan_item(&t, "p4").await;
    let unit = t.browser("unit").await;
    let (_, page) = unit.get("/workbench").await;
    assert!(page.contains(&format!("/workflow/{id}")), "the unit's task is listed");
    assert!(!page.contains("已逾期"), "nothing is late yet");
    // A draft is due in 10 working days: six weeks later it is late, and says so.
    t.clock.advance_minutes(60 * 24 * 42);
    let unit = t.browser("unit").await; // the old session timed out long ago
    let (_, page) = unit.get("/workbench").await;
    assert!(page.contains("已逾期"), "{page}");
    assert!(
        page.contains(r#"id="overdue-count""#),
        "the count of late tasks is shown"
    );
    let (_, page) = unit.get(&format!("/workflow/{id}")).await;
    assert!(page.contains("（已逾期）"), "the item's page marks the deadline too");
    t.stop().await;
}

#[tokio::test]
async fn a_withdrawn_plan_leaves_the_agenda_and_the_office_removes_an_item_with_a_reason() {
    for t in TestApp::on_every_backend().await {
        let id = plan_waiting_for_group(&t, "p5").await;
        let [coord, leader] = t.logins(["coord", "leader"]).await;
        let meeting = new_meeting(&t, &coord, "测试2026年第5次").await;
        let path = format!("/api/meetings/{meeting}/agenda");
        let agenda = t.post_ok(&path, &coord, json!({"items": [id]})).await["id"].clone();

        // The office withdraws the plan before the decision: the item is off the agenda,
        // marked 已撤下 with the step as its reason, and no decision is offered or taken.
        let audit_before = t.audit_count().await;
        let (status, body) = act(&t, &coord, id, "withdraw", "单位要求调整岗位").await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.label);
        // The step's record and the agenda's.
        assert_eq!(t.audit_count().await, audit_before + 2, "{}", t.label);
        let (_, detail) = t.get(&format!("/api/meetings/{meeting}"), &coord).await;
        assert_eq!(detail["agenda"][0]["decision"], "removed", "{}: {detail}", t.label);
        assert!(
            detail["agenda"][0]["decision_note"]
                .as_str()
                .unwrap()
                .contains("单位要求调整岗位"),
            "{detail}"
        );
        let leader_page = t.browser("leader").await;
        let (_, html) = leader_page.get(&format!("/meetings/{meeting}")).await;
        assert!(html.contains("已撤下"), "{}: {html}", t.label);
        assert!(!html.contains("decision-form"), "{}: no 同意/不同意 for it", t.label);
        let (status, body) = t
            .post(
                &format!("/api/meetings/{meeting}/agenda/{agenda}/decision"),
                &leader,
                json!({"action": "approve", "resolution_number": "阿人才领字〔2026〕9号"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: {body}", t.label);
        // A removed item holds neither the date nor the closing of the meeting.
        let (status, body) = t
            .post(
                &format!("/api/meetings/{meeting}/close"),
                &coord,
                json!({"version": detail["version"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.label);

        // Sent up again, it can go on a new meeting; the office takes it off with a reason.
        let (status, body) = act(&t, &coord, id, "approve", "").await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.label);
        let meeting = new_meeting(&t, &coord, "测试2026年第6次").await;
        let path = format!("/api/meetings/{meeting}/agenda");
        let agenda = t.post_ok(&path, &coord, json!({"items": [id]})).await["id"].clone();
        let removal = format!("/api/meetings/{meeting}/agenda/{agenda}/removal");
        let (status, body) = t.post(&removal, &coord, json!({"reason": "  "})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body}", t.label);
        assert_eq!(body["errors"][0]["field"], "removal_reason", "{body}");
        let (status, _) = t.post(&removal, &leader, json!({"reason": "不是本次会议的事项"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", t.label);
        // On the page, an empty reason is refused beside the item.
        let office = t.browser("coord").await;
        let (status, html) = office
            .submit(
                &format!("/meetings/{meeting}/agenda/{agenda}/removal"),
                &[("removal_reason", "")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(html.contains("撤下原因：必填"), "{}: {html}", t.label);
        let audit_before = t.audit_count().await;
        let (status, html) = office
            .submit(
                &format!("/meetings/{meeting}/agenda/{agenda}/removal"),
                &[("removal_reason", "材料待补充，下次会议再议")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}: {html}", t.label);
        assert_eq!(t.audit_count().await, audit_before + 1, "{}", t.label);
        let (_, html) = office.get(&format!("/meetings/{meeting}")).await;
        assert!(
            html.contains("已撤下") && html.contains("材料待补充，下次会议再议"),
            "{}: the meeting shows who removed it and why",
            t.label
        );
        // Removing it twice is refused with what happened.
        let (status, body) = t.post(&removal, &coord, json!({"reason": "再次撤下"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: {body}", t.label);
        // The plan is still at the group's step and waits for another meeting.
        let (_, item) = t.get(&format!("/api/workflow/{id}"), &coord).await;
        assert_eq!(item["state"], "group_decision", "{}", t.label);
        let (_, detail) = t.get(&format!("/api/meetings/{meeting}"), &coord).await;
        assert!(
            detail["waiting"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["workflow_item_id"] == id),
            "{}: {detail}",
            t.label
        );
        t.stop().await;
    }
}
