//! Attachments (附件) on pages: the upload form posts here (multipart, CSRF), downloads
//! go through `/attachments/{id}`, and [`AttachmentsBox`] feeds the `_attachments.html`
//! include (list + upload form) of a registration form or a workflow item page.
//!
//! To show it on a page: give the page's template struct a field
//! `attachments: AttachmentsBox` built with [`AttachmentsBox::load`] (or
//! [`AttachmentsBox::unavailable`]), and put `{% include "_attachments.html" %}` in the
//! template outside any other form.

use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::AppError;
use yincai_app::attachments::{AttachmentView, CANDIDATE_OBJECT, purposes_for};
use yincai_app::workflow::ITEM_OBJECT;

use crate::attachments::api::{UPLOAD_BODY_LIMIT, file_response, read_upload, upload_status};
use crate::auth::{PageCall, safe_next};
use crate::error::error_page;
use crate::layout::Layout;
use crate::pages::{FieldErrors, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/attachments",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/attachments/{id}", get(download))
}

/// What the `_attachments.html` include shows: an object's files and, for who may
/// upload, the form (with the purpose chosen and the errors of a refused upload).
pub(crate) struct AttachmentsBox {
    pub object_type: String,
    pub object_id: String,
    pub rows: Vec<AttachmentView>,
    pub purposes: &'static [&'static str],
    pub can_upload: bool,
    /// Staff on a workflow item: files are internal unless "告知申请人" is checked.
    pub may_share: bool,
    /// Where the form returns after an upload.
    pub back: String,
    /// Shown instead of the form when nothing can be attached (yet).
    pub note: String,
    /// The purpose chosen (kept on an error).
    pub purpose: String,
    pub errors: FieldErrors,
}

impl AttachmentsBox {
    /// The files of an object the caller may see, and whether they may add one.
    pub async fn load(
        call: &PageCall,
        object_type: &str,
        object_id: &str,
        back: &str,
    ) -> Result<AttachmentsBox, AppError> {
        let rows = call.app.attachments(&call.actor, object_type, object_id).await?;
        let can_upload = call
            .app
            .may_upload_attachment(&call.actor, object_type, object_id)
            .await;
        Ok(AttachmentsBox {
            object_type: object_type.to_string(),
            object_id: object_id.to_string(),
            rows,
            purposes: purposes_for(object_type),
            can_upload,
            may_share: call.app.may_share_attachment(&call.actor, object_type),
            back: safe_next(back).to_string(),
            note: String::new(),
            purpose: String::new(),
            errors: FieldErrors::default(),
        })
    }

    /// No object yet (a registration form not saved): no list, only the note.
    pub fn unavailable(note: &str) -> AttachmentsBox {
        AttachmentsBox {
            object_type: String::new(),
            object_id: String::new(),
            rows: Vec::new(),
            purposes: &[],
            can_upload: false,
            may_share: false,
            back: String::new(),
            note: note.to_string(),
            purpose: String::new(),
            errors: FieldErrors::default(),
        }
    }

    /// The one purpose of an object type that has only one (a workflow item's 附件).
    pub fn single_purpose(&self) -> Option<&'static str> {
        match self.purposes {
            [one] => Some(one),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "attachment_upload.html")]
struct UploadPage {
    layout: Layout,
    attachments: AttachmentsBox,
}

/// Where an upload returns by default.
fn default_back(object_type: &str, object_id: &str) -> String {
    match object_type {
        CANDIDATE_OBJECT => "/me/profile".into(),
        ITEM_OBJECT => format!("/workflow/{}", object_id.trim()),
        _ => "/workbench".into(),
    }
}

/// Stores the file and returns to the page it came from; a refused file shows the form
/// again with the reason next to the field (400/413/415), and nothing is stored.
async fn upload(call: PageCall, multipart: Result<Multipart, MultipartRejection>) -> PageResult {
    call.app.require_attachments(&call.actor)?;
    let upload = match read_upload(multipart).await {
        Ok(u) => u,
        Err(e) => return Ok(error_page(e.status, e.message)),
    };
    if let Err(r) = call.check_csrf(&upload.csrf) {
        return Ok(r);
    }
    let input = &upload.input;
    let back = if upload.back.trim().is_empty() {
        default_back(&input.object_type, &input.object_id)
    } else {
        safe_next(upload.back.trim()).to_string()
    };
    match call.app.upload_attachment(&call.actor, input, &call.ctx).await {
        Ok(_) => Ok(Redirect::to(&format!("{back}#attachments")).into_response()),
        Err(e) if !e.field_errors().is_empty() => {
            let status = upload_status(&e, input);
            let mut attachments = AttachmentsBox::load(&call, &input.object_type, &input.object_id, &back).await?;
            attachments.purpose = input.purpose.trim().to_string();
            attachments.errors = e.field_errors().into();
            let page = UploadPage {
                layout: call.layout("上传附件", ""),
                attachments,
            };
            Ok(render_with(status, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// Sends the file to whoever may see its object; anyone else gets 404.
async fn download(call: PageCall, Path(id): Path<i64>) -> PageResult {
    Ok(file_response(call.app.attachment_content(&call.actor, id).await?))
}
