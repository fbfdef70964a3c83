//! The shorthand the workflow tables are written in: guard sets and row constructors.

use super::{Action, Guard, StateDef, Transition};
use crate::Role;

pub(super) const REVIEW: &[Guard] = &[Guard::NotMaker];
pub(super) const REVIEW_WITH_REASON: &[Guard] = &[Guard::NotMaker, Guard::ReasonRequired];
pub(super) const MEETING: &[Guard] = &[Guard::NotMaker, Guard::ResolutionRequired];
pub(super) const MEETING_WITH_REASON: &[Guard] = &[Guard::NotMaker, Guard::ResolutionRequired, Guard::ReasonRequired];
pub(super) const WITHDRAW: &[Guard] = &[Guard::MakerOnly];

pub(super) const fn tr(
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

pub(super) const fn state(
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
