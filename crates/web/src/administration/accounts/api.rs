//! Accounts over the API: login (bearer tokens), registration, one's own account,
//! and account administration.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yincai_app::accounts::{
    AccountAction, CreateUser, LoginInfo, ProposalKind, ProposalView, Registration, SessionKind, UserView,
};
use yincai_app::{Actor, Role};
use yincai_store::UserQuery;

use crate::AppState;
use crate::api::{ApiJson, PageOf, Window};
use crate::auth::{ApiCall, Ctx};
use crate::error::{ApiError, ApiResult, ErrorBody};

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
        .route("/account-proposals", get(list_proposals))
        .route("/account-proposals/{id}/confirm", post(confirm_proposal))
        .route("/account-proposals/{id}/reject", post(reject_proposal))
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
    /// When the password was last changed or reset (epoch milliseconds); null if never.
    pub password_changed_at: Option<i64>,
    /// The last successful login before the current one (epoch milliseconds); null if none.
    pub previous_login_at: Option<i64>,
    /// The two facts above in words, e.g. `上次登录：2026-12-01 09:30；密码最近一次修改或重置：…`.
    pub login_notice: String,
}

impl Me {
    fn new(a: &Actor, info: LoginInfo) -> Me {
        Me {
            id: a.user_id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            org_id: a.org_id,
            org_name: a.org_name.clone(),
            roles: a.role_codes().into_iter().map(String::from).collect(),
            must_change_password: a.must_change_password,
            password_changed_at: info.password_changed_at,
            previous_login_at: info.previous_login_at,
            login_notice: info.notice_zh(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Expires after 15 idle minutes (staff) or 30 (applicants).
    pub token: String,
    pub user: Me,
}

/// Log in; five wrong passwords in a row lock the account for 30 minutes (new logins only:
/// the account's live sessions stay). An unknown user name and a wrong password get the same
/// answer. A session ends after 15 idle minutes (applicants 30) and 12 hours after login.
#[utoipa::path(post, path = "/api/auth/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "用户名或密码错误", body = ErrorBody), (status = 423, description = "账号已锁定", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<LoginResponse> {
    let outcome = state
        .app
        .login(&req.username, &req.password, SessionKind::Api, &ctx)
        .await?;
    let info = state.app.login_info(&outcome.actor).await?;
    Ok(Json(LoginResponse {
        token: outcome.token,
        user: Me::new(&outcome.actor, info),
    }))
}

/// End the session of this token.
#[utoipa::path(post, path = "/api/auth/logout", tag = "accounts", security(("bearer" = [])), responses((status = 204)))]
pub async fn logout(call: ApiCall) -> Result<StatusCode, ApiError> {
    call.app.logout(&call.actor, &call.token, &call.ctx).await?;
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
pub async fn me(call: ApiCall) -> ApiResult<Me> {
    let info = call.app.login_info(&call.actor).await?;
    Ok(Json(Me::new(&call.actor, info)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    pub new_password_confirm: String,
}

/// Change one's own password (required after the first login). The account's other
/// sessions end; this one stays.
#[utoipa::path(post, path = "/api/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn change_password(call: ApiCall, ApiJson(req): ApiJson<PasswordChange>) -> Result<StatusCode, ApiError> {
    call.app
        .change_password(
            &call.actor,
            &call.token,
            &req.current_password,
            &req.new_password,
            &req.new_password_confirm,
            &call.ctx,
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
    /// `true`: only accounts locked now (after repeated wrong passwords).
    pub locked: Option<bool>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/users", tag = "accounts", security(("bearer" = [])), params(UserFilter),
    responses((status = 200, body = PageOf<User>), (status = 403, body = ErrorBody)))]
pub async fn list_users(call: ApiCall, Query(f): Query<UserFilter>) -> ApiResult<PageOf<User>> {
    let w = Window::new(f.offset, f.limit);
    let page = call
        .app
        .users(
            &call.actor,
            &UserQuery {
                text: f.q,
                org_id: f.org_id,
                role: f.role,
                locked_at: f.locked.filter(|l| *l).map(|_| call.app.now()),
                offset: w.offset(),
                limit: w.limit(),
            },
        )
        .await?;
    Ok(Json(page.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUserRequest {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    /// Must be empty or absent: an account is created without roles; roles come by a
    /// confirmed proposal (`PUT /api/users/{id}/roles`, then `/api/account-proposals/{id}/confirm`).
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Create a staff account (system admin): no role and no usable password. Its roles and
/// first password come by proposals of the security admin confirmed by another administrator.
#[utoipa::path(post, path = "/api/users", tag = "accounts", security(("bearer" = [])), request_body = CreateUserRequest,
    responses((status = 201, body = Created), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_user(
    call: ApiCall,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let input = CreateUser {
        username: req.username,
        display_name: req.display_name,
        org_id: req.org_id,
        roles: req.roles,
    };
    let id = call.app.create_user(&call.actor, &input, &call.ctx).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/users/{id}", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
pub async fn get_user(call: ApiCall, Path(id): Path<i64>) -> ApiResult<User> {
    Ok(Json(call.app.user(&call.actor, id).await?.into()))
}

/// Why an administrative action is taken; recorded in the audit trail.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Reason {
    pub reason: String,
}

/// A proposal just made: it takes effect when another administrator confirms it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalCreated {
    pub proposal_id: i64,
    /// For a password reset: the first half of the one-time password, shown once to the
    /// proposer. The confirmer receives the second half; the user types both together.
    pub password_part: Option<String>,
}

async fn propose(
    call: &ApiCall,
    id: i64,
    kind: ProposalKind,
    roles: &[String],
    reason: &str,
) -> Result<(StatusCode, Json<ProposalCreated>), ApiError> {
    let (proposal_id, password_part) = call
        .app
        .propose_account_change(&call.actor, id, kind, roles, reason, &call.ctx)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ProposalCreated {
            proposal_id,
            password_part,
        }),
    ))
}

/// Propose unlocking a locked account (security admin); another administrator confirms.
#[utoipa::path(post, path = "/api/users/{id}/unlock", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 202, body = ProposalCreated), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn unlock_user(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<(StatusCode, Json<ProposalCreated>), ApiError> {
    propose(&call, id, ProposalKind::Unlock, &[], &r.reason).await
}

/// Propose a password reset (security admin), also the first password of a new account. The
/// answer carries the first half of the one-time password; the confirming administrator
/// receives the second; nobody alone knows the whole password.
#[utoipa::path(post, path = "/api/users/{id}/reset-password", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 202, body = ProposalCreated), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reset_password(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<(StatusCode, Json<ProposalCreated>), ApiError> {
    propose(&call, id, ProposalKind::ResetPassword, &[], &r.reason).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RolesRequest {
    /// The whole new role set (may be empty: no role). Never an administrator role together
    /// with a business role.
    pub roles: Vec<String>,
    pub reason: String,
}

/// Propose replacing an account's roles (security admin); another administrator confirms.
#[utoipa::path(put, path = "/api/users/{id}/roles", tag = "accounts", security(("bearer" = [])), request_body = RolesRequest,
    responses((status = 202, body = ProposalCreated), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn set_roles(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RolesRequest>,
) -> Result<(StatusCode, Json<ProposalCreated>), ApiError> {
    propose(&call, id, ProposalKind::Roles, &r.roles, &r.reason).await
}

/// A proposed change to an account (双人复核).
#[derive(Debug, Serialize, ToSchema)]
pub struct Proposal {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    /// `roles`, `reset_password` or `unlock`.
    pub kind: String,
    /// For `roles`: the proposed role codes.
    pub roles: Vec<String>,
    pub reason: String,
    pub proposed_by: String,
    /// Epoch milliseconds.
    pub proposed_at: i64,
    /// `pending`, `confirmed` or `rejected`.
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_reason: String,
}

impl From<ProposalView> for Proposal {
    fn from(v: ProposalView) -> Proposal {
        Proposal {
            id: v.row.id,
            user_id: v.row.user_id,
            username: v.username,
            kind: v.row.kind,
            roles: v
                .row
                .roles
                .split(',')
                .filter(|r| !r.is_empty())
                .map(String::from)
                .collect(),
            reason: v.row.reason,
            proposed_by: v.proposer,
            proposed_at: v.row.proposed_at,
            status: v.row.status,
            decided_by: Some(v.decider).filter(|d| !d.is_empty()),
            decided_at: v.row.decided_at,
            decision_reason: v.row.decision_reason,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ProposalFilter {
    /// One account's proposals (all states, newest first); without it every pending one.
    pub user_id: Option<i64>,
}

/// Proposals on accounts: one account's, or all pending (administrators).
#[utoipa::path(get, path = "/api/account-proposals", tag = "accounts", security(("bearer" = [])), params(ProposalFilter),
    responses((status = 200, body = Vec<Proposal>), (status = 403, body = ErrorBody)))]
pub async fn list_proposals(call: ApiCall, Query(f): Query<ProposalFilter>) -> ApiResult<Vec<Proposal>> {
    let rows = call.app.account_proposals(&call.actor, f.user_id).await?;
    Ok(Json(rows.into_iter().map(Proposal::from).collect()))
}

/// The confirmation of a proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Confirmed {
    /// For a password reset: the second half of the one-time password, shown once to the
    /// confirmer. The user types the proposer's half followed by this one.
    pub password_part: Option<String>,
}

/// An optional comment on a confirmation; recorded in the audit trail.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Comment {
    #[serde(default)]
    pub reason: String,
}

/// Confirm another administrator's proposal (security or system admin, never the proposer
/// nor the account itself): the change takes effect.
#[utoipa::path(post, path = "/api/account-proposals/{id}/confirm", tag = "accounts", security(("bearer" = [])), request_body = Comment,
    responses((status = 200, body = Confirmed), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm_proposal(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<Comment>,
) -> ApiResult<Confirmed> {
    let password_part = call
        .app
        .confirm_account_proposal(&call.actor, id, &c.reason, &call.ctx)
        .await?;
    Ok(Json(Confirmed { password_part }))
}

/// Reject another administrator's proposal, with a reason; nothing changes.
#[utoipa::path(post, path = "/api/account-proposals/{id}/reject", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reject_proposal(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<StatusCode, ApiError> {
    call.app
        .reject_account_proposal(&call.actor, id, &r.reason, &call.ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable an account (system admin).
#[utoipa::path(post, path = "/api/users/{id}/disable", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn disable_user(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<StatusCode, ApiError> {
    call.app
        .account_action(&call.actor, id, AccountAction::Disable, &r.reason, &call.ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enable a disabled account (system admin).
#[utoipa::path(post, path = "/api/users/{id}/enable", tag = "accounts", security(("bearer" = [])), request_body = Reason,
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn enable_user(
    call: ApiCall,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<StatusCode, ApiError> {
    call.app
        .account_action(&call.actor, id, AccountAction::Enable, &r.reason, &call.ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
