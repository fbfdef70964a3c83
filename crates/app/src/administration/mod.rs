//! Administration: organisations (units and government bodies), accounts with their
//! roles and the second-person confirmation of grants, passwords, and the audit log.

pub mod accounts;
pub mod audit;
pub mod orgs;
pub mod passwords;
