//! Workflows as data. A workflow is a table of (state, role, action) → next state with
//! guards, plus per-state facts (Chinese name, who acts, due time in working days,
//! terminal or not). [`decide`] is the one pure function that says whether an actor may
//! take an action and where it leads; the app runs it, checks scope, and records the
//! event. Every later workflow (annual plans, applications, benefit releases) is a new
//! constant like [`ANNUAL_PLAN`], not new code.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::Role;
use crate::calendar::WorkCalendar;

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
pub const ALL: [&WorkflowDef; 5] = [
    &ANNUAL_PLAN,
    &APPLICATION,
    &SPECIAL_CASE,
    &BENEFIT_RELEASE,
    &BENEFIT_FIXING,
];

pub fn by_code(code: &str) -> Option<&'static WorkflowDef> {
    ALL.into_iter().find(|d| d.code == code)
}

/// A step of a workflow, (workflow, from, to): the key by which the application hangs what
/// a step records beyond the workflow (a talent record on confirmation, a commitment on a
/// release's approval). Named here, beside the tables, so that a renamed state fails
/// `every_named_step_is_a_transition_of_its_table` instead of silently unhooking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub workflow: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

impl Step {
    /// Whether the workflow's table has a transition (or a return) from `from` to `to`.
    pub fn exists(self) -> bool {
        by_code(self.workflow).is_some_and(|def| {
            def.transitions
                .iter()
                .any(|t| t.from == self.from && (t.to == self.to || t.return_to.contains(&self.to)))
        })
    }
}

/// The steps that carry a hook in the application (see `transition_effects` there).
pub mod steps {
    use super::Step;

    const fn step(workflow: &'static str, from: &'static str, to: &'static str) -> Step {
        Step { workflow, from, to }
    }

    /// A candidate resubmits an application returned for 补正.
    pub const APPLICATION_RESUBMITTED: Step = step("application", "draft", "review");
    /// The coordination office's qualification review passes.
    pub const APPLICATION_PASSED: Step = step("application", "review", "passed");
    /// The intent letter is sent.
    pub const APPLICATION_OFFERED: Step = step("application", "passed", "offered");
    /// The candidate accepts the intent letter.
    pub const LETTER_ACCEPTED: Step = step("application", "offered", "accepted");
    /// The unit reports the procedure of the mode (contract, transfer, agreement).
    pub const PROCEDURE_REPORTED: Step = step("application", "procedure", "confirmation");
    /// The office confirms: the talent is introduced.
    pub const TALENT_INTRODUCED: Step = step("application", "confirmation", "introduced");
    /// An approved plan's announcement is published.
    pub const PLAN_PUBLISHED: Step = step("annual_plan", "approved", "published");
    /// The leading group approves a release in a meeting.
    pub const RELEASE_APPROVED: Step = step("benefit_release", "group_decision", "approved");
    /// The office certifies an approved release (证明).
    pub const RELEASE_CERTIFIED: Step = step("benefit_release", "approved", "certified");
    /// The leading group fixes an amount in a meeting.
    pub const FIXING_APPROVED: Step = step("benefit_fixing", "group_decision", "approved");

    pub const ALL: [Step; 10] = [
        APPLICATION_RESUBMITTED,
        APPLICATION_PASSED,
        APPLICATION_OFFERED,
        LETTER_ACCEPTED,
        PROCEDURE_REPORTED,
        TALENT_INTRODUCED,
        PLAN_PUBLISHED,
        RELEASE_APPROVED,
        RELEASE_CERTIFIED,
        FIXING_APPROVED,
    ];
}

const REVIEW: &[Guard] = &[Guard::NotMaker];
const REVIEW_WITH_REASON: &[Guard] = &[Guard::NotMaker, Guard::ReasonRequired];
const MEETING: &[Guard] = &[Guard::NotMaker, Guard::ResolutionRequired];
const MEETING_WITH_REASON: &[Guard] = &[Guard::NotMaker, Guard::ResolutionRequired, Guard::ReasonRequired];
const WITHDRAW: &[Guard] = &[Guard::MakerOnly];

const fn tr(
    from: &'static str,
    role: Role,
    action: Action,
    to: &'static str,
    return_to: &'static [&'static str],
    guards: &'static [Guard],
) -> Transition {
    Transition {
        from,
        role,
        action,
        to,
        return_to,
        guards,
    }
}

/// 年度引进计划 (Art. 12(1), 21): a unit drafts its plan; the 主管部门 reviews it, the
/// 协调办 reviews it preliminarily, the 领导小组 decides in a meeting (批复文号 required),
/// and the 协调办 publishes the announcement.
pub const ANNUAL_PLAN: WorkflowDef = WorkflowDef {
    code: "annual_plan",
    name_zh: "年度引进计划",
    initial: "draft",
    starter: Role::Unit,
    states: &[
        StateDef {
            code: "draft",
            name_zh: "单位编制",
            pending_role: Some(Role::Unit),
            due_workdays: Some(10),
            terminal: false,
        },
        StateDef {
            code: "department_review",
            name_zh: "主管部门审核",
            pending_role: Some(Role::Department),
            due_workdays: Some(5),
            terminal: false,
        },
        StateDef {
            code: "coordination_review",
            name_zh: "协调办初审",
            pending_role: Some(Role::Coordination),
            due_workdays: Some(10),
            terminal: false,
        },
        StateDef {
            code: "group_decision",
            name_zh: "领导小组审定",
            pending_role: Some(Role::LeadingGroup),
            due_workdays: Some(20),
            terminal: false,
        },
        StateDef {
            code: "approved",
            name_zh: "已批准待发布",
            pending_role: Some(Role::Coordination),
            due_workdays: Some(5),
            terminal: false,
        },
        StateDef {
            code: "published",
            name_zh: "已发布",
            pending_role: None,
            due_workdays: None,
            terminal: true,
        },
        StateDef {
            code: "rejected",
            name_zh: "不予通过",
            pending_role: None,
            due_workdays: None,
            terminal: true,
        },
    ],
    transitions: &[
        tr("draft", Role::Unit, Action::Submit, "department_review", &[], &[]),
        tr(
            "department_review",
            Role::Department,
            Action::Approve,
            "coordination_review",
            &[],
            REVIEW,
        ),
        tr(
            "department_review",
            Role::Department,
            Action::Return,
            "draft",
            &[],
            REVIEW_WITH_REASON,
        ),
        tr(
            "department_review",
            Role::Department,
            Action::Reject,
            "rejected",
            &[],
            REVIEW_WITH_REASON,
        ),
        tr(
            "department_review",
            Role::Unit,
            Action::Withdraw,
            "draft",
            &[],
            WITHDRAW,
        ),
        tr(
            "coordination_review",
            Role::Coordination,
            Action::Approve,
            "group_decision",
            &[],
            REVIEW,
        ),
        tr(
            "coordination_review",
            Role::Coordination,
            Action::Return,
            "draft",
            &["department_review"],
            REVIEW_WITH_REASON,
        ),
        tr(
            "coordination_review",
            Role::Coordination,
            Action::Reject,
            "rejected",
            &[],
            REVIEW_WITH_REASON,
        ),
        tr(
            "coordination_review",
            Role::Department,
            Action::Withdraw,
            "department_review",
            &[],
            WITHDRAW,
        ),
        tr(
            "group_decision",
            Role::LeadingGroup,
            Action::Approve,
            "approved",
            &[],
            MEETING,
        ),
        tr(
            "group_decision",
            Role::LeadingGroup,
            Action::Return,
            "draft",
            &["department_review", "coordination_review"],
            MEETING_WITH_REASON,
        ),
        tr(
            "group_decision",
            Role::LeadingGroup,
            Action::Reject,
            "rejected",
            &[],
            MEETING_WITH_REASON,
        ),
        tr(
            "group_decision",
            Role::Coordination,
            Action::Withdraw,
            "coordination_review",
            &[],
            WITHDRAW,
        ),
        tr("approved", Role::Coordination, Action::Publish, "published", &[], &[]),
    ],
    commenters: &[Role::Unit, Role::Department, Role::Coordination, Role::LeadingGroup],
    labels: &[
        ("draft", Action::Submit, "提交主管部门审核"),
        ("approved", Action::Publish, "发布公告"),
    ],
};

const fn state(
    code: &'static str,
    name_zh: &'static str,
    pending_role: Option<Role>,
    due_workdays: Option<u32>,
) -> StateDef {
    StateDef {
        code,
        name_zh,
        pending_role,
        due_workdays,
        terminal: pending_role.is_none(),
    }
}

/// 报名与引进 (Art. 12(2)-(5)): one candidate's application to one position, from the
/// qualification review to the introduced talent. The candidate submits (and resubmits
/// after 补正); the 协调办 reviews, issues the intent letter and puts accepted candidates
/// on a proposed-hire list; the 领导小组 decides the list in a meeting; the employer unit
/// records the procedure of its mode; the 协调办 confirms, which creates the talent record.
pub const APPLICATION: WorkflowDef = WorkflowDef {
    code: "application",
    name_zh: "人才报名与引进",
    initial: "draft",
    starter: Role::Talent,
    states: &[
        state("draft", "待提交（补正）", Some(Role::Talent), Some(10)),
        state("review", "资格审查", Some(Role::Coordination), Some(10)),
        state("passed", "审查通过待发意向书", Some(Role::Coordination), Some(5)),
        state("offered", "意向书待确认", Some(Role::Talent), Some(10)),
        state("accepted", "待报领导小组", Some(Role::Coordination), Some(10)),
        state(
            "group_decision",
            "领导小组审定拟聘名单",
            Some(Role::LeadingGroup),
            Some(20),
        ),
        state("procedure", "办理引进手续", Some(Role::Unit), Some(30)),
        state("confirmation", "协调办确认入库", Some(Role::Coordination), Some(5)),
        state("introduced", "已引进", None, None),
        state("declined", "本人放弃", None, None),
        state("rejected", "不予通过", None, None),
    ],
    transitions: &[
        tr("draft", Role::Talent, Action::Submit, "review", &[], &[]),
        tr("review", Role::Coordination, Action::Approve, "passed", &[], REVIEW),
        tr(
            "review",
            Role::Coordination,
            Action::Return,
            "draft",
            &[],
            REVIEW_WITH_REASON,
        ),
        tr(
            "review",
            Role::Coordination,
            Action::Reject,
            "rejected",
            &[],
            REVIEW_WITH_REASON,
        ),
        tr("passed", Role::Coordination, Action::Submit, "offered", &[], &[]),
        tr("offered", Role::Talent, Action::Approve, "accepted", &[], REVIEW),
        tr(
            "offered",
            Role::Talent,
            Action::Reject,
            "declined",
            &[],
            REVIEW_WITH_REASON,
        ),
        tr("offered", Role::Coordination, Action::Withdraw, "passed", &[], WITHDRAW),
        tr(
            "accepted",
            Role::Coordination,
            Action::Submit,
            "group_decision",
            &[],
            &[],
        ),
        tr(
            "group_decision",
            Role::LeadingGroup,
            Action::Approve,
            "procedure",
            &[],
            MEETING,
        ),
        tr(
            "group_decision",
            Role::LeadingGroup,
            Action::Reject,
            "rejected",
            &[],
            MEETING_WITH_REASON,
        ),
        tr(
            "group_decision",
            Role::Coordination,
            Action::Withdraw,
            "accepted",
            &[],
            WITHDRAW,
        ),
        tr("procedure", Role::Unit, Action::Submit, "confirmation", &[], &[]),
        tr(
            "confirmation",
            Role::Coordination,
            Action::Approve,
            "introduced",
            &[],
            REVIEW,
        ),
        tr(
            "confirmation",
            Role::Coordination,
            Action::Return,
            "procedure",
            &[],
            REVIEW_WITH_REASON,
        ),
    ],
    commenters: &[Role::Unit, Role::Department, Role::Coordination, Role::LeadingGroup],
    labels: &[
        ("draft", Action::Submit, "提交报名"),
        ("review", Action::Approve, "资格审查通过"),
        ("review", Action::Return, "退回补正"),
        ("passed", Action::Submit, "发出意向书"),
        ("offered", Action::Approve, "接受意向书"),
        ("offered", Action::Reject, "放弃"),
        ("offered", Action::Withdraw, "撤回意向书"),
        ("accepted", Action::Submit, "列入拟聘人员名单报领导小组"),
        ("group_decision", Action::Approve, "同意聘用"),
        ("procedure", Action::Submit, "手续办结，报协调办确认"),
        ("confirmation", Action::Approve, "确认引进，建立人才档案"),
    ],
};

/// 一事一议 (Art. 14(7) and cases the measures do not foresee): the 协调办 opens a case on
/// a candidate with the reason and the proposed treatment; the 领导小组 decides it in a
/// meeting.
pub const SPECIAL_CASE: WorkflowDef = WorkflowDef {
    code: "special_case",
    name_zh: "一事一议",
    initial: "draft",
    starter: Role::Coordination,
    states: &[
        state("draft", "协调办拟议", Some(Role::Coordination), Some(10)),
        state("group_decision", "领导小组审议", Some(Role::LeadingGroup), Some(20)),
        state("approved", "同意", None, None),
        state("rejected", "不同意", None, None),
    ],
    transitions: PROPOSAL_TO_THE_GROUP,
    commenters: &[Role::Coordination, Role::LeadingGroup],
    labels: &[("draft", Action::Submit, "提请领导小组审议")],
};

/// A proposal the 协调办 drafts and the 领导小组 decides in a meeting (approve, reject,
/// or return for redrafting); the 协调办 may take it back before the meeting decides.
/// Shared by 一事一议 and 待遇额度核定, whose states differ only in their names.
const PROPOSAL_TO_THE_GROUP: &[Transition] = &[
    tr("draft", Role::Coordination, Action::Submit, "group_decision", &[], &[]),
    tr(
        "group_decision",
        Role::LeadingGroup,
        Action::Approve,
        "approved",
        &[],
        MEETING,
    ),
    tr(
        "group_decision",
        Role::LeadingGroup,
        Action::Reject,
        "rejected",
        &[],
        MEETING_WITH_REASON,
    ),
    tr(
        "group_decision",
        Role::LeadingGroup,
        Action::Return,
        "draft",
        &[],
        MEETING_WITH_REASON,
    ),
    tr(
        "group_decision",
        Role::Coordination,
        Action::Withdraw,
        "draft",
        &[],
        WITHDRAW,
    ),
];

/// 待遇额度核定 (Art. 14(1), 14(2), 14(7)): where the policy grants a range (项目启动资金
/// 50-300 万元) or leaves the amount to the leading group, the 协调办 proposes an amount
/// for one talent's project and the 领导小组 fixes it in a meeting (批复文号). The fixed
/// amount becomes an installment, released through the gate like any other.
pub const BENEFIT_FIXING: WorkflowDef = WorkflowDef {
    code: "benefit_fixing",
    name_zh: "待遇额度核定",
    initial: "draft",
    starter: Role::Coordination,
    states: &[
        state("draft", "协调办拟定额度", Some(Role::Coordination), Some(10)),
        state("group_decision", "领导小组审定", Some(Role::LeadingGroup), Some(20)),
        state("approved", "已核定", None, None),
        state("rejected", "不予核定", None, None),
    ],
    transitions: PROPOSAL_TO_THE_GROUP,
    commenters: &[Role::Coordination, Role::LeadingGroup],
    labels: &[
        ("draft", Action::Submit, "提请领导小组审定"),
        ("group_decision", Action::Approve, "核定额度"),
        ("group_decision", Action::Reject, "不予核定"),
    ],
};

/// 待遇发放审批 (Art. 19): the 协调办 requests the release of one installment whose
/// assessment passed; the 领导小组 approves it in a meeting (批复文号, the money is committed
/// against the special fund); the 协调办 issues the certificate (证明); finance then pays.
pub const BENEFIT_RELEASE: WorkflowDef = WorkflowDef {
    code: "benefit_release",
    name_zh: "待遇发放审批",
    initial: "requested",
    starter: Role::Coordination,
    states: &[
        state("requested", "协调办提请", Some(Role::Coordination), Some(5)),
        state("group_decision", "领导小组审议", Some(Role::LeadingGroup), Some(20)),
        state("approved", "已批复，待出具证明", Some(Role::Coordination), Some(5)),
        state("certified", "已出具证明", None, None),
        state("rejected", "不予发放", None, None),
    ],
    transitions: &[
        tr(
            "requested",
            Role::Coordination,
            Action::Submit,
            "group_decision",
            &[],
            &[],
        ),
        tr(
            "group_decision",
            Role::LeadingGroup,
            Action::Approve,
            "approved",
            &[],
            MEETING,
        ),
        tr(
            "group_decision",
            Role::LeadingGroup,
            Action::Reject,
            "rejected",
            &[],
            MEETING_WITH_REASON,
        ),
        tr(
            "group_decision",
            Role::Coordination,
            Action::Withdraw,
            "requested",
            &[],
            WITHDRAW,
        ),
        tr("approved", Role::Coordination, Action::Submit, "certified", &[], &[]),
    ],
    commenters: &[Role::Coordination, Role::LeadingGroup],
    labels: &[
        ("requested", Action::Submit, "提请领导小组审议"),
        ("approved", Action::Submit, "出具证明"),
    ],
};

#[cfg(test)]
mod tests {
    #[test]
    fn every_named_step_is_a_transition_of_its_table() {
        for step in super::steps::ALL {
            assert!(step.exists(), "{step:?} is not a transition of its workflow");
        }
        assert!(
            !super::Step {
                workflow: "application",
                from: "review",
                to: "introduced"
            }
            .exists()
        );
    }

    use super::*;

    fn facts(roles: &[Role], is_maker: bool) -> ActorFacts<'_> {
        ActorFacts { roles, is_maker }
    }

    fn full(action: Action) -> Request<'static> {
        Request {
            action: Some(action),
            reason: "材料不全",
            resolution_number: "阿人才领字〔2026〕3号",
            return_to: None,
        }
    }

    #[test]
    fn due_dates_skip_spring_festival_2025_and_fall_back_to_plain_days() {
        use jiff::civil::date;
        let cal = WorkCalendar::official();
        // Friday 2025-01-24: Sunday 01-26 is a make-up workday, 01-28..02-04 the holiday.
        let due = due_date(cal, date(2025, 1, 24), 5);
        assert_eq!(
            due,
            Due {
                date: date(2025, 2, 7),
                plain_days: false
            }
        );
        let due = due_date(cal, date(2025, 1, 27), 1);
        assert_eq!(due.date, date(2025, 2, 5));
        let far = due_date(cal, date(2099, 12, 30), 5);
        assert_eq!(
            far,
            Due {
                date: date(2100, 1, 4),
                plain_days: true
            }
        );
    }

    #[test]
    fn every_workflow_is_valid() {
        for def in ALL {
            assert_eq!(def.validate(), Ok(()), "{}", def.code);
            assert_eq!(by_code(def.code).map(|d| d.code), Some(def.code));
        }
    }

    #[test]
    fn validation_finds_broken_definitions() {
        const BAD: WorkflowDef = WorkflowDef {
            code: "bad",
            name_zh: "坏流程",
            initial: "a",
            starter: Role::Unit,
            states: &[
                StateDef {
                    code: "a",
                    name_zh: "甲",
                    pending_role: Some(Role::Unit),
                    due_workdays: None,
                    terminal: false,
                },
                StateDef {
                    code: "island",
                    name_zh: "孤岛",
                    pending_role: Some(Role::Unit),
                    due_workdays: None,
                    terminal: false,
                },
                StateDef {
                    code: "end",
                    name_zh: "结束",
                    pending_role: None,
                    due_workdays: None,
                    terminal: true,
                },
            ],
            transitions: &[
                tr("a", Role::Unit, Action::Submit, "end", &[], &[]),
                tr("end", Role::Unit, Action::Submit, "a", &[], &[]),
                tr("a", Role::Department, Action::Reject, "end", &[], &[]),
                tr("a", Role::SysAdmin, Action::Approve, "end", &[], REVIEW),
            ],
            commenters: &[],
            labels: &[],
        };
        let problems = BAD.validate().unwrap_err().join("\n");
        for expected in [
            "transition out of terminal state end",
            "state island is unreachable",
            "non-terminal state island has no way out",
            "Reject from a must require a reason",
            "Reject from a must exclude the maker",
            "admin role SysAdmin",
        ] {
            assert!(problems.contains(expected), "missing {expected:?} in\n{problems}");
        }
    }

    /// The expected table of the annual plan, written out independently of the constant:
    /// (state, role, action) → next state. Any change to [`ANNUAL_PLAN`] must change this.
    const PLAN_EXPECTED: [(&str, Role, Action, &str); 14] = [
        ("draft", Role::Unit, Action::Submit, "department_review"),
        (
            "department_review",
            Role::Department,
            Action::Approve,
            "coordination_review",
        ),
        ("department_review", Role::Department, Action::Return, "draft"),
        ("department_review", Role::Department, Action::Reject, "rejected"),
        ("department_review", Role::Unit, Action::Withdraw, "draft"),
        (
            "coordination_review",
            Role::Coordination,
            Action::Approve,
            "group_decision",
        ),
        ("coordination_review", Role::Coordination, Action::Return, "draft"),
        ("coordination_review", Role::Coordination, Action::Reject, "rejected"),
        (
            "coordination_review",
            Role::Department,
            Action::Withdraw,
            "department_review",
        ),
        ("group_decision", Role::LeadingGroup, Action::Approve, "approved"),
        ("group_decision", Role::LeadingGroup, Action::Return, "draft"),
        ("group_decision", Role::LeadingGroup, Action::Reject, "rejected"),
        (
            "group_decision",
            Role::Coordination,
            Action::Withdraw,
            "coordination_review",
        ),
        ("approved", Role::Coordination, Action::Publish, "published"),
    ];
    const PLAN_COMMENTERS: [Role; 4] = [Role::Unit, Role::Department, Role::Coordination, Role::LeadingGroup];

    #[test]
    fn annual_plan_exhaustive_walk_of_state_role_action() {
        let def = &ANNUAL_PLAN;
        assert_eq!(
            def.transitions.len(),
            PLAN_EXPECTED.len(),
            "table grew or shrank: update PLAN_EXPECTED"
        );
        let mut checked = 0;
        for state in def.states {
            for role in Role::ALL {
                for action in Action::ALL {
                    let roles = [role];
                    // Withdraw needs the maker; everything else a non-maker with all inputs.
                    let is_maker = action == Action::Withdraw;
                    let got = decide(def, state.code, facts(&roles, is_maker), &full(action));
                    let expected = if action == Action::Comment {
                        (!state.terminal && PLAN_COMMENTERS.contains(&role)).then_some(state.code)
                    } else {
                        PLAN_EXPECTED
                            .iter()
                            .find(|(s, r, a, _)| *s == state.code && *r == role && *a == action)
                            .map(|(_, _, _, to)| *to)
                    };
                    match (expected, &got) {
                        (Some(to), Ok(d)) => {
                            assert_eq!(d.to, to, "{} × {role:?} × {action:?}", state.code);
                            assert_eq!(d.changes_state, action != Action::Comment);
                            assert_eq!(d.terminal, def.state(to).unwrap().terminal);
                        }
                        (None, Err(WorkflowError::NotAllowed { .. } | WorkflowError::Finished { .. })) => {}
                        _ => panic!(
                            "{} × {role:?} × {action:?}: expected {expected:?}, got {got:?}",
                            state.code
                        ),
                    }
                    if state.terminal {
                        assert!(matches!(got, Err(WorkflowError::Finished { .. })));
                    }
                    if role.is_separated_admin() {
                        assert!(got.is_err(), "admin {role:?} acted");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 12 * 7);
    }

    /// Walks every state × role × action of `def` against a table written out by hand.
    fn exhaustive_walk(def: &WorkflowDef, expected: &[(&str, Role, Action, &str)], commenters: &[Role]) {
        assert_eq!(
            def.transitions.len(),
            expected.len(),
            "{}: table grew or shrank",
            def.code
        );
        for state in def.states {
            for role in Role::ALL {
                for action in Action::ALL {
                    let roles = [role];
                    let is_maker = action == Action::Withdraw;
                    let got = decide(def, state.code, facts(&roles, is_maker), &full(action));
                    let want = if action == Action::Comment {
                        (!state.terminal && commenters.contains(&role)).then_some(state.code)
                    } else {
                        expected
                            .iter()
                            .find(|(s, r, a, _)| *s == state.code && *r == role && *a == action)
                            .map(|(_, _, _, to)| *to)
                    };
                    match (want, &got) {
                        (Some(to), Ok(d)) => {
                            assert_eq!(d.to, to, "{} {} × {role:?} × {action:?}", def.code, state.code)
                        }
                        (None, Err(WorkflowError::NotAllowed { .. } | WorkflowError::Finished { .. })) => {}
                        _ => panic!(
                            "{} {} × {role:?} × {action:?}: want {want:?}, got {got:?}",
                            def.code, state.code
                        ),
                    }
                }
            }
        }
    }

    #[test]
    fn application_exhaustive_walk_of_state_role_action() {
        use Action::*;
        use Role::*;
        exhaustive_walk(
            &APPLICATION,
            &[
                ("draft", Talent, Submit, "review"),
                ("review", Coordination, Approve, "passed"),
                ("review", Coordination, Return, "draft"),
                ("review", Coordination, Reject, "rejected"),
                ("passed", Coordination, Submit, "offered"),
                ("offered", Talent, Approve, "accepted"),
                ("offered", Talent, Reject, "declined"),
                ("offered", Coordination, Withdraw, "passed"),
                ("accepted", Coordination, Submit, "group_decision"),
                ("group_decision", LeadingGroup, Approve, "procedure"),
                ("group_decision", LeadingGroup, Reject, "rejected"),
                ("group_decision", Coordination, Withdraw, "accepted"),
                ("procedure", Unit, Submit, "confirmation"),
                ("confirmation", Coordination, Approve, "introduced"),
                ("confirmation", Coordination, Return, "procedure"),
            ],
            &[Unit, Department, Coordination, LeadingGroup],
        );
        // The applicant never comments on their own file: they act or stay silent.
        assert!(!APPLICATION.commenters.contains(&Talent));
    }

    #[test]
    fn special_case_and_benefit_fixing_exhaustive_walk_of_state_role_action() {
        use Action::*;
        use Role::*;
        for def in [&SPECIAL_CASE, &BENEFIT_FIXING] {
            exhaustive_walk(
                def,
                &[
                    ("draft", Coordination, Submit, "group_decision"),
                    ("group_decision", LeadingGroup, Approve, "approved"),
                    ("group_decision", LeadingGroup, Reject, "rejected"),
                    ("group_decision", LeadingGroup, Return, "draft"),
                    ("group_decision", Coordination, Withdraw, "draft"),
                ],
                &[Coordination, LeadingGroup],
            );
        }
    }

    #[test]
    fn benefit_release_exhaustive_walk_of_state_role_action() {
        use Action::*;
        use Role::*;
        exhaustive_walk(
            &BENEFIT_RELEASE,
            &[
                ("requested", Coordination, Submit, "group_decision"),
                ("group_decision", LeadingGroup, Approve, "approved"),
                ("group_decision", LeadingGroup, Reject, "rejected"),
                ("group_decision", Coordination, Withdraw, "requested"),
                ("approved", Coordination, Submit, "certified"),
            ],
            &[Coordination, LeadingGroup],
        );
    }

    #[test]
    fn leading_group_decisions_are_the_only_ones_taken_in_meetings() {
        for def in ALL {
            for t in def.transitions {
                assert_eq!(
                    def.needs_meeting(t.from, t.action),
                    t.role == Role::LeadingGroup,
                    "{} {} {:?}",
                    def.code,
                    t.from,
                    t.action
                );
            }
        }
        assert_eq!(APPLICATION.action_label("offered", Action::Approve), "接受意向书");
        assert_eq!(APPLICATION.action_label("review", Action::Reject), "不予通过");
    }

    #[test]
    fn guards_are_enforced() {
        let def = &ANNUAL_PLAN;
        let dept = [Role::Department];
        // Maker cannot approve their own step.
        assert_eq!(
            decide(def, "department_review", facts(&dept, true), &full(Action::Approve)),
            Err(WorkflowError::MakerCannotAct)
        );
        // Return and reject need a reason.
        for action in [Action::Return, Action::Reject] {
            let req = Request {
                reason: "  ",
                ..full(action)
            };
            assert!(matches!(
                decide(def, "department_review", facts(&dept, false), &req),
                Err(WorkflowError::ReasonRequired { .. })
            ));
        }
        // Withdraw only by the maker.
        assert_eq!(
            decide(
                def,
                "department_review",
                facts(&[Role::Unit], false),
                &full(Action::Withdraw)
            ),
            Err(WorkflowError::NotTheMaker)
        );
        // The leading group decides in a meeting: resolution number required.
        let lg = [Role::LeadingGroup];
        for action in [Action::Approve, Action::Return, Action::Reject] {
            let req = Request {
                resolution_number: "",
                ..full(action)
            };
            assert_eq!(
                decide(def, "group_decision", facts(&lg, false), &req),
                Err(WorkflowError::ResolutionRequired)
            );
        }
        // Comment needs text and changes nothing.
        let d = decide(def, "group_decision", facts(&lg, true), &full(Action::Comment)).unwrap();
        assert_eq!(
            (d.from, d.to, d.changes_state),
            ("group_decision", "group_decision", false)
        );
        assert!(decide(def, "group_decision", facts(&lg, false), &Request::new(Action::Comment)).is_err());
        assert_eq!(
            decide(def, "draft", facts(&lg, false), &Request::default()),
            Err(WorkflowError::NoAction)
        );
        assert!(matches!(
            decide(def, "nowhere", facts(&lg, false), &full(Action::Approve)),
            Err(WorkflowError::UnknownState(_))
        ));
    }

    #[test]
    fn return_goes_to_the_submitter_or_a_chosen_earlier_step() {
        let def = &ANNUAL_PLAN;
        let lg = [Role::LeadingGroup];
        let to = |target: Option<&'static str>| {
            let req = Request {
                return_to: target,
                ..full(Action::Return)
            };
            decide(def, "group_decision", facts(&lg, false), &req).map(|d| d.to)
        };
        assert_eq!(to(None), Ok("draft"));
        assert_eq!(to(Some("draft")), Ok("draft"));
        assert_eq!(to(Some("department_review")), Ok("department_review"));
        assert_eq!(to(Some("coordination_review")), Ok("coordination_review"));
        let err = to(Some("approved")).unwrap_err();
        assert!(matches!(err, WorkflowError::BadReturnTarget { .. }));
        assert!(err.to_string().contains("可退回至"), "{err}");
        // The department can only send it back to the unit.
        let req = Request {
            return_to: Some("coordination_review"),
            ..full(Action::Return)
        };
        assert!(decide(def, "department_review", facts(&[Role::Department], false), &req).is_err());
    }

    #[test]
    fn messages_are_chinese_and_say_what_to_do() {
        let err = decide(
            &ANNUAL_PLAN,
            "coordination_review",
            facts(&[Role::Unit], false),
            &full(Action::Approve),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "当前环节“协调办初审”，您的角色不能“同意”，您可以：填写意见"
        );
        let err = decide(
            &ANNUAL_PLAN,
            "published",
            facts(&[Role::Unit], false),
            &full(Action::Submit),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "该事项已“已发布”，流程已结束，不能再提交");
        for a in Action::ALL {
            assert_eq!(Action::parse(a.code()), Some(a));
        }
    }

    #[test]
    fn the_happy_path_reaches_published() {
        let def = &ANNUAL_PLAN;
        let steps = [
            (Role::Unit, Action::Submit),
            (Role::Department, Action::Approve),
            (Role::Coordination, Action::Approve),
            (Role::LeadingGroup, Action::Approve),
            (Role::Coordination, Action::Publish),
        ];
        let mut state = def.initial;
        for (role, action) in steps {
            state = decide(def, state, facts(&[role], false), &full(action)).unwrap().to;
        }
        assert_eq!(state, "published");
        assert!(def.state(state).unwrap().terminal);
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            /// Whatever the roles, flags and inputs: a decision is either refused or leads
            /// to a known state by a row of the table (or a comment that stays put), and
            /// admins never act.
            #[test]
            fn decide_is_total_and_follows_the_table(
                s in 0usize..7, role_bits in 0u16..4096, is_maker: bool, a in 0usize..7,
                reason in "( |理由)?", resolution in "(文号)?", target in proptest::option::of(0usize..7),
            ) {
                let def = &ANNUAL_PLAN;
                let state = def.states[s].code;
                let roles: Vec<Role> = Role::ALL.into_iter().enumerate()
                    .filter(|(i, _)| role_bits & (1 << i) != 0).map(|(_, r)| r).collect();
                let action = Action::ALL[a];
                let req = Request {
                    action: Some(action),
                    reason: &reason,
                    resolution_number: &resolution,
                    return_to: target.map(|t| def.states[t].code),
                };
                if let Ok(d) = decide(def, state, ActorFacts { roles: &roles, is_maker }, &req) {
                    prop_assert!(roles.contains(&d.role));
                    prop_assert!(!d.role.is_separated_admin());
                    if d.changes_state {
                        let t = def.transitions.iter()
                            .find(|t| t.from == state && t.role == d.role && t.action == action).unwrap();
                        prop_assert!(d.to == t.to || t.return_to.contains(&d.to));
                        prop_assert!(!t.guards.contains(&Guard::NotMaker) || !is_maker);
                        prop_assert!(!t.guards.contains(&Guard::MakerOnly) || is_maker);
                        prop_assert!(!t.guards.contains(&Guard::ReasonRequired) || !reason.trim().is_empty());
                        prop_assert!(!t.guards.contains(&Guard::ResolutionRequired) || !resolution.is_empty());
                    } else {
                        prop_assert_eq!(d.to, state);
                        prop_assert_eq!(action, Action::Comment);
                    }
                }
            }
        }
    }
}
