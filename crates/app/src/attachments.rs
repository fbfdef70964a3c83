//! Attachments (附件): proofs on a candidate's registration form (identity, degrees,
//! titles, qualifications, honours) and files on a workflow item's steps.
//!
//! A file is what its bytes say ([`yincai_domain::files`]): PDF, PNG or JPEG, at most
//! 5 MiB, never empty; a file whose name or declared type lies is refused and nothing is
//! stored. The bytes, their SHA-256, size and detected type are written with one audit
//! record in one transaction. Who may upload or see an attachment is who may see its
//! object: the applicant their own registration form (the coordination office reads every
//! one), and for workflow items the same visibility as [`App::workflow_item`].

use serde::Serialize;
use yincai_domain::files::{self, FileKind};
use yincai_domain::workflow;
use yincai_store::{AttachmentMeta, NewAttachment, Tx};

use crate::clock::format_beijing;
use crate::workflow::{ITEM_OBJECT, may_see_item};
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result};

/// The object type of a registration form.
pub const CANDIDATE_OBJECT: &str = "candidate";
/// What a registration form's attachment proves.
pub const CANDIDATE_PURPOSES: [&str; 6] = [
    "身份证件",
    "学历学位证书",
    "职称证书",
    "职业资格证书",
    "荣誉证书",
    "其他",
];
/// A workflow item's attachments have one purpose.
pub const ITEM_PURPOSES: [&str; 1] = ["附件"];

/// The purposes an object type accepts (empty for an unknown type).
pub fn purposes_for(object_type: &str) -> &'static [&'static str] {
    match object_type {
        CANDIDATE_OBJECT => &CANDIDATE_PURPOSES,
        ITEM_OBJECT => &ITEM_PURPOSES,
        _ => &[],
    }
}

/// An upload as received: the form's fields and the file's bytes.
#[derive(Debug, Clone, Default)]
pub struct UploadInput {
    /// `candidate` or `workflow_item`.
    pub object_type: String,
    /// The record's id, as text.
    pub object_id: String,
    pub purpose: String,
    /// The name the client gave the file (may contain a path; made safe here).
    pub file_name: String,
    /// The part's declared content type, if any.
    pub declared_type: Option<String>,
    pub content: Vec<u8>,
    /// On a workflow item, a staff member's file is internal unless they share it with the
    /// applicant; the applicant's own files and registration-form files are always shared.
    pub shared: bool,
}

/// An attachment as listed.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    pub id: i64,
    pub object_type: String,
    pub object_id: String,
    pub purpose: String,
    pub file_name: String,
    pub content_type: String,
    /// PDF, PNG or JPG.
    pub kind: String,
    pub size: i64,
    /// e.g. `123 KB`.
    pub size_text: String,
    pub sha256: String,
    pub owner_user_id: i64,
    pub created_at: i64,
    /// Beijing time, `2026-11-24 10:30`.
    pub created_at_text: String,
    /// Shown to the applicant (see [`UploadInput::shared`]).
    pub shared: bool,
}

impl From<AttachmentMeta> for AttachmentView {
    fn from(m: AttachmentMeta) -> Self {
        AttachmentView {
            kind: FileKind::from_content_type(&m.content_type)
                .map_or_else(|| m.content_type.clone(), |k| k.label().to_string()),
            size_text: files::human_size(u64::try_from(m.size).unwrap_or(0)),
            created_at_text: format_beijing(m.created_at),
            id: m.id,
            object_type: m.object_type,
            object_id: m.object_id,
            purpose: m.purpose,
            file_name: m.file_name,
            content_type: m.content_type,
            size: m.size,
            sha256: m.sha256,
            owner_user_id: m.owner_user_id,
            created_at: m.created_at,
            shared: m.shared,
        }
    }
}

/// A file to send: what it is and its bytes.
#[derive(Debug, Clone)]
pub struct AttachmentContent {
    pub meta: AttachmentMeta,
    pub content: Vec<u8>,
}

/// What the actor wants to do with an object's attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    See,
    Upload,
}

fn bad_object_type() -> AppError {
    AppError::invalid(
        "object_type",
        "附件所属对象：只能是 candidate（人才登记表）或 workflow_item（审批事项），请检查请求",
    )
}

fn candidate_not_found() -> AppError {
    AppError::NotFound("人才登记表".into())
}

/// What of an object's attachments the actor sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Everything,
    /// An applicant on their own workflow item: shared files and the files they uploaded.
    SharedOrOwn,
}

impl Reach {
    fn shows(self, actor: &Actor, m: &AttachmentMeta) -> bool {
        self == Reach::Everything || m.shared || m.owner_user_id == actor.user_id
    }
}

fn item_not_found() -> AppError {
    AppError::NotFound("审批事项".into())
}

/// An object id as stored: the canonical decimal of the number typed (`+1` → `1`); text that
/// is not a number is kept trimmed (and refused by the object check).
fn canonical_object_id(typed: &str) -> String {
    let t = typed.trim();
    t.parse::<i64>().map_or_else(|_| t.to_string(), |n| n.to_string())
}

impl App {
    /// Whether the actor may work with attachments at all (before reading an upload):
    /// applicants, the coordination office and those who act on workflow items.
    pub fn require_attachments(&self, actor: &Actor) -> Result<()> {
        for p in [
            Permission::ProfileEdit,
            Permission::Apply,
            Permission::CandidateRead,
            Permission::WorkflowAct,
        ] {
            if actor.has(p) {
                return actor.require(p);
            }
        }
        Err(AppError::Forbidden("上传或查看附件".into()))
    }

    /// Checks that the actor may see (or upload to) the object: a missing permission is
    /// "forbidden", an object out of reach "not found".
    async fn check_object(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        object_type: &str,
        object_id: &str,
        access: Access,
    ) -> Result<Reach> {
        match object_type {
            CANDIDATE_OBJECT => {
                let own_only = access == Access::Upload || !actor.has(Permission::CandidateRead);
                if own_only {
                    actor.require(Permission::ProfileEdit)?;
                } else {
                    actor.require(Permission::CandidateRead)?;
                }
                let id: i64 = object_id.trim().parse().map_err(|_| candidate_not_found())?;
                tx.candidate(id)
                    .await?
                    .filter(|c| !own_only || c.user_id == actor.user_id)
                    .ok_or_else(candidate_not_found)?;
                Ok(Reach::Everything)
            }
            ITEM_OBJECT => {
                if !actor.has(Permission::WorkflowAct) {
                    actor.require(Permission::Apply)?;
                } else if actor.must_change_password {
                    return Err(AppError::PasswordChangeRequired);
                }
                let id: i64 = object_id.trim().parse().map_err(|_| item_not_found())?;
                let item = tx.workflow_item(id).await?.ok_or_else(item_not_found)?;
                tx.org(item.org_id)
                    .await?
                    .filter(|o| may_see_item(actor, &item, o.parent_id))
                    .ok_or_else(item_not_found)?;
                if access == Access::Upload {
                    let finished = workflow::by_code(&item.workflow)
                        .and_then(|def| def.state(&item.state).map(|s| (def, s)))
                        .filter(|(_, s)| s.terminal);
                    if let Some((def, _)) = finished {
                        return Err(AppError::Forbidden(format!(
                            "该事项已办结（{}），不能再上传附件",
                            def.state_name(&item.state)
                        )));
                    }
                }
                // The applicant of an item sees its shared files and their own; staff, all.
                Ok(if actor.has(Permission::WorkflowAct) {
                    Reach::Everything
                } else {
                    Reach::SharedOrOwn
                })
            }
            _ => Err(bad_object_type()),
        }
    }

    /// Stores an uploaded file on an object the actor may upload to, with its audit record,
    /// in one transaction. Refusals name the field (`file`, `purpose`) and store nothing.
    pub async fn upload_attachment(
        &self,
        actor: &Actor,
        input: &UploadInput,
        ctx: &RequestCtx,
    ) -> Result<AttachmentView> {
        self.require_attachments(actor)?;
        let object_type = input.object_type.trim();
        // Stored as the number it names ("+1", " 01" → "1"), so the list and the duplicate
        // check find it.
        let object_id = &canonical_object_id(&input.object_id);
        if purposes_for(object_type).is_empty() {
            return Err(bad_object_type());
        }
        let mut tx = self.store.begin_write().await?;
        let reach = self
            .check_object(&mut tx, actor, object_type, object_id, Access::Upload)
            .await?;
        let shared = object_type == CANDIDATE_OBJECT || reach == Reach::SharedOrOwn || input.shared;
        let mut errors = Vec::new();
        let purposes = purposes_for(object_type);
        let purpose = input.purpose.trim();
        if !purposes.contains(&purpose) {
            let message = if purpose.is_empty() {
                format!("附件用途：必填，请选择（{}）", purposes.join("、"))
            } else {
                format!("附件用途：只能是{}之一，请重新选择", purposes.join("、"))
            };
            errors.push(FieldError::new("purpose", message));
        }
        let checked = match files::check_upload(&input.file_name, input.declared_type.as_deref(), &input.content) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(FieldError::new("file", e.to_string()));
                None
            }
        };
        let Some(checked) = checked.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };

        let sha256 = files::sha256_hex(&input.content);
        if let Some(before) = tx.attachment_by_sha256(object_type, object_id, &sha256).await? {
            return Err(AppError::Duplicate(FieldError::new(
                "file",
                format!(
                    "文件：同一文件已于 {} 上传（{}，{}），无需重复上传",
                    format_beijing(before.created_at),
                    before.purpose,
                    before.file_name
                ),
            )));
        }
        let now = self.now();
        let new = NewAttachment {
            owner_user_id: actor.user_id,
            object_type: object_type.to_string(),
            object_id: object_id.to_string(),
            purpose: purpose.to_string(),
            file_name: checked.display_name.clone(),
            content_type: checked.kind.content_type().to_string(),
            sha256,
            content: input.content.clone(),
            shared,
        };
        let id = tx.insert_attachment(&new, now).await?;
        let summary = format!(
            "上传附件：{} {}（{}，{}）",
            purpose,
            checked.display_name,
            checked.kind.label(),
            files::human_size(checked.size as u64)
        );
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "attachment_uploaded",
            (object_type, object_id.to_string()),
            summary,
        ))
        .await?;
        let meta = tx
            .attachment_meta(id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("attachment {id} vanished")))?;
        tx.commit().await?;
        Ok(meta.into())
    }

    /// The attachments of an object the actor may see, oldest first.
    pub async fn attachments(&self, actor: &Actor, object_type: &str, object_id: &str) -> Result<Vec<AttachmentView>> {
        self.require_attachments(actor)?;
        let (object_type, object_id) = (object_type.trim(), &canonical_object_id(object_id));
        let mut tx = self.store.begin_read().await?;
        let reach = self
            .check_object(&mut tx, actor, object_type, object_id, Access::See)
            .await?;
        Ok(tx
            .attachments_for_object(object_type, object_id)
            .await?
            .into_iter()
            .filter(|m| reach.shows(actor, m))
            .map(AttachmentView::from)
            .collect())
    }

    /// Whether the actor may upload to the object (to show the upload form).
    /// Whether the actor's files on such an object are internal unless shared: staff on a
    /// workflow item (whose applicant sees only what is shared).
    pub fn may_share_attachment(&self, actor: &Actor, object_type: &str) -> bool {
        object_type.trim() == ITEM_OBJECT && actor.has(Permission::WorkflowAct)
    }

    pub async fn may_upload_attachment(&self, actor: &Actor, object_type: &str, object_id: &str) -> bool {
        let Ok(mut tx) = self.store.begin_read().await else {
            return false;
        };
        self.check_object(&mut tx, actor, object_type, object_id, Access::Upload)
            .await
            .is_ok()
    }

    /// One attachment's bytes, for download. Anyone who may not see its object gets "not
    /// found", so nobody learns that an attachment exists.
    pub async fn attachment_content(&self, actor: &Actor, id: i64) -> Result<AttachmentContent> {
        let not_found = || AppError::NotFound("附件".into());
        if actor.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        self.require_attachments(actor).map_err(|_| not_found())?;
        let mut tx = self.store.begin_read().await?;
        let row = tx.attachment(id).await?.ok_or_else(not_found)?;
        match self
            .check_object(&mut tx, actor, &row.meta.object_type, &row.meta.object_id, Access::See)
            .await
        {
            Ok(reach) if reach.shows(actor, &row.meta) => Ok(AttachmentContent {
                meta: row.meta,
                content: row.content,
            }),
            Ok(_) => Err(not_found()),
            Err(AppError::Internal(e)) => Err(AppError::Internal(e)),
            Err(_) => Err(not_found()),
        }
    }
}
