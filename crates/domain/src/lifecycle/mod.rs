//! The lifecycles outside the workflow engine: installments, payment batches, assessments,
//! recoveries, meetings and their agenda items, housing units and allocations. Each is an
//! enum of states (with the code the database stores and the name people read) and a small
//! table of steps (from, event, to). The application asks [`next`] before it writes a new
//! state, so an impossible step is refused by name instead of silently not happening; the
//! tests below walk every table.

pub mod assessment;
pub mod housing;
pub mod installment;
pub mod meeting;
pub mod payment_batch;
pub mod recovery;

pub use assessment::{AssessmentEvent, AssessmentState};
pub use housing::{AllocationEvent, AllocationState, HousingUnitEvent, HousingUnitState};
pub use installment::{EngineVerdict, InstallmentEvent, InstallmentState};
pub use meeting::{AgendaItemEvent, AgendaItemState, MeetingEvent, MeetingState};
pub use payment_batch::{BatchEvent, BatchState};
pub use recovery::{RecoveryEvent, RecoveryState};

use std::fmt::Debug;

/// One legal step of a lifecycle: in `from`, `event` leads to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<S, E> {
    pub from: S,
    pub event: E,
    pub to: S,
}

pub(crate) const fn step<S, E>(from: S, event: E, to: S) -> Step<S, E> {
    Step { from, event, to }
}

/// A lifecycle: its states, where a new record starts, where it ends and its steps.
pub trait Lifecycle: Copy + Eq + Debug + 'static {
    type Event: Copy + Eq + Debug + 'static;
    /// What the lifecycle is called in a message (e.g. 兑现批次).
    const NAME_ZH: &'static str;
    /// Every state.
    const ALL: &'static [Self];
    /// The state a new record starts in.
    const INITIAL: Self;
    /// The states nothing leaves.
    const TERMINAL: &'static [Self];
    /// Every legal step.
    const TABLE: &'static [Step<Self, Self::Event>];

    fn code(self) -> &'static str;
    fn name_zh(self) -> &'static str;
    fn event_zh(event: Self::Event) -> &'static str;
}

/// Where `event` leads from `state`, or the words that refuse it: the state it is in and
/// what cannot be done (for example 状态：兑现款项当前为“已支付”，不能取消).
pub fn step_or_refusal<L: Lifecycle>(state: L, event: L::Event) -> Result<L, String> {
    next(state, event).ok_or_else(|| {
        format!(
            "状态：{}当前为“{}”，不能{}",
            L::NAME_ZH,
            state.name_zh(),
            L::event_zh(event)
        )
    })
}

/// Where `event` leads from `state`, or `None` when the table has no such step.
pub fn next<L: Lifecycle>(state: L, event: L::Event) -> Option<L> {
    L::TABLE
        .iter()
        .find(|s| s.from == state && s.event == event)
        .map(|s| s.to)
}

/// A state code the database holds that no lifecycle state spells.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {lifecycle} state {code:?}")]
pub struct UnknownState {
    pub lifecycle: &'static str,
    pub code: String,
}

/// Defines a state enum with its database code and its Chinese name (the one place either is
/// written), `parse`, serde as the code, and `TryFrom<String>` so that a store row decodes
/// its status column straight into the enum.
macro_rules! states {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $zh:literal), )+
        }
    ) => {
        // The enum and its Chinese names are made as for an event.
        $crate::lifecycle::events! {
            $(#[$meta])*
            pub enum $name {
                $( $(#[$vmeta])* $variant = $zh, )+
            }
        }

        impl $name {
            /// Every state, in the order they are declared.
            pub const ALL: &'static [$name] = &[$( $name::$variant, )+];

            /// The code the database stores.
            pub fn code(self) -> &'static str {
                match self {
                    $( $name::$variant => $code, )+
                }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code {
                    $( $code => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::lifecycle::UnknownState;

            fn try_from(code: String) -> Result<Self, Self::Error> {
                $name::parse(&code).ok_or($crate::lifecycle::UnknownState {
                    lifecycle: stringify!($name),
                    code,
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}
pub(crate) use states;

/// Defines an event enum with the words for it in a message (批准兑现, 备案 …); `states!`
/// makes its enums with it too.
macro_rules! events {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $zh:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The name people read: a state's name, or what an event does in words for a
            /// message.
            pub fn name_zh(self) -> &'static str {
                match self {
                    $( $name::$variant => $zh, )+
                }
            }
        }
    };
}
pub(crate) use events;

/// Implements [`Lifecycle`] for a state enum made by `states!`.
macro_rules! lifecycle {
    ($state:ident, $event:ident, $name_zh:literal, initial: $initial:expr, terminal: $terminal:expr, table: $table:expr $(,)?) => {
        impl $crate::lifecycle::Lifecycle for $state {
            type Event = $event;
            const NAME_ZH: &'static str = $name_zh;
            const ALL: &'static [$state] = $state::ALL;
            const INITIAL: $state = $initial;
            const TERMINAL: &'static [$state] = $terminal;
            const TABLE: &'static [$crate::lifecycle::Step<$state, $event>] = $table;

            fn code(self) -> &'static str {
                $state::code(self)
            }

            fn name_zh(self) -> &'static str {
                $state::name_zh(self)
            }

            fn event_zh(event: $event) -> &'static str {
                event.name_zh()
            }
        }

        impl $state {
            /// Where `event` leads from this state, if anywhere.
            pub fn next(self, event: $event) -> Option<$state> {
                $crate::lifecycle::next(self, event)
            }

            /// Whether nothing leaves this state.
            pub fn is_terminal(self) -> bool {
                <$state as $crate::lifecycle::Lifecycle>::TERMINAL.contains(&self)
            }
        }
    };
}
pub(crate) use lifecycle;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every state is reachable from the initial one; the terminal states are exactly those
    /// nothing leaves; codes and names are distinct and parse back; no step is listed twice.
    fn walk<L: Lifecycle>() {
        let name = L::NAME_ZH;
        let mut reached = vec![L::INITIAL];
        let mut i = 0;
        while i < reached.len() {
            let from = reached[i];
            for s in L::TABLE.iter().filter(|s| s.from == from) {
                assert_eq!(
                    next(from, s.event),
                    Some(s.to),
                    "{name}: {s:?} is shadowed by an earlier step"
                );
                if !reached.contains(&s.to) {
                    reached.push(s.to);
                }
            }
            i += 1;
        }
        for &state in L::ALL {
            assert!(
                reached.contains(&state),
                "{name}: {state:?} cannot be reached from {:?}",
                L::INITIAL
            );
            let leaves = L::TABLE.iter().any(|s| s.from == state);
            if L::TERMINAL.contains(&state) {
                assert!(!leaves, "{name}: terminal {state:?} has a step out");
            } else {
                assert!(leaves, "{name}: {state:?} is not terminal but has no step out");
            }
            assert!(!state.name_zh().trim().is_empty(), "{name}: {state:?} has no name");
        }
        for s in L::TABLE {
            assert!(L::ALL.contains(&s.from) && L::ALL.contains(&s.to), "{name}: {s:?}");
        }
        let codes: BTreeSet<_> = L::ALL.iter().map(|s| s.code()).collect();
        let names: BTreeSet<_> = L::ALL.iter().map(|s| s.name_zh()).collect();
        assert_eq!(codes.len(), L::ALL.len(), "{name}: two states share a code");
        assert_eq!(names.len(), L::ALL.len(), "{name}: two states share a name");
    }

    #[test]
    fn every_lifecycle_table_walks_from_its_initial_state_to_its_terminal_states() {
        walk::<InstallmentState>();
        walk::<BatchState>();
        walk::<AssessmentState>();
        walk::<RecoveryState>();
        walk::<MeetingState>();
        walk::<AgendaItemState>();
        walk::<HousingUnitState>();
        walk::<AllocationState>();
    }

    #[test]
    fn an_impossible_step_is_refused_in_words() {
        assert_eq!(
            step_or_refusal(InstallmentState::Paid, InstallmentEvent::Cancel),
            Err("状态：兑现款项当前为“已支付”，不能取消".to_string())
        );
        assert_eq!(
            step_or_refusal(InstallmentState::Certified, InstallmentEvent::Pay),
            Ok(InstallmentState::Paid)
        );
    }

    #[test]
    fn codes_parse_back_and_unknown_codes_are_refused() {
        fn round_trip<L: Lifecycle>(parse: fn(&str) -> Option<L>) {
            for &s in L::ALL {
                assert_eq!(parse(s.code()), Some(s));
            }
            assert_eq!(parse("no_such_state"), None);
        }
        round_trip(InstallmentState::parse);
        round_trip(BatchState::parse);
        round_trip(AssessmentState::parse);
        round_trip(RecoveryState::parse);
        round_trip(MeetingState::parse);
        round_trip(HousingUnitState::parse);
        round_trip(AllocationState::parse);
        assert!(InstallmentState::try_from("paid".to_string()).is_ok());
        assert!(InstallmentState::try_from("PAID".to_string()).is_err());
    }
}
