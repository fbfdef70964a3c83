//! Workflows as data. A workflow is a table of (state, role, action) → next state with
//! guards, plus per-state facts (Chinese name, who acts, due time in working days,
//! terminal or not). [`decide`] is the one pure function that says whether an actor may
//! take an action and where it leads; the app runs it, checks scope, and records the
//! event. Every later workflow (annual plans, applications, benefit releases) is a new
//! constant like [`ANNUAL_PLAN`], not new code.
//!
//! Where things are: this file is the engine (the types, [`decide`], `validate`, due dates,
//! [`by_code`]); `introduction.rs` holds the plan, application and 一事一议 tables,
//! `benefits.rs` the fixing, release and ending tables, `proposal.rs` the table those two contexts
//! share, `shorthand.rs` the guard sets and row constructors the tables are written with, and
//! `steps.rs` the steps the application hooks onto.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::Role;
use crate::calendar::WorkCalendar;

mod benefits;
mod introduction;
mod proposal;
mod shorthand;
pub mod steps;
#[cfg(test)]
mod tests;

pub use benefits::{BENEFIT_FIXING, BENEFIT_RELEASE, TALENT_ENDING};
pub use introduction::{ANNUAL_PLAN, APPLICATION, SPECIAL_CASE};
pub use steps::Step;

/// What a person does to a workflow item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 提交: send the item to the next step.
    Submit,
    /// 同意 / 通过: the reviewer of the current step approves.
    Approve,
    /// 退回修改: back to the submitter or to a chosen earlier step; reason required.
    Return,
    /// 不予通过: ends the workflow; reason required.
    Reject,
    /// 撤回: the maker of the pending step takes it back before the next step acts.
    Withdraw,
    /// 发布: the coordination office publishes the approved result (公告).
    Publish,
    /// 备注意见: no state change.
    Comment,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Submit,
        Action::Approve,
        Action::Return,
        Action::Reject,
        Action::Withdraw,
        Action::Publish,
        Action::Comment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Reject => "reject",
            Action::Withdraw => "withdraw",
            Action::Publish => "publish",
            Action::Comment => "comment",
        }
    }

    pub fn parse(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Action::Submit => "提交",
            Action::Approve => "同意",
            Action::Return => "退回修改",
            Action::Reject => "不予通过",
            Action::Withdraw => "撤回",
            Action::Publish => "发布",
            Action::Comment => "填写意见",
        }
    }
}

/// A condition a transition puts on the actor or the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    /// A non-empty reason must be given (退回, 不予通过).
    ReasonRequired,
    /// The maker of the pending step cannot act on it (maker ≠ checker).
    NotMaker,
    /// Only the maker of the pending step may act (撤回).
    MakerOnly,
    /// The decision is taken in a leading-group meeting: a resolution number (批复文号)
    /// must be given.
    ResolutionRequired,
}

/// One state of a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StateDef {
    pub code: &'static str,
    pub name_zh: &'static str,
    /// The role whose work this state waits on (`None` for terminal states).
    pub pending_role: Option<Role>,
    /// Working days the pending role has once the item enters this state.
    pub due_workdays: Option<u32>,
    pub terminal: bool,
}

/// One row of the table: in state `from`, a holder of `role` may take `action`, which
/// leads to `to`. For [`Action::Return`], `return_to` lists the earlier states the actor
/// may choose instead of `to` (the submitter's state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub from: &'static str,
    pub role: Role,
    pub action: Action,
    pub to: &'static str,
    pub return_to: &'static [&'static str],
    pub guards: &'static [Guard],
}

/// A workflow definition: data only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorkflowDef {
    /// Stable code stored with each item.
    pub code: &'static str,
    pub name_zh: &'static str,
    /// The state a new item starts in; the first of `states`.
    pub initial: &'static str,
    /// The role that starts an item (in its own organisation).
    pub starter: Role,
    /// In the order of the procedure: "earlier" for a return means earlier in this list.
    pub states: &'static [StateDef],
    pub transitions: &'static [Transition],
    /// Roles that may add a comment in any non-terminal state (no state change).
    pub commenters: &'static [Role],
    /// What a button says where the action's plain name would mislead, e.g. 接受意向书
    /// for the candidate's approve: (state, action, label).
    pub labels: &'static [(&'static str, Action, &'static str)],
}

/// Facts about the actor that [`decide`] needs; the app establishes them.
#[derive(Debug, Clone, Copy)]
pub struct ActorFacts<'a> {
    pub roles: &'a [Role],
    /// Whether the actor is the maker of the pending step (who moved the item into its
    /// current state).
    pub is_maker: bool,
}

/// What the actor asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    pub action: Option<Action>,
    pub reason: &'a str,
    pub resolution_number: &'a str,
    /// For a return: the chosen earlier state (`None`: back to the submitter).
    pub return_to: Option<&'a str>,
}

impl<'a> Request<'a> {
    pub fn new(action: Action) -> Request<'a> {
        Request {
            action: Some(action),
            ..Default::default()
        }
    }
}

/// What an allowed action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub action: Action,
    /// The role under which the actor acts.
    pub role: Role,
    pub from: &'static str,
    pub to: &'static str,
    /// False for comments.
    pub changes_state: bool,
    /// The state entered is terminal.
    pub terminal: bool,
    /// Who must act next, and in how many working days.
    pub next_role: Option<Role>,
    pub due_workdays: Option<u32>,
}

/// Why an action is refused; each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("流程状态“{0}”未定义，请联系系统管理员")]
    UnknownState(String),
    #[error("请选择要办理的操作")]
    NoAction,
    #[error("该事项已“{state}”，流程已结束，不能再{action}")]
    Finished { state: &'static str, action: &'static str },
    #[error("当前环节“{state}”，您的角色不能“{action}”{}", allowed_hint(.allowed))]
    NotAllowed {
        state: &'static str,
        action: &'static str,
        allowed: Vec<&'static str>,
    },
    #[error("{action}：请填写理由")]
    ReasonRequired { action: &'static str },
    #[error("您是本环节的提交人，不能审核自己提交的事项，请由其他人员办理")]
    MakerCannotAct,
    #[error("只有本环节的提交人本人可以撤回")]
    NotTheMaker,
    #[error("领导小组须在会议上作出决定：请填写批复文号（会议决议文号）")]
    ResolutionRequired,
    #[error("退回环节“{chosen}”无效，可退回至：{}", .allowed.join("、"))]
    BadReturnTarget { chosen: String, allowed: Vec<&'static str> },
}

fn allowed_hint(allowed: &[&'static str]) -> String {
    if allowed.is_empty() {
        "，此环节不需要您办理".into()
    } else {
        format!("，您可以：{}", allowed.join("、"))
    }
}

impl WorkflowDef {
    pub fn state(&self, code: &str) -> Option<&'static StateDef> {
        self.states.iter().find(|s| s.code == code)
    }

    fn index(&self, code: &str) -> Option<usize> {
        self.states.iter().position(|s| s.code == code)
    }

    /// The Chinese name of a state, or the code if unknown.
    pub fn state_name(&self, code: &str) -> String {
        self.state(code)
            .map_or_else(|| code.to_string(), |s| s.name_zh.to_string())
    }

    /// The label of `action` in `state` (its own name unless the definition says otherwise).
    pub fn action_label(&self, state: &str, action: Action) -> &'static str {
        self.labels
            .iter()
            .find(|(s, a, _)| *s == state && *a == action)
            .map_or(action.name_zh(), |(_, _, l)| l)
    }

    /// Whether the transition of `action` in `state` is decided in a leading-group meeting.
    pub fn needs_meeting(&self, state: &str, action: Action) -> bool {
        self.transitions
            .iter()
            .any(|t| t.from == state && t.action == action && t.guards.contains(&Guard::ResolutionRequired))
    }

    /// The actions open to `roles` in `state` (for buttons), comments included.
    pub fn actions_for(&self, state: &str, roles: &[Role]) -> Vec<Action> {
        let mut out: BTreeSet<Action> = self
            .transitions
            .iter()
            .filter(|t| t.from == state && roles.contains(&t.role))
            .map(|t| t.action)
            .collect();
        if self.state(state).is_some_and(|s| !s.terminal) && roles.iter().any(|r| self.commenters.contains(r)) {
            out.insert(Action::Comment);
        }
        out.into_iter().collect()
    }

    /// Checks the definition: states known, every state reachable from the initial one,
    /// nothing leaves a terminal state, every other state has a way out, returns go to
    /// earlier states, each guard set is coherent. Returns every problem found.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if self.states.first().map(|s| s.code) != Some(self.initial) {
            problems.push(format!("{}: the initial state must be the first state", self.code));
        }
        let mut codes = BTreeSet::new();
        for s in self.states {
            if !codes.insert(s.code) {
                problems.push(format!("{}: state {} is listed twice", self.code, s.code));
            }
            if s.terminal != s.pending_role.is_none() {
                problems.push(format!(
                    "{}: state {} must have a pending role iff not terminal",
                    self.code, s.code
                ));
            }
        }
        let mut rows = BTreeSet::new();
        for t in self.transitions {
            let (Some(from), Some(to)) = (self.index(t.from), self.index(t.to)) else {
                problems.push(format!("{}: {:?} names an unknown state", self.code, t));
                continue;
            };
            if !rows.insert((t.from, t.role, t.action)) {
                problems.push(format!(
                    "{}: ({}, {:?}, {:?}) appears twice",
                    self.code, t.from, t.role, t.action
                ));
            }
            if self.states[from].terminal {
                problems.push(format!("{}: transition out of terminal state {}", self.code, t.from));
            }
            if t.action == Action::Comment {
                problems.push(format!("{}: comments are not transitions (use commenters)", self.code));
            }
            let needs_reason = matches!(t.action, Action::Return | Action::Reject);
            if needs_reason && !t.guards.contains(&Guard::ReasonRequired) {
                problems.push(format!(
                    "{}: {:?} from {} must require a reason",
                    self.code, t.action, t.from
                ));
            }
            if matches!(t.action, Action::Approve | Action::Return | Action::Reject)
                && !t.guards.contains(&Guard::NotMaker)
            {
                problems.push(format!(
                    "{}: {:?} from {} must exclude the maker",
                    self.code, t.action, t.from
                ));
            }
            if t.action == Action::Withdraw && !t.guards.contains(&Guard::MakerOnly) {
                problems.push(format!(
                    "{}: withdraw from {} must be by the maker only",
                    self.code, t.from
                ));
            }
            if t.guards.contains(&Guard::NotMaker) && t.guards.contains(&Guard::MakerOnly) {
                problems.push(format!(
                    "{}: {:?} from {} excludes everyone",
                    self.code, t.action, t.from
                ));
            }
            if matches!(t.action, Action::Return | Action::Withdraw) && to >= from {
                problems.push(format!(
                    "{}: {:?} from {} must go to an earlier state",
                    self.code, t.action, t.from
                ));
            }
            for r in t.return_to {
                match self.index(r) {
                    Some(i) if i < from => {}
                    _ => problems.push(format!(
                        "{}: return from {} to {r} is not to an earlier state",
                        self.code, t.from
                    )),
                }
            }
            if t.role.is_separated_admin() {
                problems.push(format!(
                    "{}: admin role {:?} cannot act in a workflow",
                    self.code, t.role
                ));
            }
        }
        // Reachability from the initial state.
        let mut seen = BTreeSet::from([self.initial]);
        let mut frontier = vec![self.initial];
        while let Some(s) = frontier.pop() {
            for t in self.transitions.iter().filter(|t| t.from == s) {
                for next in std::iter::once(&t.to).chain(t.return_to) {
                    if seen.insert(next) {
                        frontier.push(next);
                    }
                }
            }
        }
        for s in self.states {
            if !seen.contains(s.code) {
                problems.push(format!("{}: state {} is unreachable", self.code, s.code));
            }
            if !s.terminal && !self.transitions.iter().any(|t| t.from == s.code && t.to != s.code) {
                problems.push(format!("{}: non-terminal state {} has no way out", self.code, s.code));
            }
        }
        if !self.states.iter().any(|s| s.terminal) {
            problems.push(format!("{}: no terminal state", self.code));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

/// Decides whether an actor may take the requested action on an item in `state`, and
/// where it leads. Pure: scope (which unit's items) is the caller's to check first.
pub fn decide(
    def: &WorkflowDef,
    state: &str,
    actor: ActorFacts<'_>,
    req: &Request<'_>,
) -> Result<Decision, WorkflowError> {
    let current = def
        .state(state)
        .ok_or_else(|| WorkflowError::UnknownState(state.to_string()))?;
    let action = req.action.ok_or(WorkflowError::NoAction)?;
    if current.terminal {
        return Err(WorkflowError::Finished {
            state: current.name_zh,
            action: action.name_zh(),
        });
    }
    let refused = || WorkflowError::NotAllowed {
        state: current.name_zh,
        action: action.name_zh(),
        allowed: def
            .actions_for(state, actor.roles)
            .into_iter()
            .map(Action::name_zh)
            .collect(),
    };
    if action == Action::Comment {
        let role = actor
            .roles
            .iter()
            .copied()
            .find(|r| def.commenters.contains(r))
            .ok_or_else(refused)?;
        if req.reason.trim().is_empty() {
            return Err(WorkflowError::ReasonRequired {
                action: action.name_zh(),
            });
        }
        return Ok(Decision {
            action,
            role,
            from: current.code,
            to: current.code,
            changes_state: false,
            terminal: false,
            next_role: current.pending_role,
            due_workdays: None,
        });
    }
    let t = def
        .transitions
        .iter()
        .find(|t| t.from == current.code && t.action == action && actor.roles.contains(&t.role))
        .ok_or_else(refused)?;
    for g in t.guards {
        match g {
            Guard::NotMaker if actor.is_maker => return Err(WorkflowError::MakerCannotAct),
            Guard::MakerOnly if !actor.is_maker => return Err(WorkflowError::NotTheMaker),
            Guard::ResolutionRequired if req.resolution_number.trim().is_empty() => {
                return Err(WorkflowError::ResolutionRequired);
            }
            Guard::ReasonRequired if req.reason.trim().is_empty() => {
                return Err(WorkflowError::ReasonRequired {
                    action: action.name_zh(),
                });
            }
            _ => {}
        }
    }
    let to = match (action, req.return_to) {
        (Action::Return, Some(chosen)) if chosen != t.to => t
            .return_to
            .iter()
            .copied()
            .find(|r| *r == chosen)
            .ok_or_else(|| WorkflowError::BadReturnTarget {
                chosen: def.state_name(chosen),
                allowed: std::iter::once(t.to)
                    .chain(t.return_to.iter().copied())
                    .filter_map(|c| def.state(c).map(|s| s.name_zh))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            })?,
        _ => t.to,
    };
    let next = def
        .state(to)
        .ok_or_else(|| WorkflowError::UnknownState(to.to_string()))?;
    Ok(Decision {
        action,
        role: t.role,
        from: current.code,
        to: next.code,
        changes_state: true,
        terminal: next.terminal,
        next_role: next.pending_role,
        due_workdays: next.due_workdays,
    })
}

/// A pending step's due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub date: jiff::civil::Date,
    /// The calendar does not cover the year: counted in plain days instead of working
    /// days (the task says so rather than failing).
    pub plain_days: bool,
}

/// `n` working days after `from` by `cal`; if `cal` does not know a year on the way,
/// `n` plain days after `from`, flagged.
pub fn due_date(cal: &WorkCalendar, from: jiff::civil::Date, n: u32) -> Due {
    match cal.add_workdays(from, n) {
        Ok(date) => Due {
            date,
            plain_days: false,
        },
        Err(_) => Due {
            date: from.checked_add(jiff::Span::new().days(i64::from(n))).unwrap_or(from),
            plain_days: true,
        },
    }
}

/// Every workflow the system knows, by code.
pub const ALL: [&WorkflowDef; 6] = [
    &ANNUAL_PLAN,
    &APPLICATION,
    &SPECIAL_CASE,
    &BENEFIT_RELEASE,
    &BENEFIT_FIXING,
    &TALENT_ENDING,
];

pub fn by_code(code: &str) -> Option<&'static WorkflowDef> {
    ALL.into_iter().find(|d| d.code == code)
}
