//! A proposal of the 协调办 decided by the 领导小组, the table three workflows share.

use super::Action::*;
use super::Transition;
use super::shorthand::*;
use crate::Role::*;

/// A proposal the 协调办 drafts and the 领导小组 decides in a meeting (approve, reject,
/// or return for redrafting); the 协调办 may take it back before the meeting decides.
/// Shared by 一事一议, 待遇额度核定 and 因故解除, whose states differ only in their names.
#[rustfmt::skip]
pub(super) const PROPOSAL_TO_THE_GROUP: &[Transition] = &[
    tr("draft",          Coordination, Submit,   "group_decision", &[]),
    tr("group_decision", LeadingGroup, Approve,  "approved",       MEETING),
    tr("group_decision", LeadingGroup, Reject,   "rejected",       MEETING_WITH_REASON),
    tr("group_decision", LeadingGroup, Return,   "draft",          MEETING_WITH_REASON),
    tr("group_decision", Coordination, Withdraw, "draft",          WITHDRAW),
];
