//! The measures: the calculator page, the official text page, and the policy API.

pub(crate) mod api;
pub(crate) mod calculator;
pub(crate) mod measures;
