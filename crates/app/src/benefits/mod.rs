//! Benefits (Art. 13-29): the talent record and its evaluations, the release gate
//! (annual assessments and certificates), the special fund and its payments, housing,
//! fixed amounts (待遇额度核定), ending for cause (因故解除) and recovery on a breach, and the projection of what is owed.

pub mod endings;
pub mod fixings;
pub mod fund;
pub mod gate;
pub mod housing;
pub mod projection;
pub mod recovery;
pub mod service_record;
pub mod talents;
