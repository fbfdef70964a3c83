//! Benefits (Art. 13-29): the talent record, the release gate, the fund, housing, fixings, endings for cause, recovery, the projection.
//! One folder a feature: its pages and its API handlers side by side.

pub(crate) mod endings;
pub(crate) mod fixings;
pub(crate) mod fund;
pub(crate) mod gate;
pub(crate) mod housing;
pub(crate) mod projection;
pub(crate) mod recovery;
pub(crate) mod service_record;
pub(crate) mod talents;
