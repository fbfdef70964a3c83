//! One error type for every use case, with a stable code and a message a person can act on.

use serde::Serialize;
use yincai_domain::lifecycle::{Lifecycle, step_or_refusal};
use yincai_store::StoreError;

/// One problem with one input field: the field's machine name and what to do, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Where `event` leads from `state` in its lifecycle (the tables in
/// `yincai_domain::lifecycle`); a step the table does not have is a conflict that names the
/// state the record is in (someone moved it first, or the page was old).
pub fn lifecycle_step<L: Lifecycle>(state: L, event: L::Event) -> Result<L, AppError> {
    step_or_refusal(state, event).map_err(AppError::AlreadyHandled)
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that cannot be accepted; every field error says what to do.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<FieldError>),
    /// The same words for an unknown user name and a wrong password: the answer must not
    /// tell whether an account exists.
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("账号已锁定：连续 5 次密码错误，请于 {until} 后再试，或联系安全管理员解锁")]
    Locked { until: String },
    #[error("账号已停用，请联系系统管理员")]
    Disabled,
    #[error("请先登录")]
    Unauthenticated,
    #[error("{}", session_expired_message(*.minutes, *.absolute))]
    SessionExpired { minutes: i64, absolute: bool },
    #[error("首次登录或密码已重置，请先修改密码")]
    PasswordChangeRequired,
    #[error("无权执行此操作：{0}")]
    Forbidden(String),
    #[error("{0}不存在或无权查看")]
    NotFound(String),
    /// A unique value is taken; names the field.
    #[error("{}", .0.message)]
    Duplicate(FieldError),
    #[error("该记录已被他人修改，请刷新后重试")]
    Stale,
    /// Someone else acted first on the same step: says who, when and what.
    #[error("{0}")]
    AlreadyHandled(String),
    #[error("系统内部错误，请稍后重试；如持续出现请联系系统管理员（请求编号见页面底部）")]
    Internal(#[source] anyhow::Error),
}

fn session_expired_message(minutes: i64, absolute: bool) -> String {
    if absolute {
        format!("登录已满 {} 小时，为安全起见请重新登录", minutes / 60)
    } else {
        format!("登录已超时（{minutes} 分钟无操作），请重新登录")
    }
}

impl AppError {
    /// A stable, machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid_input",
            AppError::BadCredentials => "bad_credentials",
            AppError::Locked { .. } => "account_locked",
            AppError::Disabled => "account_disabled",
            AppError::Unauthenticated => "unauthenticated",
            AppError::SessionExpired { .. } => "session_expired",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Duplicate(_) => "duplicate",
            AppError::Stale => "stale",
            AppError::AlreadyHandled(_) => "already_handled",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Invalid(errors) => errors.clone(),
            AppError::Duplicate(e) => vec![e.clone()],
            _ => Vec::new(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// Maps a store error, naming the field of a violated unique key.
    pub fn from_store(e: StoreError, unique_fields: &[(&str, &str, &str)]) -> AppError {
        match e {
            StoreError::Unique { key } => {
                for (k, field, message) in unique_fields {
                    if key == *k {
                        return AppError::Duplicate(FieldError::new(*field, *message));
                    }
                }
                // The store's key (table.column) is for the log, not for the person.
                tracing::warn!(key = %key, "a unique key without a field mapping was violated");
                AppError::Duplicate(FieldError::new("", "与已有记录重复，请检查后修改再提交"))
            }
            StoreError::Stale => AppError::Stale,
            StoreError::NotFound => AppError::NotFound("记录".into()),
            StoreError::ForeignKey => AppError::invalid("", "引用的记录不存在，请重新选择"),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::from_store(e, &[])
    }
}
