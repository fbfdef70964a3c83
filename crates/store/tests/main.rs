//! The crate's integration tests, linked into one binary (one link instead of one per file).
//! Every file beside this one is a module here (the CLI suite's `every_test_file_is_declared` checks).

mod common;
mod contract;
mod contract_applications;
mod contract_attachments;
mod contract_fund;
mod contract_housing;
mod contract_plans;
mod contract_projection;
mod contract_recovery;
mod contract_talents;
mod schema_parity;
