//! Leading-group meetings: the list (and a new meeting, coordination office), a meeting's
//! agenda with the items waiting for a decision, the leading group's decision per agenda
//! item with its resolution number, and closing the meeting.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::meetings::{AgendaDecision, MeetingInput, MeetingView, RemovalInput, RescheduleInput};
use yincai_app::{AppError, Permission};
use yincai_domain::lifecycle::MeetingState;
use yincai_domain::workflow::Action;
use yincai_store::MeetingRow;

use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, after_submit, form_status, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(list).post(create))
        .route("/meetings/{id}", get(show))
        .route("/meetings/{id}/agenda", post(add_agenda))
        .route("/meetings/{id}/agenda/{agenda_id}/decision", post(decide))
        .route("/meetings/{id}/agenda/{agenda_id}/removal", post(remove))
        .route("/meetings/{id}/close", post(close))
        .route("/meetings/{id}/reschedule", post(reschedule))
        .route("/meetings/by-agenda/{agenda_id}", get(by_agenda))
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct ListPage {
    layout: Layout,
    meetings: Vec<MeetingRow>,
    can_manage: bool,
    form: MeetingInput,
    errors: FieldErrors,
}

impl ListPage {
    fn status(&self, s: &MeetingState) -> &'static str {
        s.name_zh()
    }
}

async fn list_page(call: &PageCall, form: MeetingInput, errors: FieldErrors) -> PageResult {
    let meetings = call.app.meetings(&call.actor).await?;
    let status = form_status(&errors);
    Ok(render_with(
        status,
        &ListPage {
            layout: call.layout("领导小组会议", "/meetings"),
            meetings,
            can_manage: call.actor.has(Permission::MeetingManage),
            form,
            errors,
        },
    ))
}

async fn list(call: PageCall) -> PageResult {
    list_page(&call, MeetingInput::default(), FieldErrors::default()).await
}

async fn create(call: PageCall, form: Form<MeetingInput>) -> PageResult {
    let result = call.app.create_meeting(&call.actor, &form.value, &call.ctx).await;
    after_submit(
        result,
        |id| format!("/meetings/{id}"),
        |errors| list_page(&call, form.value, errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "meeting_detail.html")]
struct DetailPage {
    layout: Layout,
    m: MeetingView,
    can_manage: bool,
    can_decide: bool,
    /// The agenda item the typed decision was for, what was typed, and the errors.
    typed_for: i64,
    typed: DecisionForm,
    agenda_title: String,
    reschedule: RescheduleInput,
    /// The reason typed for taking the item `typed_for` off the agenda (kept on an error).
    removal_reason: String,
    errors: FieldErrors,
    notice: String,
}

impl DetailPage {
    /// What was typed for this agenda item (kept on an error), else nothing.
    fn typed_resolution(&self, agenda_id: &i64) -> &str {
        if *agenda_id == self.typed_for {
            &self.typed.resolution_number
        } else {
            ""
        }
    }
    fn typed_reason(&self, agenda_id: &i64) -> &str {
        if *agenda_id == self.typed_for {
            &self.typed.reason
        } else {
            ""
        }
    }
    fn typed_removal(&self, agenda_id: &i64) -> &str {
        if *agenda_id == self.typed_for {
            &self.removal_reason
        } else {
            ""
        }
    }
    fn error_for(&self, agenda_id: &i64, field: &str) -> &str {
        if *agenda_id == self.typed_for {
            self.errors.on(field)
        } else {
            ""
        }
    }
}

#[derive(Default)]
struct Typed {
    agenda_id: i64,
    decision: DecisionForm,
    agenda_title: String,
    /// What was typed in the reschedule form (kept on an error).
    reschedule: RescheduleInput,
    removal_reason: String,
    errors: FieldErrors,
    notice: String,
}

async fn detail_page(call: &PageCall, id: i64, typed: Option<Typed>) -> PageResult {
    let m = call.app.meeting(&call.actor, id).await?;
    let (status, t) = match typed {
        Some(t) => (StatusCode::UNPROCESSABLE_ENTITY, t),
        None => (StatusCode::OK, Typed::default()),
    };
    Ok(render_with(
        status,
        &DetailPage {
            layout: call.layout(format!("领导小组会议 {}", m.meeting.number), "/meetings"),
            can_manage: call.actor.has(Permission::MeetingManage) && m.meeting.status == MeetingState::Scheduled,
            can_decide: call.actor.has(Permission::MeetingDecide) && m.meeting.status == MeetingState::Scheduled,
            m,
            typed_for: t.agenda_id,
            typed: t.decision,
            agenda_title: t.agenda_title,
            reschedule: t.reschedule,
            removal_reason: t.removal_reason,
            errors: t.errors,
            notice: t.notice,
        },
    ))
}

async fn show(call: PageCall, Path(id): Path<i64>) -> PageResult {
    detail_page(&call, id, None).await
}

async fn by_agenda(call: PageCall, Path(agenda_id): Path<i64>) -> PageResult {
    let meeting = call.app.meeting_of_agenda_item(&call.actor, agenda_id).await?;
    Ok(Redirect::to(&format!("/meetings/{meeting}#agenda-{agenda_id}")).into_response())
}

/// Puts the chosen waiting items on the agenda: repeated `item` fields.
async fn add_agenda(call: PageCall, Path(id): Path<i64>, form: Form<Vec<(String, String)>>) -> PageResult {
    let mut title = String::new();
    let mut items = Vec::new();
    for (k, v) in &form.value {
        match k.as_str() {
            "title" => title = v.clone(),
            "item" => items.extend(v.parse::<i64>().ok()),
            _ => {}
        }
    }
    let result = call
        .app
        .add_agenda_item(&call.actor, id, &title, &items, &call.ctx)
        .await;
    after_submit(
        result,
        |agenda| format!("/meetings/{id}#agenda-{agenda}"),
        |errors| async move {
            let typed = Typed {
                agenda_title: title,
                errors,
                ..Typed::default()
            };
            detail_page(&call, id, Some(typed)).await
        },
    )
    .await
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
struct DecisionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    resolution_number: String,
    #[serde(default)]
    reason: String,
}

async fn decide(call: PageCall, Path((id, agenda_id)): Path<(i64, i64)>, form: Form<DecisionForm>) -> PageResult {
    let typed = form.value;
    let input = AgendaDecision {
        action: Action::parse(&typed.action),
        resolution_number: typed.resolution_number.clone(),
        reason: typed.reason.clone(),
    };
    let kept = |errors: FieldErrors, notice: String| Typed {
        agenda_id,
        decision: typed.clone(),
        errors,
        notice,
        ..Typed::default()
    };
    match call
        .app
        .decide_agenda_item(&call.actor, id, agenda_id, &input, &call.ctx)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}#agenda-{agenda_id}")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            // A refusal about the meeting itself (not yet held, closed) is said at the top.
            let errors: FieldErrors = e.field_errors().into();
            let notice = errors.on("meeting").to_string();
            detail_page(&call, id, Some(kept(errors, notice))).await
        }
        // A refusal is the error page's 403, not the form shown again (422).
        Err(e @ AppError::AlreadyHandled(_)) => {
            detail_page(&call, id, Some(kept(FieldErrors::default(), e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct RemovalForm {
    #[serde(default)]
    removal_reason: String,
}

/// Takes an undecided item off the agenda with the reason (coordination office); an error
/// shows the form again beside the item with what was typed.
async fn remove(call: PageCall, Path((id, agenda_id)): Path<(i64, i64)>, form: Form<RemovalForm>) -> PageResult {
    let input = RemovalInput {
        reason: form.value.removal_reason.clone(),
    };
    let kept = |errors: FieldErrors, notice: String| Typed {
        agenda_id,
        removal_reason: form.value.removal_reason.clone(),
        errors,
        notice,
        ..Typed::default()
    };
    match call
        .app
        .remove_agenda_item(&call.actor, id, agenda_id, &input, &call.ctx)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}#agenda-{agenda_id}")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            detail_page(&call, id, Some(kept(e.field_errors().into(), String::new()))).await
        }
        Err(e @ AppError::AlreadyHandled(_)) => {
            detail_page(&call, id, Some(kept(FieldErrors::default(), e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct CloseForm {
    #[serde(default)]
    version: String,
}

async fn close(call: PageCall, Path(id): Path<i64>, form: Form<CloseForm>) -> PageResult {
    let version = form.value.version.parse().unwrap_or(0);
    match call.app.close_meeting(&call.actor, id, version, &call.ctx).await {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Stale)) => {
            let typed = Typed {
                notice: e.to_string(),
                ..Typed::default()
            };
            detail_page(&call, id, Some(typed)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Moves the meeting to another date (before any decision), with the reason; an error shows
/// the form again with what was typed.
async fn reschedule(call: PageCall, Path(id): Path<i64>, form: Form<RescheduleInput>) -> PageResult {
    let result = call
        .app
        .reschedule_meeting(&call.actor, id, &form.value, &call.ctx)
        .await;
    after_submit(
        result,
        |()| format!("/meetings/{id}?rescheduled=1"),
        |errors| async move {
            let typed = Typed {
                reschedule: form.value,
                errors,
                ..Typed::default()
            };
            detail_page(&call, id, Some(typed)).await
        },
    )
    .await
}
