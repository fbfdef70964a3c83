//! Uploaded files (附件), kept in the database so that a backup of the database is a
//! backup of everything. The app has checked the content (type by magic bytes, size)
//! before it gets here; the store keeps the bytes exactly as given.

use serde::Serialize;

use crate::{Result, Tx, on_tx};

/// An attachment without its content (for lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: i64,
    /// Who uploaded it.
    pub owner_user_id: i64,
    /// `candidate`, `workflow_item`, …
    pub object_type: String,
    pub object_id: String,
    /// What it proves (身份证件, 学历学位证书, 附件 …).
    pub purpose: String,
    /// A safe display name.
    pub file_name: String,
    /// The detected content type (`application/pdf`, `image/png`, `image/jpeg`).
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub created_at: i64,
    /// Shown to the applicant of a workflow item; `false`: internal to the staff.
    pub shared: bool,
}

/// An attachment with its content (for download).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRow {
    #[sqlx(flatten)]
    pub meta: AttachmentMeta,
    pub content: Vec<u8>,
}

/// What an upload writes.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub owner_user_id: i64,
    pub object_type: String,
    pub object_id: String,
    pub purpose: String,
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub content: Vec<u8>,
    /// Shown to the applicant of a workflow item; `false`: internal to the staff.
    pub shared: bool,
}

const META_COLUMNS: &str =
    "id, owner_user_id, object_type, object_id, purpose, file_name, content_type, size, sha256, created_at, shared";

impl Tx {
    /// Stores a file; the size is the content's length. Returns the id.
    pub async fn insert_attachment(&mut self, a: &NewAttachment, now: i64) -> Result<i64> {
        let size = i64::try_from(a.content.len()).unwrap_or(i64::MAX);
        Ok(on_tx!(self, c => sqlx::query_scalar(
            "insert into attachments (owner_user_id, object_type, object_id, purpose, file_name, content_type, size,
                                      sha256, content, created_at, shared)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id")
            .bind(a.owner_user_id).bind(&a.object_type).bind(&a.object_id).bind(&a.purpose)
            .bind(&a.file_name).bind(&a.content_type).bind(size).bind(&a.sha256).bind(&a.content).bind(now)
            .bind(a.shared)
            .fetch_one(&mut *c).await?))
    }

    /// One attachment with its content.
    pub async fn attachment(&mut self, id: i64) -> Result<Option<AttachmentRow>> {
        let sql = sqlx::AssertSqlSafe(format!("select {META_COLUMNS}, content from attachments where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AttachmentRow>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// One attachment without its content.
    pub async fn attachment_meta(&mut self, id: i64) -> Result<Option<AttachmentMeta>> {
        let sql = sqlx::AssertSqlSafe(format!("select {META_COLUMNS} from attachments where id = $1"));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AttachmentMeta>(sql).bind(id).fetch_optional(&mut *c).await?))
    }

    /// The attachments of one object, oldest first, without content.
    pub async fn attachments_for_object(&mut self, object_type: &str, object_id: &str) -> Result<Vec<AttachmentMeta>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {META_COLUMNS} from attachments where object_type = $1 and object_id = $2 order by id"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AttachmentMeta>(sql)
            .bind(object_type).bind(object_id).fetch_all(&mut *c).await?))
    }

    /// An attachment of the object with this exact content, if one was uploaded before.
    pub async fn attachment_by_sha256(
        &mut self,
        object_type: &str,
        object_id: &str,
        sha256: &str,
    ) -> Result<Option<AttachmentMeta>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "select {META_COLUMNS} from attachments where object_type = $1 and object_id = $2 and sha256 = $3
             order by id limit 1"
        ));
        Ok(on_tx!(self, c => sqlx::query_as::<_, AttachmentMeta>(sql)
            .bind(object_type).bind(object_id).bind(sha256).fetch_optional(&mut *c).await?))
    }
}
