//! Attachments (附件) over the API: upload (multipart/form-data), list an object's files,
//! download one. The multipart reading and the download response are shared with the
//! pages (`crate::pages::attachments`).

use axum::Router;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::attachments::{AttachmentContent, AttachmentView, UploadInput};
use yincai_app::{AppError, FieldError};
use yincai_domain::files::{self, FileKind};

use crate::AppState;
use crate::auth::ApiCall;
use crate::error::{ApiError, ErrorBody, FieldErrorBody, status_of};

/// The body limit of upload routes: a 5 MiB file plus the form's other fields.
pub(crate) const UPLOAD_BODY_LIMIT: usize = 6 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/attachments",
            get(list_attachments)
                .post(upload_attachment)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/attachments/{id}", get(download_attachment))
}

/// The upload form (multipart/form-data).
#[derive(Debug, ToSchema)]
#[allow(dead_code, reason = "documents the multipart form; read field by field")]
pub struct UploadForm {
    /// `candidate` (one's own 人才登记表) or `workflow_item` (审批事项).
    pub object_type: String,
    /// The record's id.
    pub object_id: String,
    /// For `candidate`: 身份证件 | 学历学位证书 | 职称证书 | 职业资格证书 | 荣誉证书 | 其他;
    /// for `workflow_item`: 附件.
    pub purpose: String,
    /// A PDF, JPG or PNG file of at most 5 MiB; its content must be what its name says.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// For `workflow_item`, staff only: `true` shares the file with the applicant; by default a
    /// staff member's file is internal. The applicant's own files are always shared.
    pub shared: Option<bool>,
}

/// An attachment, without its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub object_type: String,
    pub object_id: String,
    pub purpose: String,
    /// A safe display name (no directories or control characters).
    pub file_name: String,
    /// Detected from the content: application/pdf | image/png | image/jpeg.
    pub content_type: String,
    /// PDF | PNG | JPG
    pub kind: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// Shown to the applicant of the workflow item (`false`: internal to the staff).
    pub shared: bool,
    /// Where to download it.
    pub url: String,
}

impl From<AttachmentView> for Attachment {
    fn from(a: AttachmentView) -> Self {
        Attachment {
            url: format!("/api/attachments/{}", a.id),
            id: a.id,
            object_type: a.object_type,
            object_id: a.object_id,
            purpose: a.purpose,
            file_name: a.file_name,
            content_type: a.content_type,
            kind: a.kind,
            size: a.size,
            sha256: a.sha256,
            created_at: a.created_at,
            shared: a.shared,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ObjectFilter {
    /// `candidate` or `workflow_item`.
    #[serde(default)]
    pub object_type: String,
    /// The record's id.
    #[serde(default)]
    pub object_id: String,
}

/// An upload read from a multipart body, with the form's CSRF field (pages).
#[derive(Debug, Default)]
pub(crate) struct ReadUpload {
    pub input: UploadInput,
    pub csrf: String,
    /// Where a page goes back to.
    pub back: String,
}

/// Why a multipart body could not be read: status and a Chinese message (field `file`).
#[derive(Debug)]
pub(crate) struct UnreadableUpload {
    pub status: StatusCode,
    /// The form field at fault (`file` unless a text field is).
    pub field: String,
    pub message: String,
}

/// Text fields are short; anything longer is cut (the use case then refuses it).
const MAX_TEXT_FIELD: usize = 1000;

/// Reads the upload form: `object_type`, `object_id`, `purpose`, `file` (and `_csrf`,
/// `back` for pages). Unknown fields are ignored.
pub(crate) async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<ReadUpload, UnreadableUpload> {
    let mut mp = multipart.map_err(|_| UnreadableUpload {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        field: "file".into(),
        message: "文件：请以 multipart/form-data 表单上传（字段 object_type、object_id、purpose、file）".into(),
    })?;
    let mut out = ReadUpload::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(unreadable(e.status())),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            out.input.file_name = field.file_name().unwrap_or("").to_string();
            out.input.declared_type = field.content_type().map(String::from);
            out.input.content = field.bytes().await.map_err(|e| unreadable(e.status()))?.to_vec();
            continue;
        }
        let bytes = field.bytes().await.map_err(|e| unreadable(e.status()))?;
        let text: String = String::from_utf8_lossy(&bytes).chars().take(MAX_TEXT_FIELD).collect();
        // The text fields go through the same edge check as every other form (no control
        // characters; none of these is multi-line).
        if crate::edge::has_control(&name, false) || crate::edge::has_control(&text, false) {
            let e = crate::edge::control_error(name.clone(), &name);
            return Err(UnreadableUpload {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                field: e.field,
                message: e.message,
            });
        }
        match name.as_str() {
            "object_type" => out.input.object_type = text,
            "object_id" => out.input.object_id = text,
            "purpose" => out.input.purpose = text,
            "shared" => out.input.shared = matches!(text.trim(), "true" | "on" | "1"),
            "_csrf" => out.csrf = text,
            "back" => out.back = text,
            _ => {}
        }
    }
    Ok(out)
}

fn unreadable(status: StatusCode) -> UnreadableUpload {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        UnreadableUpload {
            status,
            field: "file".into(),
            message: "文件：超过上限 5 MB，请压缩或分页扫描后再上传".into(),
        }
    } else {
        UnreadableUpload {
            status: StatusCode::BAD_REQUEST,
            field: "file".into(),
            message: "文件：上传内容不完整或格式不正确，请重新选择文件上传".into(),
        }
    }
}

/// The status that fits a refused upload: 413 too large, 415 a type that lies or is not
/// accepted, 400 an empty file or a missing purpose; other errors as usual.
pub(crate) fn upload_status(e: &AppError, input: &UploadInput) -> StatusCode {
    match e {
        AppError::Invalid(errors) if errors.iter().any(|f| f.field == "file") => {
            files::check_upload(&input.file_name, input.declared_type.as_deref(), &input.content)
                .err()
                .and_then(|fe| StatusCode::from_u16(fe.status()).ok())
                .unwrap_or(StatusCode::BAD_REQUEST)
        }
        AppError::Invalid(errors) if errors.iter().any(|f| f.field == "object_type") => StatusCode::BAD_REQUEST,
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        other => status_of(other),
    }
}

fn error_json(status: StatusCode, e: &AppError) -> Response {
    let body = ErrorBody {
        code: e.code().into(),
        message: e.to_string(),
        errors: e.field_errors().into_iter().map(FieldErrorBody::from).collect(),
    };
    (status, axum::Json(body)).into_response()
}

/// The file as a download: its stored (detected) type, `attachment` with the UTF-8 name,
/// never sniffed, never cached.
pub(crate) fn file_response(a: AttachmentContent) -> Response {
    let ext = FileKind::from_content_type(&a.meta.content_type).map_or("bin", |k| k.extension());
    let disposition = format!(
        "attachment; filename=\"attachment-{}.{ext}\"; filename*={}",
        a.meta.id,
        files::content_disposition_filename(&a.meta.file_name)
    );
    let content_type =
        HeaderValue::from_str(&a.meta.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment"));
    let mut response = Response::new(Body::from(a.content));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    response
}

/// Upload a file (PDF, JPG or PNG, at most 5 MiB) to one's own registration form
/// (`candidate`) or to a workflow item one may see (`workflow_item`). The type is detected
/// from the content: a file whose name or declared type lies is refused (415), as is an
/// empty file or a missing purpose (400) or one over 5 MiB (413); nothing is stored then.
/// The same file twice on one object answers 409.
#[utoipa::path(post, path = "/api/attachments", tag = "attachments", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Attachment), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn upload_attachment(
    call: ApiCall,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    call.app.require_attachments(&call.actor)?;
    let upload = match read_upload(multipart).await {
        Ok(u) => u,
        Err(e) => {
            let err = AppError::Invalid(vec![FieldError::new(e.field, e.message)]);
            return Ok(error_json(e.status, &err));
        }
    };
    match call.app.upload_attachment(&call.actor, &upload.input, &call.ctx).await {
        Ok(view) => Ok((StatusCode::CREATED, axum::Json(Attachment::from(view))).into_response()),
        Err(e) => Ok(error_json(upload_status(&e, &upload.input), &e)),
    }
}

/// The attachments of one object the caller may see, oldest first (no content).
#[utoipa::path(get, path = "/api/attachments", tag = "attachments", security(("bearer" = [])), params(ObjectFilter),
    responses((status = 200, body = Vec<Attachment>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list_attachments(call: ApiCall, Query(f): Query<ObjectFilter>) -> Result<Response, ApiError> {
    match call.app.attachments(&call.actor, &f.object_type, &f.object_id).await {
        Ok(rows) => Ok(axum::Json(rows.into_iter().map(Attachment::from).collect::<Vec<_>>()).into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(error_json(StatusCode::BAD_REQUEST, &e)),
        Err(e) => Err(ApiError(e)),
    }
}

/// The file itself, with its detected content type, `Content-Disposition: attachment` and
/// `X-Content-Type-Options: nosniff`. 404 for anyone who may not see its object.
#[utoipa::path(get, path = "/api/attachments/{id}", tag = "attachments", security(("bearer" = [])),
    responses((status = 200, description = "文件内容（application/pdf、image/png 或 image/jpeg）"),
        (status = 404, body = ErrorBody)))]
pub async fn download_attachment(call: ApiCall, Path(id): Path<i64>) -> Result<Response, ApiError> {
    Ok(file_response(call.app.attachment_content(&call.actor, id).await?))
}
