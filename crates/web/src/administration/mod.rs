//! Administration: organisations, accounts (own account and user management), the audit log.
//! One folder a feature: its pages and its API handlers side by side.

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod orgs;
