//! Workflows: the item page and its actions, the workbench of tasks, and their API.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod tasks_api;
pub(crate) mod workbench;
