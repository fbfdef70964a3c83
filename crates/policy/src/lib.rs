#![forbid(unsafe_code)]
//! The yincai policy engine: policy files as data (TOML), compiled at load time into a
//! [`Plan`] that a pure, allocation-free evaluator runs. See docs/adr/0002-policy-engine.md.

pub mod cases;
pub mod dates;
pub mod eval;
pub mod expr;
pub mod facts;
mod file;
pub mod money;
pub mod numerals;
pub mod plan;
pub mod report;
pub mod set;
pub mod vocabulary;

pub use eval::{Grant, Outcome, TraceStep, evaluate_batch, evaluate_into};
pub use facts::{Assessment, Degree, Employer, FactError, Facts, Honour, Mode, Person, Title};
pub use plan::{Plan, PolicyError, PolicyErrors, compile_policy};
pub use report::{Report, evaluate, explain};
pub use set::{PolicySet, SetError};
