//! yincai's domain: identifiers parsed at the edge, money in whole fen, the working-day
//! calendar, roles, and the cryptographic primitives of field encryption and the audit
//! chain. No IO, no web or database types.
#![forbid(unsafe_code)]

pub mod calendar;
pub mod crypto;
pub mod dates;
pub mod files;
pub mod ids;
pub mod ledger;
pub mod lifecycle;
pub mod mask;
pub mod money;
pub mod password;
pub mod projection;
pub mod roles;
pub mod workflow;

pub use roles::{OrgKind, Role};
