//! An annual assessment (年度考核): recorded by the unit, then filed (备案) by the office;
//! only a filed assessment opens the release gate.

use super::{Step, events, lifecycle, states, step};

states! {
    /// An assessment's state, as `assessments.status` spells it.
    pub enum AssessmentState {
        Recorded = ("recorded", "单位已录入，待协调办备案"),
        Filed = ("filed", "协调办已备案"),
    }
}

events! {
    pub enum AssessmentEvent {
        /// The coordination office files it.
        File = "备案",
    }
}

const TABLE: &[Step<AssessmentState, AssessmentEvent>] = &[step(
    AssessmentState::Recorded,
    AssessmentEvent::File,
    AssessmentState::Filed,
)];

lifecycle!(
    AssessmentState,
    AssessmentEvent,
    "年度考核",
    initial: AssessmentState::Recorded,
    terminal: &[AssessmentState::Filed],
    table: TABLE,
);
