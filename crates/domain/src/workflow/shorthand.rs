//! The shorthand the workflow tables are written in: guard sets and row constructors. The
//! tables keep one row a line, aligned as columns (`#[rustfmt::skip]`), so that a row reads
//! as (from, role, action, to, guards) and two tables can be compared by eye.

use super::{Action, Guard, StateDef, Transition};
use crate::Role;

pub(super) const REVIEW: &[Guard] = &[Guard::NotMaker];
pub(super) const REVIEW_WITH_REASON: &[Guard] = &[Guard::NotMaker, Guard::ReasonRequired];
pub(super) const MEETING: &[Guard] = &[Guard::NotMaker, Guard::ResolutionRequired];
pub(super) const MEETING_WITH_REASON: &[Guard] = &[Guard::NotMaker, Guard::ResolutionRequired, Guard::ReasonRequired];
pub(super) const WITHDRAW: &[Guard] = &[Guard::MakerOnly];

/// A row of a table: in `from`, a holder of `role` may take `action`, which leads to `to`.
pub(super) const fn tr(
    from: &'static str,
    role: Role,
    action: Action,
    to: &'static str,
    guards: &'static [Guard],
) -> Transition {
    Transition {
        from,
        role,
        action,
        to,
        return_to: &[],
        guards,
    }
}

impl Transition {
    /// A return that may also go back to one of `states` (earlier steps) instead of `to`.
    pub(super) const fn or_back_to(self, states: &'static [&'static str]) -> Transition {
        Transition {
            return_to: states,
            ..self
        }
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
