//! An installment (一笔兑现): scheduled when the talent is introduced, approved by the
//! leading group, certified by the office (证明), then paid from the fund. Until it is paid it
//! can be cancelled (the relationship ended, Art. 27).

use super::{Step, events, lifecycle, states, step};

states! {
    /// An installment's state, as `installments.status` spells it.
    pub enum InstallmentState {
        Scheduled = ("scheduled", "待审批"),
        Approved = ("approved", "已批准"),
        Certified = ("certified", "已出具证明"),
        Paid = ("paid", "已支付"),
        Cancelled = ("cancelled", "已取消"),
    }
}

impl InstallmentState {
    /// Whether the fund still owes it: neither paid nor cancelled.
    pub fn is_owed(self) -> bool {
        !matches!(self, InstallmentState::Paid | InstallmentState::Cancelled)
    }
}

events! {
    pub enum InstallmentEvent {
        /// The leading group approves its release (a commitment on the fund).
        Approve = "批准兑现",
        /// The office certifies the approved release.
        Certify = "出具证明",
        /// The money is paid.
        Pay = "支付",
        /// The relationship ended before it was paid.
        Cancel = "取消",
    }
}

use InstallmentEvent as E;
use InstallmentState as S;

const TABLE: &[Step<S, E>] = &[
    step(S::Scheduled, E::Approve, S::Approved),
    step(S::Approved, E::Certify, S::Certified),
    step(S::Certified, E::Pay, S::Paid),
    step(S::Scheduled, E::Cancel, S::Cancelled),
    step(S::Approved, E::Cancel, S::Cancelled),
    step(S::Certified, E::Cancel, S::Cancelled),
];

lifecycle!(
    InstallmentState,
    InstallmentEvent,
    "兑现款项",
    initial: S::Scheduled,
    terminal: &[S::Paid, S::Cancelled],
    table: TABLE,
);

/// What the policy engine says of a derived installment's year, kept beside its state by
/// each re-derivation (ADR 0011): only [`EngineVerdict::Due`] may be released. One
/// vocabulary with the engine's report, labels included.
pub use yincai_policy::report::InstallmentStatus as EngineVerdict;
