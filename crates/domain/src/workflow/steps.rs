//! The steps that carry a hook in the application (see `transition_effects` there).

use super::by_code;

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

/// The leading group approves ending a relation for cause (Art. 27) in a meeting.
pub const ENDING_APPROVED: Step = step("talent_ending", "group_decision", "approved");

pub const ALL: [Step; 11] = [
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
    ENDING_APPROVED,
];
