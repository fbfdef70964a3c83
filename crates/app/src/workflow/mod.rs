//! Running workflows: start an item, act on it. The table of what is allowed is data
//! (`yincai_domain::workflow`); this module checks permission and scope, asks
//! [`decide`], and in ONE write transaction advances the item (optimistic version),
//! appends the event (the case history), writes one audit record, closes the previous
//! step's task and opens the next.

pub mod tasks;

use serde::Serialize;
use yincai_domain::Role;
use yincai_domain::calendar::WorkCalendar;
use yincai_domain::workflow::{
    self, Action, ActorFacts, Decision, Request, Step, WorkflowDef, WorkflowError, decide, due_date, steps,
};
use yincai_store::{NewTask, NewWorkflowEvent, NewWorkflowItem, Tx, WorkflowEventRow, WorkflowItemRow};

use crate::clock::{beijing_date, format_beijing};
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// The kind of every workflow task (待办) in the `tasks` table.
pub const TASK_KIND: &str = "workflow";
/// The object type of workflow items in tasks and audit records.
pub const ITEM_OBJECT: &str = "workflow_item";

/// The object a workflow item is about (a plan, an application, …).
#[derive(Debug, Clone)]
pub struct WorkflowObject {
    pub object_type: String,
    pub object_id: String,
}

impl WorkflowObject {
    /// The object of type `object_type` with the numeric id `id`, as every workflow start names it.
    pub fn new(object_type: &str, id: i64) -> Self {
        WorkflowObject {
            object_type: object_type.into(),
            object_id: id.to_string(),
        }
    }
}

/// What the actor asks for, as typed.
#[derive(Debug, Clone, Default)]
pub struct ActInput {
    pub action: Option<Action>,
    pub reason: String,
    /// 批复文号, for decisions taken in a leading-group meeting.
    pub resolution_number: String,
    /// For a return: the earlier state chosen (`None`: back to the submitter).
    pub return_to: Option<String>,
    /// Attachment references (stored as a JSON list on the event).
    pub attachments: Vec<String>,
    /// A staff member's comment is internal unless shared with the applicant; a change of
    /// state and the applicant's own comments are always shared (ADR 0006).
    pub share_with_applicant: bool,
}

impl ActInput {
    pub fn new(action: Action) -> ActInput {
        ActInput {
            action: Some(action),
            ..Default::default()
        }
    }

    pub fn reason(mut self, reason: &str) -> ActInput {
        self.reason = reason.into();
        self
    }

    pub fn resolution(mut self, number: &str) -> ActInput {
        self.resolution_number = number.into();
        self
    }

    pub fn return_to(mut self, state: &str) -> ActInput {
        self.return_to = Some(state.into());
        self
    }
}

/// An item with its case history, for pages and the API.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowItemView {
    #[serde(flatten)]
    pub item: WorkflowItemRow,
    pub workflow_name: String,
    pub state_name: String,
    pub events: Vec<WorkflowEventRow>,
    /// What this actor may do now (buttons).
    pub actions: Vec<Action>,
    /// The actor is staff on an item with an applicant: their comments and files are
    /// internal unless they share them.
    pub may_share_with_applicant: bool,
    /// Where this actor's return may send the item (state code, name), if they may return
    /// it; the first is the default (back to the submitter).
    pub return_targets: Vec<(&'static str, &'static str)>,
}

/// The outcome of [`App::act`].
#[derive(Debug, Clone, Serialize)]
pub struct Acted {
    pub item: WorkflowItemRow,
    pub event_seq: i64,
    /// The due date of the next step, when counted in plain days because the calendar
    /// does not cover its year.
    pub due_in_plain_days: bool,
}

fn map_workflow_error(e: WorkflowError) -> AppError {
    let msg = e.to_string();
    match e {
        WorkflowError::ReasonRequired { .. } => AppError::Invalid(vec![FieldError::new("reason", msg)]),
        WorkflowError::ResolutionRequired => AppError::Invalid(vec![FieldError::new("resolution_number", msg)]),
        WorkflowError::BadReturnTarget { .. } => AppError::Invalid(vec![FieldError::new("return_to", msg)]),
        WorkflowError::NoAction => AppError::Invalid(vec![FieldError::new("action", msg)]),
        WorkflowError::UnknownState(_) => AppError::Internal(anyhow::anyhow!(msg)),
        WorkflowError::Finished { .. }
        | WorkflowError::NotAllowed { .. }
        | WorkflowError::MakerCannotAct
        | WorkflowError::NotTheMaker => AppError::Forbidden(msg),
    }
}

impl App {
    /// Starts `def` on `object` for the unit `org_id` (the actor's own organisation).
    /// Returns the item id. Refused if the object already has an unfinished item of `def`.
    pub async fn start_workflow(
        &self,
        actor: &Actor,
        def: &'static WorkflowDef,
        object: &WorkflowObject,
        org_id: i64,
        ctx: &RequestCtx,
    ) -> Result<i64> {
        actor.require(Permission::WorkflowAct)?;
        if org_id != actor.org_id {
            return Err(AppError::Forbidden(format!("只能为本单位发起{}", def.name_zh)));
        }
        let mut tx = self.store.begin_write().await?;
        let id = self.start_in(&mut tx, actor, def, object, org_id, None, ctx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Starts an item inside the caller's transaction. `org_id` is the owning unit (for
    /// scope); `owner_user_id` the person it belongs to, if any (an applicant).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn start_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        def: &'static WorkflowDef,
        object: &WorkflowObject,
        org_id: i64,
        owner_user_id: Option<i64>,
        ctx: &RequestCtx,
    ) -> Result<i64> {
        if !actor.acts_as(def.starter) {
            return Err(AppError::Forbidden(format!(
                "{}只能由{}发起",
                def.name_zh,
                def.starter.name_zh()
            )));
        }
        let now = self.now();
        let open = tx
            .workflow_items_for_object(&object.object_type, &object.object_id)
            .await?
            .into_iter()
            .find(|i| i.workflow == def.code && def.state(&i.state).is_some_and(|s| !s.terminal));
        if let Some(open) = open {
            return Err(AppError::Duplicate(FieldError::new(
                "object_id",
                format!(
                    "该对象已有办理中的{}（编号 {}，{}），请在原事项中继续办理",
                    def.name_zh,
                    open.id,
                    def.state_name(&open.state)
                ),
            )));
        }
        // The first step is due like any other.
        let due = def
            .state(def.initial)
            .and_then(|s| s.due_workdays)
            .map(|n| due_date(WorkCalendar::official(), beijing_date(now), n));
        let item = NewWorkflowItem {
            workflow: def.code.into(),
            object_type: object.object_type.clone(),
            object_id: object.object_id.clone(),
            state: def.initial.into(),
            org_id,
            maker_id: Some(actor.user_id),
            due_date: due.map(|d| d.date.to_string()),
            owner_user_id,
        };
        let id = tx.insert_workflow_item(&item, now).await?;
        let role = def.starter;
        tx.append_workflow_event(&NewWorkflowEvent {
            item_id: id,
            at: now,
            actor_id: Some(actor.user_id),
            actor_name: actor.display_name.clone(),
            actor_role: role.code().into(),
            action: "start".into(),
            from_state: String::new(),
            to_state: def.initial.into(),
            reason: String::new(),
            resolution_number: None,
            attachments: "[]".into(),
            meeting_item_id: None,
            shared: true,
        })
        .await?;
        let summary = format!(
            "发起{}（{}）：{}",
            def.name_zh,
            crate::audit::object_label(&object.object_type, &object.object_id),
            def.state_name(def.initial)
        );
        tx.append_audit(&self.audit_by(actor, ctx, "workflow_start", (ITEM_OBJECT, id.to_string()), summary))
            .await?;
        let org_name = tx.org(org_id).await?.map(|o| o.name).unwrap_or_default();
        let pending = Pending {
            org_id,
            org_name: &org_name,
            owner_user_id,
            due: item.due_date.clone(),
            plain_days: due.is_some_and(|d| d.plain_days),
        };
        self.open_task(tx, def, id, def.initial, &pending).await?;
        Ok(id)
    }

    /// Acts on an item: the whole transition in one write transaction. If someone else
    /// acted since the actor loaded `expected_version`, nothing changes and the error
    /// says who did what and when. Decisions of the leading group are refused here: they
    /// are taken in a meeting ([`App::decide_agenda_item`]).
    pub async fn act(
        &self,
        actor: &Actor,
        item_id: i64,
        expected_version: i64,
        input: &ActInput,
        ctx: &RequestCtx,
    ) -> Result<Acted> {
        let mut tx = self.store.begin_write().await?;
        let acted = self
            .act_in(&mut tx, actor, item_id, expected_version, input, None, ctx)
            .await?;
        tx.commit().await?;
        Ok(acted)
    }

    /// [`App::act`] inside the caller's transaction; `meeting_item_id` is set only by the
    /// meeting's decision, which is the one way to a transition that needs a resolution.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn act_in(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        item_id: i64,
        expected_version: i64,
        input: &ActInput,
        meeting_item_id: Option<i64>,
        ctx: &RequestCtx,
    ) -> Result<Acted> {
        if actor.has(Permission::Apply) && !actor.has(Permission::WorkflowAct) {
            actor.require(Permission::Apply)?;
        } else {
            actor.require(Permission::WorkflowAct)?;
        }
        let now = self.now();
        let item = tx
            .workflow_item(item_id)
            .await?
            .ok_or_else(|| AppError::NotFound("审批事项".into()))?;
        let org = tx
            .org(item.org_id)
            .await?
            .ok_or_else(|| AppError::NotFound("审批事项".into()))?;
        if !may_see_item(actor, &item, org.parent_id) {
            return Err(AppError::NotFound("审批事项".into()));
        }
        let def = workflow::by_code(&item.workflow)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown workflow {}", item.workflow)))?;
        if item.version != expected_version {
            return Err(already_handled(tx, def, &item).await?);
        }
        let req = Request {
            action: input.action,
            reason: &input.reason,
            resolution_number: &input.resolution_number,
            return_to: input.return_to.as_deref(),
        };
        let facts = ActorFacts {
            roles: &actor.roles,
            is_maker: item.maker_id == Some(actor.user_id),
        };
        let decision = decide(def, &item.state, facts, &req).map_err(map_workflow_error)?;
        if decision.changes_state && def.needs_meeting(decision.from, decision.action) && meeting_item_id.is_none() {
            return Err(AppError::Forbidden(
                "领导小组须在会议上作出决定：请在“领导小组会议”中对该议题作出决定并填写批复文号".into(),
            ));
        }
        require_role_scope(actor, decision.role, &item, org.parent_id)?;

        let (maker, due, plain) = next_maker_and_due(tx, actor, &item, &decision, now).await?;
        match tx
            .advance_workflow_item(item.id, expected_version, decision.to, maker, due.as_deref(), now)
            .await
        {
            Ok(()) => {}
            Err(yincai_store::StoreError::Stale) => return Err(already_handled(tx, def, &item).await?),
            Err(e) => return Err(e.into()),
        }
        let reason = input.reason.trim().to_string();
        let resolution = Some(input.resolution_number.trim().to_string()).filter(|r| !r.is_empty());
        let attachments = serde_json::to_string(&input.attachments).unwrap_or_else(|_| "[]".into());
        let (_, seq) = tx
            .append_workflow_event(&NewWorkflowEvent {
                item_id: item.id,
                at: now,
                actor_id: Some(actor.user_id),
                actor_name: actor.display_name.clone(),
                actor_role: decision.role.code().into(),
                action: decision.action.code().into(),
                from_state: decision.from.into(),
                to_state: decision.to.into(),
                reason: reason.clone(),
                resolution_number: resolution.clone(),
                attachments,
                meeting_item_id,
                shared: decision.changes_state || decision.role == Role::Talent || input.share_with_applicant,
            })
            .await?;
        let summary = step_summary(def, &org.name, &decision, resolution.as_deref());
        let mut audit = self.audit_by(
            actor,
            ctx,
            &format!("workflow_{}", decision.action.code()),
            (ITEM_OBJECT, item.id.to_string()),
            summary,
        );
        audit.reason = reason.clone();
        tx.append_audit(&audit).await?;
        if decision.changes_state {
            tx.close_tasks(TASK_KIND, ITEM_OBJECT, &item.id.to_string(), now)
                .await?;
            if !decision.terminal {
                let pending = Pending {
                    org_id: item.org_id,
                    org_name: &org.name,
                    owner_user_id: item.owner_user_id,
                    due,
                    plain_days: plain,
                };
                self.open_task(tx, def, item.id, decision.to, &pending).await?;
            }
            let done = Transitioned {
                def,
                item: &item,
                decision: &decision,
                resolution_number: resolution.as_deref(),
                meeting_item_id,
            };
            self.transition_effects(tx, actor, &done, ctx).await?;
            // Withdrawn or returned before the meeting decided: off every agenda, so that no
            // 同意/不同意 is offered for an item no longer at the group's step.
            if meeting_item_id.is_none() && !def.needs_meeting(decision.to, Action::Approve) {
                let why = format!(
                    "{}（{} → {}）{}",
                    def.action_label(decision.from, decision.action),
                    def.state_name(decision.from),
                    def.state_name(decision.to),
                    if reason.is_empty() {
                        String::new()
                    } else {
                        format!("：{reason}")
                    }
                );
                self.leave_agendas(tx, actor, item.id, &why, ctx).await?;
            }
        }
        let item = tx
            .workflow_item(item.id)
            .await?
            .ok_or_else(|| AppError::NotFound("审批事项".into()))?;
        Ok(Acted {
            item,
            event_seq: seq,
            due_in_plain_days: plain,
        })
    }

    /// What a transition does beyond the workflow, in the same transaction: checks that
    /// the step's record exists (an announcement before publishing, a letter before it is
    /// sent, a procedure before it is reported) and writes what follows from it (the
    /// talent record on confirmation). An error undoes the whole transition.
    async fn transition_effects(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Transitioned<'_>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let step = Step {
            workflow: t.def.code,
            from: t.decision.from,
            to: t.decision.to,
        };
        // One arm per step that records something; the steps are named beside the tables.
        match step {
            steps::APPLICATION_RESUBMITTED => self.application_resubmitted(tx, t).await,
            steps::APPLICATION_PASSED => self.application_passing(tx, t).await,
            steps::APPLICATION_OFFERED => self.application_offering(tx, t).await,
            steps::LETTER_ACCEPTED => self.application_letter_accepted(tx, t).await,
            steps::PLAN_PUBLISHED => self.plan_published(tx, actor, t, ctx).await,
            steps::PROCEDURE_REPORTED => self.procedure_reported(tx, t).await,
            steps::TALENT_INTRODUCED => self.talent_on_confirmation(tx, actor, t, ctx).await,
            steps::RELEASE_APPROVED => self.release_approving(tx, actor, t, ctx).await,
            steps::RELEASE_CERTIFIED => self.release_certifying(tx, actor, t, ctx).await,
            steps::FIXING_APPROVED => self.fixing_approved(tx, actor, t, ctx).await,
            steps::ENDING_APPROVED => self.ending_approved(tx, actor, t, ctx).await,
            _ => Ok(()),
        }
    }

    /// One item with its history, if the actor may see it.
    pub async fn workflow_item(&self, actor: &Actor, item_id: i64) -> Result<WorkflowItemView> {
        if actor.has(Permission::Apply) && !actor.has(Permission::WorkflowAct) {
            actor.require(Permission::Apply)?;
        } else {
            actor.require(Permission::WorkflowAct)?;
        }
        let mut tx = self.store.begin_read().await?;
        let item = tx
            .workflow_item(item_id)
            .await?
            .ok_or_else(|| AppError::NotFound("审批事项".into()))?;
        tx.org(item.org_id)
            .await?
            .filter(|o| may_see_item(actor, &item, o.parent_id))
            .ok_or_else(|| AppError::NotFound("审批事项".into()))?;
        let def = workflow::by_code(&item.workflow)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown workflow {}", item.workflow)))?;
        let events = events_seen_by(actor, tx.workflow_events(item.id).await?);
        Ok(WorkflowItemView {
            may_share_with_applicant: actor.has(Permission::WorkflowAct) && item.owner_user_id.is_some(),
            workflow_name: def.name_zh.into(),
            state_name: def.state_name(&item.state),
            actions: def.actions_for(&item.state, &actor.roles),
            return_targets: return_targets(actor, def, &item.state),
            item,
            events,
        })
    }

    /// The task of the step an item now waits on: addressed to the pending role, in the
    /// owning unit (unit), its supervising department (department), to the applicant
    /// (talent) or city-wide.
    async fn open_task(
        &self,
        tx: &mut Tx,
        def: &WorkflowDef,
        item_id: i64,
        state: &str,
        p: &Pending<'_>,
    ) -> Result<()> {
        let Pending {
            org_id,
            org_name,
            owner_user_id,
            ref due,
            plain_days,
        } = *p;
        let Some(step) = def.state(state) else {
            return Ok(());
        };
        let Some(role) = step.pending_role else {
            return Ok(());
        };
        let task_org = match role {
            Role::Unit => Some(org_id),
            Role::Department => tx.org(org_id).await?.and_then(|o| o.parent_id),
            _ => None,
        };
        // An applicant's step is theirs alone, not every applicant's.
        let (task_role, task_user) = match (role, owner_user_id) {
            (Role::Talent, Some(owner)) => (None, Some(owner)),
            _ => (Some(role.code().to_string()), None),
        };
        let subject = object_title(tx, item_id).await?;
        let mut title = if subject.is_empty() {
            format!("{}（{}）：{}", def.name_zh, org_name, step.name_zh)
        } else {
            format!("{}“{subject}”（{}）：{}", def.name_zh, org_name, step.name_zh)
        };
        if plain_days && let Some(d) = due {
            title.push_str(&format!(
                "（{} 年工作日历尚未录入，期限按自然日计算）",
                d.get(..4).unwrap_or("")
            ));
        }
        let link = match tx.workflow_item(item_id).await? {
            Some(item) => task_link(&item.object_type, &item.object_id, item_id),
            None => format!("/workflow/{item_id}"),
        };
        tx.insert_task(
            &NewTask {
                kind: TASK_KIND.into(),
                title,
                link,
                role: task_role,
                org_id: task_org,
                user_id: task_user,
                object_type: ITEM_OBJECT.into(),
                object_id: item_id.to_string(),
                due_date: due.clone(),
            },
            self.now(),
        )
        .await?;
        Ok(())
    }
}

/// Where a step's task is done: the page of the thing decided, whose workflow panel holds
/// the decision (a plan with its positions, an application with the form, 待遇额度核定,
/// 因故解除), else the item's own page.
fn task_link(object_type: &str, object_id: &str, item_id: i64) -> String {
    match object_type {
        "plan" | "application" | "benefit_fixing" | "talent_ending" => {
            format!("{}#workflow", crate::meetings::object_link(object_type, object_id))
        }
        _ => format!("/workflow/{item_id}"),
    }
}

/// A short label of what an item is about, for tasks and agendas: the plan's title, the
/// applicant and position, the 一事一议 case's candidate. Empty for other objects.
/// Whether a workflow item never left its first state (a draft never submitted): every event
/// of its history stayed there (its start, comments). Only such a draft may be deleted.
pub fn never_left_draft(def: &WorkflowDef, item: &WorkflowItemRow, events: &[WorkflowEventRow]) -> bool {
    item.state == def.initial && events.iter().all(|e| e.to_state == def.initial)
}

pub(crate) async fn object_title(tx: &mut Tx, item_id: i64) -> Result<String> {
    let Some(item) = tx.workflow_item(item_id).await? else {
        return Ok(String::new());
    };
    let Ok(id) = item.object_id.parse::<i64>() else {
        return Ok(String::new());
    };
    Ok(match item.object_type.as_str() {
        "plan" => tx.plan(id).await?.map(|p| p.title).unwrap_or_default(),
        "application" => tx
            .application_listed(id)
            .await?
            .map(|a| format!("{}，{}", a.candidate_name, a.position_title))
            .unwrap_or_default(),
        "installment" => tx
            .installment(id)
            .await?
            .map(|i| {
                let amount = yincai_domain::money::Fen(i.amount_fen).format_cn();
                format!("{}，{} 第 {} 笔 {amount}", i.talent_name, i.benefit_name, i.seq)
            })
            .unwrap_or_default(),
        "benefit_fixing" => tx
            .fixing(id)
            .await?
            .map(|f| {
                let amount = yincai_domain::money::Fen(f.amount_fen).format_cn();
                let verb = if f.installment_id.is_some() { "核定" } else { "拟定" };
                format!("{}，{}{verb} {amount}", f.talent_name, f.benefit_name)
            })
            .unwrap_or_default(),
        "talent_ending" => tx
            .ending(id)
            .await?
            .map(|e| {
                format!(
                    "{}，{}，{} 解除",
                    e.talent_name,
                    crate::endings::cause_name(&e.cause),
                    e.ended_on
                )
            })
            .unwrap_or_default(),
        "special_case" => match tx.special_case(id).await? {
            Some(c) => tx.candidate(c.candidate_id).await?.map(|c| c.name).unwrap_or_default(),
            None => String::new(),
        },
        _ => String::new(),
    })
}

/// The history of a proposal decided by the leading group (一事一议, 待遇额度核定, 因故解除): its
/// events, its item's version (to act on it) and the meeting's 批复文号 once decided.
pub(crate) struct Decided {
    pub events: Vec<WorkflowEventRow>,
    pub item_version: Option<i64>,
    pub resolution_number: Option<String>,
}

pub(crate) async fn decided(tx: &mut Tx, item_id: Option<i64>) -> Result<Decided> {
    let Some(item) = item_id else {
        return Ok(Decided {
            events: Vec::new(),
            item_version: None,
            resolution_number: None,
        });
    };
    let events = tx.workflow_events(item).await?;
    let resolution_number = events
        .iter()
        .rev()
        .find(|e| e.from_state == "group_decision" && e.resolution_number.is_some())
        .and_then(|e| e.resolution_number.clone());
    Ok(Decided {
        item_version: tx.workflow_item(item).await?.map(|i| i.version),
        events,
        resolution_number,
    })
}

/// Where the next step's task goes and when it is due.
struct Pending<'a> {
    org_id: i64,
    org_name: &'a str,
    owner_user_id: Option<i64>,
    due: Option<String>,
    plain_days: bool,
}

/// A transition just recorded, for [`App::transition_effects`].
pub(crate) struct Transitioned<'a> {
    pub def: &'static WorkflowDef,
    /// The item as it was before the transition.
    pub item: &'a WorkflowItemRow,
    pub decision: &'a workflow::Decision,
    /// The 批复文号 and the agenda item of a meeting's decision.
    pub resolution_number: Option<&'a str>,
    pub meeting_item_id: Option<i64>,
}

/// The states a return by this actor may choose in `state`: the transition's own target,
/// then the earlier states it allows, for the roles the actor acts in.
fn return_targets(actor: &Actor, def: &WorkflowDef, state: &str) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    let codes = def
        .transitions
        .iter()
        .filter(|t| t.from == state && t.action == Action::Return && actor.acts_as(t.role))
        .flat_map(|t| std::iter::once(t.to).chain(t.return_to.iter().copied()));
    for code in codes {
        if let Some(s) = def.state(code) {
            out.push((s.code, s.name_zh));
        }
    }
    out
}

/// Whether the actor may see an item: an applicant only their own items, everyone else by
/// the organisation scope of the owning unit.
pub(crate) fn may_see_item(actor: &Actor, item: &WorkflowItemRow, parent_id: Option<i64>) -> bool {
    if actor.has(Permission::WorkflowAct) {
        actor.can_see_org(item.org_id, parent_id)
    } else {
        actor.has(Permission::Apply) && item.owner_user_id == Some(actor.user_id)
    }
}

/// The case history as the actor may see it: staff all of it, an applicant the shared
/// events (every change of state with its reason, their own comments, and staff comments
/// shared with them), never the staff's internal comments.
pub(crate) fn events_seen_by(actor: &Actor, events: Vec<WorkflowEventRow>) -> Vec<WorkflowEventRow> {
    if actor.has(Permission::WorkflowAct) {
        events
    } else {
        events.into_iter().filter(|e| e.shared).collect()
    }
}

/// "Already handled by X at T": built from the latest event, so the loser of a race
/// learns who won and what they did.
async fn already_handled(tx: &mut Tx, def: &WorkflowDef, seen: &WorkflowItemRow) -> Result<AppError> {
    let now = tx.workflow_item(seen.id).await?;
    let last = tx.last_workflow_event(seen.id).await?;
    let message = match (now, last) {
        (Some(item), Some(e)) => format!(
            "该事项已由 {} 于 {} 处理（{}），当前环节：{}。请刷新后查看",
            e.actor_name,
            format_beijing(e.at),
            Action::parse(&e.action).map_or(e.action.as_str(), |a| a.name_zh()),
            def.state_name(&item.state)
        ),
        _ => "该事项已被他人处理，请刷新后查看".into(),
    };
    Ok(AppError::AlreadyHandled(message))
}
/// Only the owning unit acts as a unit, only its supervising department as a department,
/// only the applicant on their own application.
fn require_role_scope(actor: &Actor, role: Role, item: &WorkflowItemRow, org_parent_id: Option<i64>) -> Result<()> {
    let in_role_scope = match role {
        Role::Unit => actor.org_id == item.org_id,
        Role::Department => org_parent_id == Some(actor.org_id),
        Role::Talent => item.owner_user_id == Some(actor.user_id),
        _ => true,
    };
    if !in_role_scope {
        return Err(AppError::Forbidden(format!(
            "只能以{}身份办理本单位（或所属单位）的事项",
            role.name_zh()
        )));
    }
    Ok(())
}

/// Who the new state waits on as its maker (maker ≠ checker) and, for a step that opens a
/// task, its due date in working days (and whether that had to be counted in calendar days).
async fn next_maker_and_due(
    tx: &mut Tx,
    actor: &Actor,
    item: &WorkflowItemRow,
    decision: &Decision,
    now: i64,
) -> Result<(Option<i64>, Option<String>, bool)> {
    if decision.changes_state {
        let maker = if decision.action == Action::Withdraw {
            // The step taken back waits again on whoever submitted it before.
            tx.workflow_events(item.id)
                .await?
                .into_iter()
                .rev()
                .find(|e| e.to_state == decision.to && e.action != Action::Comment.code())
                .and_then(|e| e.actor_id)
        } else {
            Some(actor.user_id)
        };
        match decision.due_workdays.filter(|_| !decision.terminal) {
            Some(n) => {
                let d = due_date(WorkCalendar::official(), beijing_date(now), n);
                Ok((maker, Some(d.date.to_string()), d.plain_days))
            }
            None => Ok((maker, None, false)),
        }
    } else {
        Ok((item.maker_id, item.due_date.clone(), false))
    }
}

/// The audit summary of a step: workflow, item, unit, action, from → to, and the 批复文号.
fn step_summary(def: &WorkflowDef, org_name: &str, decision: &Decision, resolution: Option<&str>) -> String {
    let mut summary = format!(
        "{}（{}）：{}，{} → {}",
        def.name_zh,
        org_name,
        def.action_label(decision.from, decision.action),
        def.state_name(decision.from),
        def.state_name(decision.to)
    );
    if let Some(r) = resolution {
        summary.push_str(&format!("，批复文号 {r}"));
    }
    summary
}
