//! A leading-group meeting (领导小组会议): scheduled (and held) until it is closed; each of
//! its agenda items is decided once: approved, rejected or returned, or taken off the agenda
//! before any decision (撤下: withdrawn or returned in the meantime, or removed by the office).

use super::{Step, events, lifecycle, states, step};

states! {
    /// A meeting's state, as `meetings.status` spells it.
    pub enum MeetingState {
        Scheduled = ("scheduled", "待召开/进行中"),
        Closed = ("closed", "已结束"),
    }
}

events! {
    pub enum MeetingEvent {
        /// Every agenda item is decided and the meeting is closed.
        Close = "结束会议",
    }
}

const MEETING_TABLE: &[Step<MeetingState, MeetingEvent>] =
    &[step(MeetingState::Scheduled, MeetingEvent::Close, MeetingState::Closed)];

lifecycle!(
    MeetingState,
    MeetingEvent,
    "领导小组会议",
    initial: MeetingState::Scheduled,
    terminal: &[MeetingState::Closed],
    table: MEETING_TABLE,
);

states! {
    /// An agenda item's state. The database keeps it as `meeting_items.decision`: null while
    /// pending, else the decision's code (the workflow action it takes).
    pub enum AgendaItemState {
        Pending = ("pending", "待决定"),
        Approved = ("approve", "同意"),
        Rejected = ("reject", "不同意"),
        Returned = ("return", "退回"),
        Removed = ("removed", "已撤下"),
    }
}

impl AgendaItemState {
    /// The state of an item whose `decision` column holds `decision`.
    pub fn of_decision(decision: Option<&str>) -> Option<AgendaItemState> {
        match decision {
            None => Some(AgendaItemState::Pending),
            Some(code) => AgendaItemState::parse(code).filter(|s| *s != AgendaItemState::Pending),
        }
    }
}

events! {
    /// The leading group's decision on an agenda item.
    pub enum AgendaItemEvent {
        Approve = "决定同意",
        Reject = "决定不同意",
        Return = "决定退回",
        /// Taken off the agenda before the decision (the office, or its subject left the step).
        Remove = "撤下议题",
    }
}

use AgendaItemEvent as E;
use AgendaItemState as S;

const AGENDA_TABLE: &[Step<S, E>] = &[
    step(S::Pending, E::Approve, S::Approved),
    step(S::Pending, E::Reject, S::Rejected),
    step(S::Pending, E::Return, S::Returned),
    step(S::Pending, E::Remove, S::Removed),
];

lifecycle!(
    AgendaItemState,
    AgendaItemEvent,
    "会议议题",
    initial: S::Pending,
    terminal: &[S::Approved, S::Rejected, S::Returned, S::Removed],
    table: AGENDA_TABLE,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agenda_item_is_pending_until_its_decision_is_stored() {
        assert_eq!(AgendaItemState::of_decision(None), Some(AgendaItemState::Pending));
        assert_eq!(
            AgendaItemState::of_decision(Some("return")),
            Some(AgendaItemState::Returned)
        );
        assert_eq!(AgendaItemState::of_decision(Some("pending")), None);
        assert_eq!(AgendaItemState::of_decision(Some("maybe")), None);
    }
}
