//! The crate's integration tests, linked into one binary (one link instead of one per file).
//! Every file beside this one is a module here (the CLI suite's `every_test_file_is_declared` checks).

mod applications;
#[macro_use]
mod common;
mod endings;
mod fixings;
mod fund;
mod gate;
mod housing;
mod plans;
mod recovery;
mod service_record;
mod talents;
mod workflow;
