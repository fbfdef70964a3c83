pub(crate) mod account_pages;
pub(crate) mod api;
pub(crate) mod user_pages;
