//! A workflow item's page (`/workflow/{id}`): state, due date, the case history (who,
//! in which role, when, what, why, under which resolution) and the actions the viewer may
//! take. [`WorkflowPanel`] with `_workflow_panel.html` is the same block for the pages of
//! plans, applications and cases: put a `panel: WorkflowPanel` in the page struct and
//! `{% include "_workflow_panel.html" %}` in its template.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::clock::format_beijing;
use yincai_app::meetings::object_link;
use yincai_app::workflow::{ActInput, WorkflowItemView};
use yincai_app::{Actor, FieldError, Permission};
use yincai_domain::Role;
use yincai_domain::workflow::{self, Action};

use crate::attachments::pages::AttachmentsBox;
use crate::auth::{Form, PageCall, safe_next};
use crate::layout::Layout;
use crate::pages::{FieldErrors, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workflow/{id}", get(show))
        .route("/workflow/{id}/act", post(act))
}

/// One line of the case history.
pub struct HistoryLine {
    pub seq: i64,
    pub at: String,
    pub actor_name: String,
    pub role_name: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub resolution_number: String,
    /// The meeting whose agenda item carried the decision.
    pub meeting_link: String,
    /// Internal to the staff (the applicant does not see it).
    pub internal: bool,
}

/// A button the viewer may press.
pub struct ActionButton {
    pub code: &'static str,
    pub label: &'static str,
    /// Earlier steps a return may go to: (code, name); empty: back to the submitter.
    pub return_to: Vec<(&'static str, &'static str)>,
}

/// The workflow block of an object's page.
pub struct WorkflowPanel {
    pub item_id: i64,
    pub version: i64,
    pub workflow_name: String,
    pub state_name: String,
    pub terminal: bool,
    pub due_date: String,
    pub overdue: bool,
    pub history: Vec<HistoryLine>,
    pub buttons: Vec<ActionButton>,
    /// The viewer is a leading-group member and this step is decided in a meeting.
    pub decided_in_meeting: bool,
    /// Where to come back after acting.
    pub back: String,
    pub csrf: String,
    /// What the viewer typed before an error, kept.
    pub reason: String,
    /// Staff on an item with an applicant: offer "告知申请人" for a comment.
    pub may_share: bool,
    /// The box was checked before an error, kept.
    pub shared: bool,
    /// The viewer is the applicant: their buttons only (接受, 提交报名), and 放弃 with its own
    /// reason behind a confirmation; never the staff's comment box.
    pub applicant: bool,
    pub errors: FieldErrors,
}

impl WorkflowPanel {
    pub fn new(view: &WorkflowItemView, actor: &Actor, today: &str, back: &str) -> WorkflowPanel {
        let def = workflow::by_code(&view.item.workflow);
        let state = def.and_then(|d| d.state(&view.item.state));
        let terminal = state.is_some_and(|s| s.terminal);
        let mut decided_in_meeting = false;
        let buttons = view
            .actions
            .iter()
            .filter_map(|a| {
                let def = def?;
                if def.needs_meeting(&view.item.state, *a) {
                    decided_in_meeting = true;
                    return None;
                }
                let return_to = if *a == Action::Return {
                    view.return_targets.clone()
                } else {
                    Vec::new()
                };
                Some(ActionButton {
                    code: a.code(),
                    label: def.action_label(&view.item.state, *a),
                    return_to,
                })
            })
            .collect();
        // An item a person owns (an applicant's application) is started and submitted in one
        // step: its start (to 待提交（补正）) is no step of theirs, so the first row reads 提交报名.
        let folded_start = |i: usize| {
            let (Some(d), Some(e), Some(next)) = (def, view.events.get(i), view.events.get(i + 1)) else {
                return false;
            };
            view.item.owner_user_id.is_some()
                && e.action == "start"
                && next.action == Action::Submit.code()
                && next.from_state == d.initial
                && next.actor_id == e.actor_id
        };
        let history = view
            .events
            .iter()
            .enumerate()
            .filter(|(i, _)| !folded_start(*i))
            .map(|(i, e)| {
                let first = i > 0 && folded_start(i - 1);
                let name = |s: &str| def.map_or_else(|| s.to_string(), |d| d.state_name(s));
                let action = match (def, Action::parse(&e.action)) {
                    (Some(d), Some(a)) => d.action_label(&e.from_state, a).to_string(),
                    _ if e.action == "start" => "发起".to_string(),
                    _ => e.action.clone(),
                };
                HistoryLine {
                    seq: e.seq,
                    at: format_beijing(e.at),
                    actor_name: e.actor_name.clone(),
                    role_name: Role::parse(&e.actor_role).map_or_else(|| e.actor_role.clone(), |r| r.name_zh().into()),
                    action,
                    from: if e.from_state.is_empty() || first {
                        String::new()
                    } else {
                        name(&e.from_state)
                    },
                    to: name(&e.to_state),
                    reason: e.reason.clone(),
                    resolution_number: e.resolution_number.clone().unwrap_or_default(),
                    meeting_link: e
                        .meeting_item_id
                        .map(|m| format!("/meetings/by-agenda/{m}"))
                        .unwrap_or_default(),
                    internal: !e.shared,
                }
            })
            .collect();
        let due_date = view.item.due_date.clone().unwrap_or_default();
        WorkflowPanel {
            item_id: view.item.id,
            version: view.item.version,
            workflow_name: view.workflow_name.clone(),
            state_name: view.state_name.clone(),
            terminal,
            overdue: !terminal && !due_date.is_empty() && due_date.as_str() < today,
            due_date,
            history,
            buttons,
            decided_in_meeting,
            back: back.to_string(),
            csrf: actor.csrf_token.clone(),
            reason: String::new(),
            may_share: view.may_share_with_applicant,
            shared: false,
            applicant: actor.has(Permission::Apply) && !actor.has(Permission::WorkflowAct),
            errors: FieldErrors::default(),
        }
    }
}

#[derive(Template)]
#[template(path = "workflow_item.html")]
struct ItemPage {
    layout: Layout,
    panel: WorkflowPanel,
    attachments: AttachmentsBox,
    object_link: String,
    /// The employer unit's form for the step it waits on (the procedure of an application).
    step_link: String,
    /// A message for the whole action (someone else acted first, not allowed).
    notice: String,
}

async fn item_page(call: &PageCall, id: i64, form: Option<(ActForm, Vec<FieldError>, String)>) -> PageResult {
    let view = call.app.workflow_item(&call.actor, id).await?;
    let today = call.app.today().to_string();
    let mut panel = WorkflowPanel::new(&view, &call.actor, &today, &format!("/workflow/{id}"));
    let mut status = StatusCode::OK;
    let mut notice = String::new();
    if let Some((typed, errors, message)) = form {
        panel.shared = !typed.shared.is_empty();
        panel.reason = typed.reason;
        if !typed.back.is_empty() {
            panel.back = safe_next(&typed.back).to_string();
        }
        // A step's own record may be what is missing (the checklist, the letter): say so.
        let shown = ["reason", "return_to", "action"];
        let others: Vec<&str> = errors
            .iter()
            .filter(|e| !shown.contains(&e.field.as_str()))
            .map(|e| e.message.as_str())
            .collect();
        notice = if others.is_empty() { message } else { others.join("；") };
        panel.errors = errors.into();
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let title = format!("{}：{}", view.workflow_name, view.state_name);
    let attachments = AttachmentsBox::load(call, "workflow_item", &id.to_string(), &format!("/workflow/{id}")).await?;
    Ok(render_with(
        status,
        &ItemPage {
            attachments,
            layout: call.layout(title, "/workbench"),
            object_link: object_link(&view.item.object_type, &view.item.object_id),
            step_link: if view.item.object_type == "application" && view.item.state == "procedure" {
                format!("/applications/{}/procedure", view.item.object_id)
            } else {
                String::new()
            },
            panel,
            notice,
        },
    ))
}

async fn show(call: PageCall, Path(id): Path<i64>) -> PageResult {
    item_page(&call, id, None).await
}

/// The action form: every field a string so that what was typed comes back on an error.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub return_to: String,
    /// The "告知申请人" box of a staff comment (checked: `on`).
    #[serde(default)]
    pub shared: String,
    /// The page to go back to after acting.
    #[serde(default)]
    pub back: String,
}

async fn act(call: PageCall, Path(id): Path<i64>, form: Form<ActForm>) -> PageResult {
    let typed = form.value;
    let input = ActInput {
        action: Action::parse(&typed.action),
        reason: typed.reason.clone(),
        return_to: Some(typed.return_to.clone()).filter(|r| !r.is_empty()),
        share_with_applicant: !typed.shared.is_empty(),
        ..Default::default()
    };
    let Ok(version) = typed.version.parse::<i64>() else {
        let message = "页面已过期，请刷新后重试".to_string();
        return item_page(&call, id, Some((typed, Vec::new(), message))).await;
    };
    match call.app.act(&call.actor, id, version, &input, &call.ctx).await {
        Ok(_) => {
            let back = if typed.back.is_empty() {
                format!("/workflow/{id}")
            } else {
                safe_next(&typed.back).to_string()
            };
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) if !e.field_errors().is_empty() => {
            let errors = e.field_errors();
            item_page(&call, id, Some((typed, errors, String::new()))).await
        }
        Err(e @ (yincai_app::AppError::AlreadyHandled(_) | yincai_app::AppError::Forbidden(_))) => {
            item_page(&call, id, Some((typed, Vec::new(), e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}
