//! A recovery (追回, Art. 27): opened when a relationship ends for cause with money to
//! recover, partially recovered by repayments, settled when the whole amount is back.

use super::{Step, events, lifecycle, states, step};

states! {
    /// A recovery's state, as `recoveries.status` spells it.
    pub enum RecoveryState {
        Open = ("open", "待追回"),
        PartiallyRecovered = ("partially_recovered", "部分追回"),
        Settled = ("settled", "已结清"),
    }
}

impl RecoveryState {
    /// The state a new recovery of `amount_fen` starts in: a recovery of nothing is settled
    /// from the start (it is recorded for the decision and the cancelled installments).
    pub fn opened(amount_fen: i64) -> RecoveryState {
        if amount_fen == 0 {
            RecoveryState::Settled
        } else {
            RecoveryState::Open
        }
    }
}

events! {
    pub enum RecoveryEvent {
        /// A repayment that leaves something outstanding.
        RepayPart = "登记部分追回",
        /// A repayment that brings the recovered sum to the amount.
        RepayRest = "登记追回",
    }
}

impl RecoveryEvent {
    /// The event of repaying `repaid_fen` when `recovered_fen` of `amount_fen` is back.
    pub fn of_repayment(recovered_fen: i64, amount_fen: i64, repaid_fen: i64) -> RecoveryEvent {
        if recovered_fen.saturating_add(repaid_fen) >= amount_fen {
            RecoveryEvent::RepayRest
        } else {
            RecoveryEvent::RepayPart
        }
    }
}

use RecoveryEvent as E;
use RecoveryState as S;

const TABLE: &[Step<S, E>] = &[
    step(S::Open, E::RepayPart, S::PartiallyRecovered),
    step(S::Open, E::RepayRest, S::Settled),
    step(S::PartiallyRecovered, E::RepayPart, S::PartiallyRecovered),
    step(S::PartiallyRecovered, E::RepayRest, S::Settled),
];

lifecycle!(
    RecoveryState,
    RecoveryEvent,
    "追回",
    initial: S::Open,
    terminal: &[S::Settled],
    table: TABLE,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_recovery_is_settled_from_the_start() {
        assert_eq!(RecoveryState::opened(0), RecoveryState::Settled);
        assert_eq!(RecoveryState::opened(1), RecoveryState::Open);
    }

    #[test]
    fn the_repayment_that_reaches_the_amount_settles() {
        assert_eq!(RecoveryEvent::of_repayment(0, 100, 40), RecoveryEvent::RepayPart);
        assert_eq!(RecoveryEvent::of_repayment(40, 100, 60), RecoveryEvent::RepayRest);
        assert_eq!(
            RecoveryState::PartiallyRecovered.next(RecoveryEvent::of_repayment(40, 100, 60)),
            Some(RecoveryState::Settled)
        );
        assert_eq!(RecoveryState::Settled.next(RecoveryEvent::RepayPart), None);
    }
}
