//! Benefit tables: talents and their procedure, evaluations, assessments and certificates,
//! the fund (budgets, installments, batches, payments, ledger), housing, fixings, endings,
//! recoveries, and the projection queries.

pub mod endings;
pub mod fixings;
pub mod fund;
pub mod gate;
pub mod housing;
pub mod projection;
pub mod recovery;
pub mod service_record;
pub mod talents;
