//! Introduction (Art. 7-12): plans and announcements, candidates, applications and letters, meetings.
//! One folder a feature: its pages and its API handlers side by side.

pub(crate) mod applications;
pub(crate) mod candidates;
pub(crate) mod meetings;
pub(crate) mod plans;
