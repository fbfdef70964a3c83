//! Administration tables: organisations, users and account proposals, sessions, settings
//! and the hash-chained audit log.

pub mod audit;
pub mod orgs;
pub mod sessions;
pub mod settings;
pub mod users;
