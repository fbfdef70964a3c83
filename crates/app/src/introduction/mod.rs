//! Introduction (Art. 7-12): annual plans and their positions, announcements, candidates
//! and their registration, applications with the qualification review, intent letters,
//! leading-group meetings and 一事一议 special cases.

pub mod applications;
pub mod candidates;
pub mod meetings;
pub mod plans;
pub mod special_cases;
