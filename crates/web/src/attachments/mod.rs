//! Attachments: upload and download of documents, as pages and as API.

pub(crate) mod api;
pub(crate) mod pages;
