//! Turning use-case errors into responses: JSON with a stable code for the API, a
//! Chinese page for people. 5xx are logged with context and never leak internals.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use yincai_app::{AppError, FieldError};

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::BadCredentials | AppError::Unauthenticated | AppError::SessionExpired { .. } => {
            StatusCode::UNAUTHORIZED
        }
        AppError::Locked { .. } => StatusCode::LOCKED,
        AppError::Disabled | AppError::PasswordChangeRequired | AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Duplicate(_) | AppError::Stale | AppError::AlreadyHandled(_) => StatusCode::CONFLICT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log_if_internal(e: &AppError) {
    if let AppError::Internal(inner) = e {
        tracing::error!(error = ?inner, "internal error");
    }
}

/// The JSON error body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `invalid_input`, `forbidden`, `not_found`.
    pub code: String,
    /// What went wrong and what to do, in Simplified Chinese.
    pub message: String,
    /// One entry per offending field.
    pub errors: Vec<FieldErrorBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub message: String,
}

impl From<FieldError> for FieldErrorBody {
    fn from(e: FieldError) -> Self {
        FieldErrorBody {
            field: e.field,
            message: e.message,
        }
    }
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

/// What a JSON API handler answers: the body, or the JSON error (one name for every signature).
pub type ApiResult<T> = Result<axum::Json<T>, ApiError>;

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl ApiError {
    /// A request the API could not read (bad JSON, wrong types, too large).
    pub fn bad_request(status: StatusCode, code: &str, message: String) -> Response {
        (
            status,
            axum::Json(ErrorBody {
                code: code.into(),
                message,
                errors: vec![],
            }),
        )
            .into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_if_internal(&self.0);
        let body = ErrorBody {
            code: self.0.code().into(),
            message: self.0.to_string(),
            errors: self.0.field_errors().into_iter().map(Into::into).collect(),
        };
        (status_of(&self.0), axum::Json(body)).into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    message: String,
}

/// An error answered as a page; a missing or expired login goes to the login page.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// What a page handler answers: the page or a redirect, or the error page (one name for every signature).
pub type PageResult = Result<Response, PageError>;

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match &self.0 {
            AppError::Unauthenticated => return Redirect::to("/login").into_response(),
            AppError::SessionExpired { .. } => return Redirect::to("/login?m=expired").into_response(),
            AppError::PasswordChangeRequired => return Redirect::to("/account/password").into_response(),
            _ => {}
        }
        log_if_internal(&self.0);
        let status = status_of(&self.0);
        error_page(status, self.0.to_string())
    }
}

/// A refusal in the format of where it happened: the API's JSON error body under
/// `/api/`, the error page elsewhere.
pub fn reject(
    api: bool,
    status: StatusCode,
    code: &str,
    message: String,
    errors: Vec<yincai_app::FieldError>,
) -> Response {
    if api {
        let body = ErrorBody {
            code: code.into(),
            message,
            errors: errors.into_iter().map(Into::into).collect(),
        };
        (status, axum::Json(body)).into_response()
    } else {
        error_page(status, message)
    }
}

pub fn error_page(status: StatusCode, message: String) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, "error").into_response(),
    }
}
