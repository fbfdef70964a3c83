//! The crate's integration tests, linked into one binary (one link instead of one per file).
//! Every file beside this one is a module here (the CLI suite's `every_test_file_is_declared` checks).

mod accounts;
mod applications;
mod attachments;
mod audit_trail;
mod candidates;
mod chinese_pages;
mod common;
mod edge;
mod endings;
mod fixings;
mod fund;
mod gate;
mod housing;
mod http;
mod identifiers;
mod list_exports;
mod masks;
mod meetings;
mod permissions;
mod plans;
mod policy_http;
mod projection;
mod recovery;
mod routes;
mod talents;
