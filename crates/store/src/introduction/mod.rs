//! Introduction tables: plans and positions, announcements, candidates, applications and
//! intent letters, meetings and their agenda.

pub mod applications;
pub mod candidates;
pub mod meetings;
pub mod plans;
