//! A payment batch (支付批次): open while its certified installments are being paid, paid
//! once every one of them is.

use super::{Step, events, lifecycle, states, step};

states! {
    /// A payment batch's state, as `payment_batches.status` spells it.
    pub enum BatchState {
        Open = ("open", "待支付"),
        Paid = ("paid", "已支付"),
    }
}

events! {
    pub enum BatchEvent {
        /// The last of its installments is paid.
        AllPaid = "支付完毕",
    }
}

const TABLE: &[Step<BatchState, BatchEvent>] = &[step(BatchState::Open, BatchEvent::AllPaid, BatchState::Paid)];

lifecycle!(
    BatchState,
    BatchEvent,
    "支付批次",
    initial: BatchState::Open,
    terminal: &[BatchState::Paid],
    table: TABLE,
);
