//! The introduction context (Art. 8, 10-12, 14(7)): annual plans, applications from the
//! qualification review to the introduced talent, and 一事一议.

use super::Action::*;
use super::proposal::PROPOSAL_TO_THE_GROUP;
use super::shorthand::*;
use super::{Action, Transition, WorkflowDef};
use crate::Role;
use crate::Role::*;

/// 年度引进计划 (Art. 12(1), 21): a unit drafts its plan; the 主管部门 reviews it, the
/// 协调办 reviews it preliminarily, the 领导小组 decides in a meeting (批复文号 required),
/// and the 协调办 publishes the announcement.
pub const ANNUAL_PLAN: WorkflowDef = WorkflowDef {
    code: "annual_plan",
    name_zh: "年度引进计划",
    initial: "draft",
    starter: Role::Unit,
    states: &[
        state("draft", "单位编制", Some(Role::Unit), Some(10)),
        state("department_review", "主管部门审核", Some(Role::Department), Some(5)),
        state("coordination_review", "协调办初审", Some(Role::Coordination), Some(10)),
        state("group_decision", "领导小组审定", Some(Role::LeadingGroup), Some(20)),
        state("approved", "已批准待发布", Some(Role::Coordination), Some(5)),
        state("published", "已发布", None, None),
        state("rejected", "不予通过", None, None),
    ],
    transitions: PLAN_TABLE,
    commenters: &[Role::Unit, Role::Department, Role::Coordination, Role::LeadingGroup],
    labels: &[
        ("draft", Action::Submit, "提交主管部门审核"),
        ("approved", Action::Publish, "发布公告"),
    ],
};

/// The annual plan's rows: (from, role, action, to, guards).
#[rustfmt::skip]
const PLAN_TABLE: &[Transition] = &[
    tr("draft",               Unit,         Submit,   "department_review",   &[]),
    tr("department_review",   Department,   Approve,  "coordination_review", REVIEW),
    tr("department_review",   Department,   Return,   "draft",               REVIEW_WITH_REASON),
    tr("department_review",   Department,   Reject,   "rejected",            REVIEW_WITH_REASON),
    tr("department_review",   Unit,         Withdraw, "draft",               WITHDRAW),
    tr("coordination_review", Coordination, Approve,  "group_decision",      REVIEW),
    tr("coordination_review", Coordination, Return,   "draft",               REVIEW_WITH_REASON).or_back_to(&["department_review"]),
    tr("coordination_review", Coordination, Reject,   "rejected",            REVIEW_WITH_REASON),
    tr("coordination_review", Department,   Withdraw, "department_review",   WITHDRAW),
    tr("group_decision",      LeadingGroup, Approve,  "approved",            MEETING),
    tr("group_decision",      LeadingGroup, Return,   "draft",               MEETING_WITH_REASON)
        .or_back_to(&["department_review", "coordination_review"]),
    tr("group_decision",      LeadingGroup, Reject,   "rejected",            MEETING_WITH_REASON),
    tr("group_decision",      Coordination, Withdraw, "coordination_review", WITHDRAW),
    tr("approved",            Coordination, Publish,  "published",           &[]),
];

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
    transitions: APPLICATION_TABLE,
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

/// The application's rows: (from, role, action, to, guards).
#[rustfmt::skip]
const APPLICATION_TABLE: &[Transition] = &[
    tr("draft",          Talent,       Submit,   "review",         &[]),
    tr("review",         Coordination, Approve,  "passed",         REVIEW),
    tr("review",         Coordination, Return,   "draft",          REVIEW_WITH_REASON),
    tr("review",         Coordination, Reject,   "rejected",       REVIEW_WITH_REASON),
    tr("passed",         Coordination, Submit,   "offered",        &[]),
    tr("offered",        Talent,       Approve,  "accepted",       REVIEW),
    tr("offered",        Talent,       Reject,   "declined",       REVIEW_WITH_REASON),
    tr("offered",        Coordination, Withdraw, "passed",         WITHDRAW),
    tr("accepted",       Coordination, Submit,   "group_decision", &[]),
    tr("group_decision", LeadingGroup, Approve,  "procedure",      MEETING),
    tr("group_decision", LeadingGroup, Reject,   "rejected",       MEETING_WITH_REASON),
    tr("group_decision", Coordination, Withdraw, "accepted",       WITHDRAW),
    tr("procedure",      Unit,         Submit,   "confirmation",   &[]),
    tr("confirmation",   Coordination, Approve,  "introduced",     REVIEW),
    tr("confirmation",   Coordination, Return,   "procedure",      REVIEW_WITH_REASON),
];

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
