//! The crate's integration tests, linked into one binary (one link instead of one per file).
//! Every file beside this one is a module here (the CLI suite's `every_test_file_is_declared` checks).

mod bad_input;
mod cases;
mod interpretations;
mod official_text;
mod properties;
mod validation;
