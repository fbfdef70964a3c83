//! Accounts over the API: login (bearer tokens), registration, one's own account,
//! and account administration.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::accounts::{AccountAction, CreateUser, Registration, SessionKind, UserView};
use yincai_app::{Actor, Role};
use yincai_store::UserQuery;

use super::{ApiJson, PageOf, Window};
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/register", post(register))
        .route("/me", get(me))
        .route("/me/password", post(change_password))
        .route("/roles", get(roles))
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(get_user))
        .route("/users/{id}/unlock", post(unlock_user))
        .route("/users/{id}/reset-password", post(reset_password))
        .route("/users/{id}/roles", put(set_roles))
        .route("/users/{id}/disable", post(disable_user))
        .route("/users/{id}/enable", post(enable_user))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The caller's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    /// Role codes, e.g. `coordination`.
    pub roles: Vec<String>,
    pub must_change_password: bool,
}

impl From<&Actor> for Me {
    fn from(a: &Actor) -> Me {
        Me {
            id: a.user_id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            org_id: a.org_id,
            org_name: a.org_name.clone(),
            roles: a.role_codes().into_iter().map(String::from).collect(),
            must_change_password: a.must_change_password,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Expires after 15 idle minutes (staff) or 30 (applicants).
    pub token: String,
    pub user: Me,
}

/// Log in; five wrong passwords in a row lock the account for 30 minutes.
#[utoipa::path(post, path = "/api/auth/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "用户名或密码错误", body = ErrorBody), (status = 423, description = "账号已锁定", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let outcome = state
        .app
        .login(&req.username, &req.password, SessionKind::Api, &ctx)
        .await?;
    Ok(Json(LoginResponse {
        token: outcome.token,
        user: Me::from(&outcome.actor),
    }))
}

/// End the session of this token.
#[utoipa::path(post, path = "/api/auth/logout", tag = "accounts", security(("bearer" = [])), responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, Ctx(ctx): Ctx, user: ApiUser) -> Result<StatusCode, ApiError> {
    state.app.logout(&user.actor, &user.token, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Self-registration of an applicant (人才/申请人).
#[utoipa::path(post, path = "/api/auth/register", tag = "accounts", request_body = RegisterRequest,
    responses((status = 201, body = Created), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let reg = Registration {
        username: req.username,
        display_name: req.display_name,
        password: req.password,
        password_confirm: req.password_confirm,
    };
    let id = state.app.register(&reg, &ctx).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/me", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(user: ApiUser) -> Json<Me> {
    Json(Me::from(&user.actor))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    pub new_password_confirm: String,
}

/// Change one's own password (required after the first login).
#[utoipa::path(post, path = "/api/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: ApiUser,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .change_password(
            &user.actor,
            &req.current_password,
            &req.new_password,
            &req.new_password_confirm,
            &ctx,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleInfo {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// The roles an account can hold.
#[utoipa::path(get, path = "/api/roles", tag = "accounts", responses((status = 200, body = Vec<RoleInfo>)))]
pub async fn roles() -> Json<Vec<RoleInfo>> {
    Json(
        Role::ALL
            .iter()
            .map(|r| RoleInfo {
                code: r.code().into(),
                name_zh: r.name_zh().into(),
                name_en: r.name_en().into(),
            })
            .collect(),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<String>,
    pub locked: bool,
    pub locked_until: Option<i64>,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub version: i64,
}

impl From<UserView> for User {
    fn from(v: UserView) -> User {
        User {
            id: v.user.id,
            username: v.user.username,
            display_name: v.user.display_name,
            org_id: v.user.org_id,
            roles: v.roles,
            locked: v.locked,
            locked_until: v.user.locked_until.filter(|_| v.locked),
            disabled: v.user.disabled,
            must_change_password: v.user.must_change_password,
            created_at: v.user.created_at,
            version: v.user.version,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct UserFilter {
    /// Part of the user name or display name.
    pub q: Option<String>,
    pub org_id: Option<i64>,
    pub role: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/users", tag = "accounts", security(("bearer" = [])), params(UserFilter),
    responses((status = 200, body = PageOf<User>), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    user: ApiUser,
    Query(f): Query<UserFilter>,
) -> Result<Json<PageOf<User>>, ApiError> {
    let w = Window {
        offset: f.offset,
        limit: f.limit,
    };
    let page = state
        .app
        .users(
            &user.actor,
            &UserQuery {
                text: f.q,
                org_id: f.org_id,
                role: f.role,
                offset: w.offset(),
                limit: w.limit(),
            },
        )
        .await?;
    Ok(Json(PageOf {
        rows: page.rows.into_iter().map(User::from).collect(),
        total: page.total,
        offset: page.offset,
        limit: page.limit,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUserRequest {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    /// Role codes (see `/api/roles`); at most one of sys_admin, sec_admin, audit_admin.
    pub roles: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OneTimePassword {
    pub id: i64,
    /// Shown once; the account must change it at first login.
    pub one_time_password: String,
}

/// Create a staff account (system admin).
#[utoipa::path(post, path = "/api/users", tag = "accounts", security(("bearer" = [])), request_body = CreateUserRequest,
    responses((status = 201, body = OneTimePassword), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: ApiUser,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<OneTimePassword>), ApiError> {
    let input = CreateUser {
        username: req.username,
        display_name: req.display_name,
        org_id: req.org_id,
        roles: req.roles,
    };
    let (id, password) = state.app.create_user(&user.actor, &input, &ctx).await?;
    Ok((
        StatusCode::CREATED,
        Json(OneTimePassword {
            id,
            one_time_password: password,
        }),
    ))
}

#[utoipa::path(get, path = "/api/users/{id}", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(state.app.user(&user.actor, id).await?.into()))
}

/// Why an administrative action is taken; recorded in the audit trail.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Reason {
    pub reason: String,
}

/// Unlock a locked account (security admin).
#[utoipa::path(post, path = "/api/users/{id}/unlock", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn unlock_user(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .account_action(&user.actor, id, AccountAction::Unlock, &r.reason, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reset a password to a one-time password (security admin).
#[utoipa::path(post, path = "/api/users/{id}/reset-password", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 200, body = OneTimePassword), (status = 403, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<Json<OneTimePassword>, ApiError> {
    let password = state
        .app
        .account_action(&user.actor, id, AccountAction::ResetPassword, &r.reason, &ctx)
        .await?
        .unwrap_or_default();
    Ok(Json(OneTimePassword {
        id,
        one_time_password: password,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RolesRequest {
    pub roles: Vec<String>,
    pub reason: String,
}

/// Replace an account's roles (security admin).
#[utoipa::path(put, path = "/api/users/{id}/roles", tag = "accounts", security(("bearer" = [])), request_body = RolesRequest,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn set_roles(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RolesRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .set_user_roles(&user.actor, id, &r.roles, &r.reason, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable an account (system admin).
#[utoipa::path(post, path = "/api/users/{id}/disable", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn disable_user(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .account_action(&user.actor, id, AccountAction::Disable, &r.reason, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enable a disabled account (system admin).
#[utoipa::path(post, path = "/api/users/{id}/enable", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn enable_user(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .account_action(&user.actor, id, AccountAction::Enable, &r.reason, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
