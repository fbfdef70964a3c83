//! The benefits context (Art. 13-15, 19, 27): amounts the leading group fixes, the release
//! of an installment through the Art. 19 gate, and ending a relation for cause.

use super::Action::*;
use super::proposal::PROPOSAL_TO_THE_GROUP;
use super::shorthand::*;
use super::{Action, Transition, WorkflowDef};
use crate::Role;
use crate::Role::*;

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

/// 因故解除 (Art. 27): the 协调办 verifies the cause (经市协调办核实) and proposes ending a
/// talent's relation; the 领导小组 approves it in a meeting (报市人才工作领导小组审批), which
/// cancels the benefits and opens the recovery. Its table is the shared proposal table.
pub const TALENT_ENDING: WorkflowDef = WorkflowDef {
    code: "talent_ending",
    name_zh: "因故解除",
    initial: "draft",
    starter: Role::Coordination,
    states: &[
        state("draft", "协调办核实拟议", Some(Role::Coordination), Some(10)),
        state("group_decision", "领导小组审批", Some(Role::LeadingGroup), Some(20)),
        state("approved", "已批准解除", None, None),
        state("rejected", "不予解除", None, None),
    ],
    transitions: PROPOSAL_TO_THE_GROUP,
    commenters: &[Role::Coordination, Role::LeadingGroup],
    labels: &[
        ("draft", Action::Submit, "报领导小组审批"),
        ("group_decision", Action::Approve, "批准解除"),
        ("group_decision", Action::Reject, "不予解除"),
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
    transitions: RELEASE_TABLE,
    commenters: &[Role::Coordination, Role::LeadingGroup],
    labels: &[
        ("requested", Action::Submit, "提请领导小组审议"),
        ("approved", Action::Submit, "出具证明"),
    ],
};

/// The release's rows: (from, role, action, to, guards).
#[rustfmt::skip]
const RELEASE_TABLE: &[Transition] = &[
    tr("requested",      Coordination, Submit,   "group_decision", &[]),
    tr("group_decision", LeadingGroup, Approve,  "approved",       MEETING),
    tr("group_decision", LeadingGroup, Reject,   "rejected",       MEETING_WITH_REASON),
    tr("group_decision", Coordination, Withdraw, "requested",      WITHDRAW),
    tr("approved",       Coordination, Submit,   "certified",      &[]),
];
