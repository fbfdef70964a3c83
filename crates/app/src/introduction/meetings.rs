//! Leading-group meetings (领导小组会议). The leading group decides in a meeting, not item
//! by item outside one: the coordination office (its secretariat) convenes a meeting and
//! puts items on its agenda (an annual plan, a proposed-hire list of applications, a 一事
//! 一议 case); the leading group records one decision per agenda item with its resolution
//! number (批复文号), which moves every subject through its workflow in the same
//! transaction, each transition carrying the number and the agenda item.

use serde::{Deserialize, Serialize};
use yincai_domain::Role;
use yincai_domain::lifecycle::{AgendaItemEvent, AgendaItemState, MeetingEvent, MeetingState};
use yincai_domain::workflow::{self, Action};
use yincai_store::{AgendaDecisionRecord, AgendaItemRow, MeetingRow, Tx, WorkflowItemRow};

use crate::clock::format_beijing;
use crate::error::lifecycle_step;
use crate::workflow::ActInput;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// A meeting as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MeetingInput {
    /// 会议编号, e.g. 2026年第3次.
    pub number: String,
    pub title: String,
    /// ISO date the meeting is held.
    pub held_on: String,
}

/// The leading group's decision on one agenda item.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AgendaDecision {
    /// approve | reject | return
    pub action: Option<Action>,
    /// 批复文号, e.g. 阿人才领字〔2026〕3号.
    pub resolution_number: String,
    /// Required for reject and return; recorded with approvals too.
    #[serde(default)]
    pub reason: String,
}

/// A workflow item on an agenda, for display.
#[derive(Debug, Clone, Serialize)]
pub struct Subject {
    pub workflow_item_id: i64,
    pub workflow_name: String,
    pub state: String,
    pub state_name: String,
    pub org_name: String,
    pub object_type: String,
    pub object_id: String,
    /// What it is about: the plan's title, the applicant and position, the case's candidate.
    pub title: String,
    /// The page of the object (plan, application, case).
    pub link: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgendaView {
    #[serde(flatten)]
    pub item: AgendaItemRow,
    /// Taken off the agenda before a decision: no 同意/不同意 is offered for it.
    pub removed: bool,
    pub decision_name: String,
    pub decided_by_name: String,
    pub decided_at_text: String,
    pub subjects: Vec<Subject>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    #[serde(flatten)]
    pub meeting: MeetingRow,
    pub status_name: String,
    pub agenda: Vec<AgendaView>,
    /// Items waiting for a meeting that are on no agenda yet (coordination office only).
    pub waiting: Vec<Subject>,
    /// The meeting's date has come: decisions can be recorded (before it they are refused).
    pub held: bool,
    /// No decision is recorded yet: the date may still be moved.
    pub reschedulable: bool,
}

/// A new date for a meeting, as typed, with why it moves.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RescheduleInput {
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub reason: String,
    /// The meeting's version as read (optimistic concurrency).
    #[serde(default)]
    pub version: String,
}

/// Why an agenda item is taken off the agenda, as typed by the coordination office.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RemovalInput {
    #[serde(default)]
    pub reason: String,
}

/// The page of the object a workflow item is about.
pub fn object_link(object_type: &str, object_id: &str) -> String {
    match object_type {
        "plan" => format!("/plans/{object_id}"),
        "application" => format!("/applications/{object_id}"),
        "special_case" => format!("/special-cases/{object_id}"),
        "benefit_fixing" => format!("/fixings/{object_id}"),
        "talent_ending" => format!("/endings/{object_id}"),
        "installment" => format!("/installments/{object_id}/certificate"),
        _ => String::new(),
    }
}

/// The name of an agenda item's decision (待决定 while there is none).
fn decision_name(decision: Option<&str>) -> &'static str {
    AgendaItemState::of_decision(decision)
        .unwrap_or(AgendaItemState::Pending)
        .name_zh()
}

/// Whether the leading group decided the item (taking it off the agenda is no decision).
fn decided(item: &AgendaItemRow) -> bool {
    !matches!(
        AgendaItemState::of_decision(item.decision.as_deref()),
        Some(AgendaItemState::Pending | AgendaItemState::Removed)
    )
}

const UNIQUE_MEETING: [(&str, &str, &str); 1] = [(
    "meetings.number",
    "number",
    "会议编号：该编号已使用，请换一个（例如 2026年第4次）",
)];

/// The states from which the coordination office's submit leads to a meeting decision:
/// such items are submitted when put on an agenda (an accepted application onto the
/// proposed-hire list).
fn submits_to_meeting(def: &workflow::WorkflowDef, state: &str) -> bool {
    def.transitions.iter().any(|t| {
        t.from == state
            && t.role == Role::Coordination
            && t.action == Action::Submit
            && def.needs_meeting(t.to, Action::Approve)
    })
}

impl App {
    pub async fn create_meeting(&self, actor: &Actor, input: &MeetingInput, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::MeetingManage)?;
        let mut errors = Vec::new();
        let number = input.number.trim();
        if number.is_empty() || number.chars().count() > 50 {
            errors.push(FieldError::new(
                "number",
                "会议编号：必填，最多 50 字，例如 2026年第3次",
            ));
        }
        let title = input.title.trim();
        if title.is_empty() || title.chars().count() > 100 {
            errors.push(FieldError::new("title", "会议名称：必填，最多 100 字"));
        }
        // 20 years back (minutes entered late) to 10 ahead: no 0000-01-01 or 9999-12-31.
        let range = yincai_domain::dates::DateRange::record(self.today());
        let held_on = match yincai_domain::dates::parse_date("会议日期", &input.held_on, range) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(FieldError::new("held_on", e.to_string()));
                None
            }
        };
        let Some(held_on) = held_on.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let mut tx = self.store.begin_write().await?;
        let id = tx
            .insert_meeting(number, title, &held_on.to_string(), actor.user_id, self.now())
            .await
            .map_err(|e| AppError::from_store(e, &UNIQUE_MEETING))?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "meeting_created",
            ("meeting", id.to_string()),
            format!("安排领导小组会议：{number} {title}（{held_on}）"),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn meetings(&self, actor: &Actor) -> Result<Vec<MeetingRow>> {
        actor.require(Permission::MeetingRead)?;
        Ok(self.store.begin_read().await?.meetings().await?)
    }

    /// A meeting with its agenda, each item's subjects and decision; for the coordination
    /// office also what waits for a meeting.
    pub async fn meeting(&self, actor: &Actor, id: i64) -> Result<MeetingView> {
        actor.require(Permission::MeetingRead)?;
        let mut tx = self.store.begin_read().await?;
        let meeting = tx.meeting(id).await?.ok_or_else(|| AppError::NotFound("会议".into()))?;
        let mut agenda = Vec::new();
        for item in tx.agenda_items(id).await? {
            let mut subjects = Vec::new();
            for wid in tx.agenda_subjects(item.id).await? {
                if let Some(w) = tx.workflow_item(wid).await? {
                    subjects.push(subject(&mut tx, w).await?);
                }
            }
            let decided_by_name = match item.decided_by {
                Some(u) => tx.user(u).await?.map(|u| u.display_name).unwrap_or_default(),
                None => String::new(),
            };
            agenda.push(AgendaView {
                removed: AgendaItemState::of_decision(item.decision.as_deref()) == Some(AgendaItemState::Removed),
                decision_name: decision_name(item.decision.as_deref()).into(),
                decided_at_text: item.decided_at.map(format_beijing).unwrap_or_default(),
                decided_by_name,
                subjects,
                item,
            });
        }
        let waiting = if actor.has(Permission::MeetingManage) && meeting.status == MeetingState::Scheduled {
            self.waiting_for_meeting(&mut tx).await?
        } else {
            Vec::new()
        };
        let reschedulable = meeting.status == MeetingState::Scheduled && !agenda.iter().any(|a| decided(&a.item));
        Ok(MeetingView {
            status_name: meeting.status.name_zh().into(),
            held: self.today().to_string() >= meeting.held_on,
            reschedulable,
            meeting,
            agenda,
            waiting,
        })
    }

    /// Moves a meeting that has recorded no decision to another date, with the reason (a
    /// meeting set for a later day no longer holds its agenda until then).
    pub async fn reschedule_meeting(
        &self,
        actor: &Actor,
        id: i64,
        input: &RescheduleInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::MeetingManage)?;
        let mut errors = Vec::new();
        let range = yincai_domain::dates::DateRange::record(self.today());
        let held_on = yincai_domain::dates::parse_date("会议日期", &input.held_on, range)
            .map_err(|e| errors.push(FieldError::new("held_on", e.to_string())))
            .ok();
        let reason = input.reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            errors.push(FieldError::new(
                "reason",
                "改期原因：必填，最多 500 字，例如 领导出差，会议提前",
            ));
        }
        let version = input.version.trim().parse::<i64>().ok();
        if version.is_none() {
            errors.push(FieldError::new("version", "版本号：缺少或无效，请刷新页面后重试"));
        }
        let (Some(held_on), Some(version), true) = (held_on, version, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let mut tx = self.store.begin_write().await?;
        let meeting = tx.meeting(id).await?.ok_or_else(|| AppError::NotFound("会议".into()))?;
        if meeting.status.is_terminal() {
            return Err(AppError::invalid("held_on", "会议日期：会议已结束，不能改期"));
        }
        if tx.agenda_items(id).await?.iter().any(decided) {
            return Err(AppError::invalid(
                "held_on",
                "会议日期：会议已记录决定，不能改期；未决定的议题请列入新的会议",
            ));
        }
        let held_on = held_on.to_string();
        if held_on == meeting.held_on {
            return Err(AppError::invalid(
                "held_on",
                format!("会议日期：已定于 {held_on}，请填写新的日期"),
            ));
        }
        if !tx.set_meeting_date(id, version, &held_on, self.now()).await? {
            return Err(AppError::Stale);
        }
        let mut audit = self.audit_by(
            actor,
            ctx,
            "meeting_rescheduled",
            ("meeting", id.to_string()),
            format!(
                "领导小组会议 {} 由 {} 改期至 {held_on}",
                meeting.number, meeting.held_on
            ),
        );
        audit.reason = reason.to_string();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The meeting an agenda item belongs to (for links from a decision in a case history).
    pub async fn meeting_of_agenda_item(&self, actor: &Actor, agenda_item_id: i64) -> Result<i64> {
        actor.require(Permission::MeetingRead)?;
        let mut tx = self.store.begin_read().await?;
        tx.agenda_item(agenda_item_id)
            .await?
            .map(|a| a.meeting_id)
            .ok_or_else(|| AppError::NotFound("议题".into()))
    }

    /// Items that wait for the leading group and are on no undecided agenda item: those
    /// awaiting its decision, and accepted applications (the proposed-hire list).
    async fn waiting_for_meeting(&self, tx: &mut Tx) -> Result<Vec<Subject>> {
        let mut out = Vec::new();
        for def in workflow::ALL {
            for state in def.states {
                let waits = def.needs_meeting(state.code, Action::Approve) || submits_to_meeting(def, state.code);
                if !waits {
                    continue;
                }
                for w in tx.workflow_items_in_state(def.code, state.code).await? {
                    if tx.pending_agenda_for(w.id).await?.is_empty() {
                        out.push(subject(tx, w).await?);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Puts workflow items on a meeting's agenda as one item (one plan, or the accepted
    /// applications of a proposed-hire list). Accepted applications are submitted to the
    /// leading group in the same transaction. Returns the agenda item's id.
    pub async fn add_agenda_item(
        &self,
        actor: &Actor,
        meeting_id: i64,
        title: &str,
        workflow_item_ids: &[i64],
        ctx: &RequestCtx,
    ) -> Result<i64> {
        actor.require(Permission::MeetingManage)?;
        if workflow_item_ids.is_empty() {
            return Err(AppError::invalid("items", "议题：请至少选择一个待审定事项"));
        }
        let mut tx = self.store.begin_write().await?;
        let meeting = tx
            .meeting(meeting_id)
            .await?
            .ok_or_else(|| AppError::NotFound("会议".into()))?;
        if meeting.status.is_terminal() {
            return Err(AppError::invalid(
                "meeting",
                "会议已结束，不能再增加议题，请安排新的会议",
            ));
        }
        let mut kind: Option<&'static str> = None;
        let mut subjects: Vec<WorkflowItemRow> = Vec::new();
        for id in workflow_item_ids {
            let mut w = tx
                .workflow_item(*id)
                .await?
                .ok_or_else(|| AppError::invalid("items", format!("议题：事项 {id} 不存在")))?;
            let def = workflow::by_code(&w.workflow)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown workflow {}", w.workflow)))?;
            if kind.is_some_and(|k| k != def.code) {
                return Err(AppError::invalid(
                    "items",
                    "议题：一个议题只能包含同一类事项（计划、拟聘人员名单、一事一议、待遇核定、发放审批或因故解除），请分开安排",
                ));
            }
            kind = Some(def.code);
            if !tx.pending_agenda_for(w.id).await?.is_empty() {
                return Err(AppError::invalid(
                    "items",
                    format!("议题：事项 {id} 已在待决定的议题中，不能重复上会"),
                ));
            }
            if submits_to_meeting(def, &w.state) {
                let acted = self
                    .act_in(
                        &mut tx,
                        actor,
                        w.id,
                        w.version,
                        &ActInput::new(Action::Submit),
                        None,
                        ctx,
                    )
                    .await?;
                w = acted.item;
            }
            if !def.needs_meeting(&w.state, Action::Approve) {
                return Err(AppError::invalid(
                    "items",
                    format!(
                        "议题：事项 {id}（{}）当前环节为“{}”，不是待领导小组审定的事项",
                        def.name_zh,
                        def.state_name(&w.state)
                    ),
                ));
            }
            subjects.push(w);
        }
        let kind = kind.unwrap_or_default();
        let title = match title.trim() {
            "" => default_title(kind, subjects.len()),
            t if t.chars().count() > 100 => return Err(AppError::invalid("title", "议题名称：最多 100 字")),
            t => t.to_string(),
        };
        let agenda_id = tx.insert_agenda_item(meeting_id, kind, &title).await?;
        for w in &subjects {
            tx.add_agenda_subject(agenda_id, w.id).await?;
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "agenda_item_added",
            ("meeting", meeting_id.to_string()),
            format!(
                "会议 {} 增加议题：{title}（事项 {}）",
                meeting.number,
                subjects.iter().map(|w| w.id.to_string()).collect::<Vec<_>>().join("、")
            ),
        ))
        .await?;
        tx.commit().await?;
        Ok(agenda_id)
    }

    /// Records the leading group's decision on an agenda item and moves each of its
    /// subjects accordingly, all in one transaction: either every subject moves or none.
    pub async fn decide_agenda_item(
        &self,
        actor: &Actor,
        meeting_id: i64,
        agenda_item_id: i64,
        input: &AgendaDecision,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::MeetingDecide)?;
        let action = match input.action {
            Some(a @ (Action::Approve | Action::Reject | Action::Return)) => a,
            _ => return Err(AppError::invalid("action", "决定：请选择同意、不同意或退回")),
        };
        let mut errors = Vec::new();
        let resolution = input.resolution_number.trim();
        if resolution.is_empty() || resolution.chars().count() > 50 {
            errors.push(FieldError::new(
                "resolution_number",
                "批复文号：必填（最多 50 字），例如 阿人才领字〔2026〕3号",
            ));
        }
        let reason = input.reason.trim();
        if action != Action::Approve && reason.is_empty() {
            errors.push(FieldError::new("reason", "理由：不同意或退回须填写理由"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut tx = self.store.begin_write().await?;
        let (meeting, item) = meeting_and_item(&mut tx, meeting_id, agenda_item_id).await?;
        if meeting.status.is_terminal() {
            return Err(AppError::invalid("meeting", "会议已结束，不能再记录决定"));
        }
        if self.today().to_string() < meeting.held_on {
            return Err(AppError::invalid(
                "meeting",
                format!("会议定于 {} 召开，召开后才能记录决定", meeting.held_on),
            ));
        }
        let event = match action {
            Action::Approve => AgendaItemEvent::Approve,
            Action::Reject => AgendaItemEvent::Reject,
            _ => AgendaItemEvent::Return,
        };
        let state = AgendaItemState::of_decision(item.decision.as_deref()).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "agenda item {} has decision {:?}",
                item.id,
                item.decision
            ))
        })?;
        // A decided item is refused by the table; a race with another decision by the store.
        let recorded = state.next(event).is_some()
            && tx
                .record_agenda_decision(
                    item.id,
                    &AgendaDecisionRecord {
                        decision: action.code(),
                        resolution_number: Some(resolution),
                        note: reason,
                        decided_by: actor.user_id,
                        decided_at: self.now(),
                    },
                )
                .await?;
        if !recorded {
            let by = match item.decided_by {
                Some(u) => tx.user(u).await?.map(|u| u.display_name).unwrap_or_default(),
                None => String::new(),
            };
            return Err(AppError::AlreadyHandled(format!(
                "该议题已由 {by} 于 {} 作出决定（{}，{}），请刷新后查看",
                item.decided_at.map(format_beijing).unwrap_or_default(),
                decision_name(item.decision.as_deref()),
                item.resolution_number.as_deref().unwrap_or("")
            )));
        }
        let act = ActInput {
            action: Some(action),
            reason: reason.to_string(),
            resolution_number: resolution.to_string(),
            ..Default::default()
        };
        for wid in tx.agenda_subjects(item.id).await? {
            let w = tx
                .workflow_item(wid)
                .await?
                .ok_or_else(|| AppError::NotFound("审批事项".into()))?;
            self.act_in(&mut tx, actor, w.id, w.version, &act, Some(item.id), ctx)
                .await?;
        }
        let mut audit = self.audit_by(
            actor,
            ctx,
            "agenda_item_decided",
            ("meeting", meeting_id.to_string()),
            format!(
                "会议 {} 议题 {}“{}”：{}，批复文号 {resolution}",
                meeting.number,
                item.seq,
                item.title,
                decision_name(Some(action.code()))
            ),
        );
        audit.reason = reason.to_string();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes an undecided item off a meeting's agenda, with the reason (coordination office).
    /// Its subjects stay where they are and wait for another meeting; the meeting shows the
    /// item as 已撤下 with who, when and why.
    pub async fn remove_agenda_item(
        &self,
        actor: &Actor,
        meeting_id: i64,
        agenda_item_id: i64,
        input: &RemovalInput,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::MeetingManage)?;
        let reason = input.reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::invalid(
                "removal_reason",
                "撤下原因：必填，最多 500 字，例如 单位申请撤回，待补充材料后另行上会",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let (meeting, item) = meeting_and_item(&mut tx, meeting_id, agenda_item_id).await?;
        if meeting.status.is_terminal() {
            return Err(AppError::invalid(
                "removal_reason",
                "撤下议题：会议已结束，不能再撤下议题",
            ));
        }
        self.take_off_agenda(&mut tx, actor, &meeting.number, &item, reason, ctx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a pending agenda item removed and writes the audit record; refuses an item
    /// already decided (or removed) with who did it.
    async fn take_off_agenda(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        meeting_number: &str,
        item: &AgendaItemRow,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let state = AgendaItemState::of_decision(item.decision.as_deref()).unwrap_or(AgendaItemState::Approved);
        let recorded = state.next(AgendaItemEvent::Remove).is_some()
            && tx
                .record_agenda_decision(
                    item.id,
                    &AgendaDecisionRecord {
                        decision: AgendaItemState::Removed.code(),
                        resolution_number: None,
                        note: reason,
                        decided_by: actor.user_id,
                        decided_at: self.now(),
                    },
                )
                .await?;
        if !recorded {
            return Err(AppError::AlreadyHandled(format!(
                "议题 {}“{}”已{}，不能撤下，请刷新后查看",
                item.seq,
                item.title,
                decision_name(item.decision.as_deref())
            )));
        }
        let mut audit = self.audit_by(
            actor,
            ctx,
            "agenda_item_removed",
            ("meeting", item.meeting_id.to_string()),
            format!("会议 {meeting_number} 撤下议题 {}“{}”", item.seq, item.title),
        );
        audit.reason = reason.to_string();
        tx.append_audit(&audit).await?;
        Ok(())
    }

    /// A workflow item that left the step the leading group decides (withdrawn or returned
    /// before the meeting's decision) leaves every undecided agenda: taken off a list it
    /// shares with others, or its agenda item is removed when it was the only subject.
    /// Called by every workflow step taken outside a meeting, in its transaction.
    pub(crate) async fn leave_agendas(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        workflow_item_id: i64,
        why: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        for item in tx.pending_agenda_for(workflow_item_id).await? {
            let meeting = tx
                .meeting(item.meeting_id)
                .await?
                .ok_or_else(|| AppError::NotFound("会议".into()))?;
            if tx.agenda_subjects(item.id).await?.len() > 1 {
                tx.remove_agenda_subject(item.id, workflow_item_id).await?;
                let title = crate::workflow::object_title(tx, workflow_item_id).await?;
                let mut audit = self.audit_by(
                    actor,
                    ctx,
                    "agenda_item_removed",
                    ("meeting", item.meeting_id.to_string()),
                    format!("会议 {} 议题 {}“{}”移出：{title}", meeting.number, item.seq, item.title),
                );
                audit.reason = why.to_string();
                tx.append_audit(&audit).await?;
            } else {
                self.take_off_agenda(tx, actor, &meeting.number, &item, why, ctx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Ends a meeting once every agenda item is decided.
    pub async fn close_meeting(&self, actor: &Actor, id: i64, expected_version: i64, ctx: &RequestCtx) -> Result<()> {
        actor.require(Permission::MeetingManage)?;
        let mut tx = self.store.begin_write().await?;
        let meeting = tx.meeting(id).await?.ok_or_else(|| AppError::NotFound("会议".into()))?;
        let open: Vec<String> = tx
            .agenda_items(id)
            .await?
            .into_iter()
            .filter(|i| i.decision.is_none())
            .map(|i| format!("议题 {}“{}”", i.seq, i.title))
            .collect();
        if !open.is_empty() {
            return Err(AppError::invalid(
                "meeting",
                format!("还有议题未作决定：{}，请先记录决定", open.join("、")),
            ));
        }
        let closed = lifecycle_step(meeting.status, MeetingEvent::Close)?;
        if !tx.set_meeting_status(id, expected_version, closed, self.now()).await? {
            return Err(AppError::Stale);
        }
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "meeting_closed",
            ("meeting", id.to_string()),
            format!("结束领导小组会议：{}", meeting.number),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A meeting and one item of its agenda (an item of another meeting is not found).
async fn meeting_and_item(tx: &mut Tx, meeting_id: i64, agenda_item_id: i64) -> Result<(MeetingRow, AgendaItemRow)> {
    let meeting = tx
        .meeting(meeting_id)
        .await?
        .ok_or_else(|| AppError::NotFound("会议".into()))?;
    let item = tx
        .agenda_item(agenda_item_id)
        .await?
        .filter(|i| i.meeting_id == meeting_id)
        .ok_or_else(|| AppError::NotFound("议题".into()))?;
    Ok((meeting, item))
}

fn default_title(kind: &str, n: usize) -> String {
    match kind {
        "application" => format!("拟聘人员名单（{n} 人）"),
        "annual_plan" => "年度引进计划审定".into(),
        "special_case" => "一事一议事项".into(),
        "benefit_release" => format!("待遇发放审批（{n} 笔）"),
        "benefit_fixing" => format!("待遇额度核定（{n} 项）"),
        "talent_ending" => format!("因故解除（{n} 人）"),
        _ => "待审定事项".into(),
    }
}

async fn subject(tx: &mut Tx, w: WorkflowItemRow) -> Result<Subject> {
    let def = workflow::by_code(&w.workflow);
    let title = crate::workflow::object_title(tx, w.id).await?;
    let org_name = tx.org(w.org_id).await?.map(|o| o.name).unwrap_or_default();
    Ok(Subject {
        workflow_item_id: w.id,
        workflow_name: def.map_or_else(|| w.workflow.clone(), |d| d.name_zh.to_string()),
        state_name: def.map_or_else(|| w.state.clone(), |d| d.state_name(&w.state)),
        link: object_link(&w.object_type, &w.object_id),
        title,
        org_name,
        state: w.state,
        object_type: w.object_type,
        object_id: w.object_id,
        version: w.version,
    })
}
