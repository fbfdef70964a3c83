//! Accounts: list, create (system admin), unlock / reset / roles (security admin),
//! disable and enable (system admin). Every action with a reason is audited.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use yincai_app::accounts::{AccountAction, CreateUser, UserView};
use yincai_app::clock::format_beijing;
use yincai_app::{AppError, FieldError, OrgKind, Permission, Role};
use yincai_store::{OrgQuery, OrgRow, UserQuery};

use super::{Pager, Paging, field_error, form_status, render, render_with};
use crate::auth::{Ctx, Form, PageUser};
use crate::layout::Layout;
use crate::{AppState, PageError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{id}", get(show))
        .route("/admin/users/{id}/roles", post(set_roles))
        .route("/admin/users/{id}/{action}", post(account_action))
}

struct RoleOption {
    code: &'static str,
    name: &'static str,
}

fn role_options() -> Vec<RoleOption> {
    Role::ALL
        .iter()
        .map(|r| RoleOption {
            code: r.code(),
            name: r.name_zh(),
        })
        .collect()
}

fn role_names(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| Role::parse(c).map_or(c.as_str(), |r| r.name_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

struct UserLine {
    id: i64,
    username: String,
    display_name: String,
    roles: String,
    status: &'static str,
}

fn status_of(u: &UserView) -> &'static str {
    if u.user.disabled {
        "已停用"
    } else if u.locked {
        "已锁定"
    } else if u.user.must_change_password {
        "待首次改密"
    } else {
        "正常"
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    #[serde(flatten)]
    paging: Paging,
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<UserLine>,
    roles: Vec<RoleOption>,
    role: String,
    q: String,
    pager: Pager,
    can_create: bool,
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let q = query.q.unwrap_or_default();
    let role = query.role.unwrap_or_default();
    let page = state
        .app
        .users(
            &user.actor,
            &UserQuery {
                text: Some(q.clone()),
                role: Some(role.clone()).filter(|r| !r.is_empty()),
                offset: query.paging.offset(),
                limit: query.paging.limit(),
                ..Default::default()
            },
        )
        .await?;
    let pager = Pager::new(page.total, &query.paging, &[("q", &q), ("role", &role)]);
    let rows = page
        .rows
        .iter()
        .map(|u| UserLine {
            id: u.user.id,
            username: u.user.username.clone(),
            display_name: u.user.display_name.clone(),
            roles: role_names(&u.roles),
            status: status_of(u),
        })
        .collect();
    Ok(render(&ListPage {
        can_create: user.actor.has(Permission::UserManage),
        layout: Layout::new("账号", Some(&user.actor), "/admin/users"),
        rows,
        roles: role_options(),
        role,
        q,
        pager,
    }))
}

#[derive(Template)]
#[template(path = "user_detail.html")]
struct DetailPage {
    layout: Layout,
    user: UserView,
    org_name: String,
    roles: String,
    status: &'static str,
    locked_until: String,
    created: String,
    can_secure: bool,
    can_manage: bool,
    role_options: Vec<RoleOption>,
    /// A one-time password just issued, shown once.
    one_time_password: String,
    notice: String,
    errors: Vec<FieldError>,
}

impl DetailPage {
    fn has_role(&self, code: &&str) -> bool {
        self.user.roles.iter().any(|r| r == code)
    }
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
}

async fn detail(
    state: &AppState,
    user: &PageUser,
    id: i64,
    one_time_password: String,
    notice: &str,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let target = state.app.user(&user.actor, id).await?;
    let org_name = state
        .app
        .store
        .begin_read()
        .await?
        .org(target.user.org_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let status = form_status(&errors);
    Ok(render_with(
        status,
        &DetailPage {
            layout: Layout::new(
                format!("账号 {}", target.user.username),
                Some(&user.actor),
                "/admin/users",
            ),
            org_name,
            roles: role_names(&target.roles),
            status: status_of(&target),
            locked_until: target
                .user
                .locked_until
                .filter(|_| target.locked)
                .map(format_beijing)
                .unwrap_or_default(),
            created: format_beijing(target.user.created_at),
            can_secure: user.actor.has(Permission::UserSecurity),
            can_manage: user.actor.has(Permission::UserManage),
            role_options: role_options(),
            user: target,
            one_time_password,
            notice: notice.into(),
            errors,
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
struct DetailQuery {
    ok: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let notice = match q.ok.as_deref() {
        Some("user_unlocked") => "已解锁",
        Some("roles") => "角色已更新，该账号需重新登录",
        Some("user_disabled") => "账号已停用",
        Some("user_enabled") => "账号已启用",
        _ => "",
    };
    detail(&state, &user, id, String::new(), notice, vec![]).await
}

#[derive(Debug, Default, serde::Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// Renders the outcome of a reasoned action: a missing reason re-renders the page with
/// the message; a reset shows its one-time password once.
async fn reasoned(
    state: &AppState,
    user: &PageUser,
    id: i64,
    result: Result<Option<String>, AppError>,
    ok_code: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(Some(one_time)) => {
            let notice = "密码已重置：请将下方一次性密码当面或通过安全渠道告知本人";
            detail(state, user, id, one_time, notice, vec![]).await
        }
        Ok(None) => Ok(Redirect::to(&format!("/admin/users/{id}?ok={ok_code}")).into_response()),
        Err(e) if !e.field_errors().is_empty() => detail(state, user, id, String::new(), "", e.field_errors()).await,
        Err(e) => Err(e.into()),
    }
}

/// `/admin/users/{id}/unlock | reset-password | disable | enable`
async fn account_action(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: PageUser,
    Path((id, slug)): Path<(i64, String)>,
    form: Form<ReasonForm>,
) -> Result<Response, PageError> {
    if let Err(r) = user.check_csrf(&form.csrf) {
        return Ok(r);
    }
    let Some(action) = AccountAction::from_slug(&slug) else {
        return Ok(super::not_found().await);
    };
    let result = state
        .app
        .account_action(&user.actor, id, action, &form.value.reason, &ctx)
        .await;
    reasoned(&state, &user, id, result, action.code()).await
}

async fn set_roles(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: PageUser,
    Path(id): Path<i64>,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> Result<Response, PageError> {
    // Checkboxes repeat the `roles` key, which only a list of pairs can hold.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if let Err(r) = user.check_csrf(&get("_csrf")) {
        return Ok(r);
    }
    let roles: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "roles")
        .map(|(_, v)| v.clone())
        .collect();
    let result = state
        .app
        .set_user_roles(&user.actor, id, &roles, &get("reason"), &ctx)
        .await
        .map(|_| None);
    reasoned(&state, &user, id, result, "roles").await
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct NewUserPage {
    layout: Layout,
    form: NewUserForm,
    orgs: Vec<OrgRow>,
    roles: Vec<RoleOption>,
    errors: Vec<FieldError>,
    /// After creation: the new account and its one-time password, shown once.
    created_username: String,
    one_time_password: String,
}

impl NewUserPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
    fn org_is(&self, id: &i64) -> bool {
        self.form.org_id == id.to_string()
    }
    fn role_checked(&self, code: &&str) -> bool {
        self.form.roles.iter().any(|r| r == code)
    }
}

#[derive(Debug, Default, Clone)]
struct NewUserForm {
    username: String,
    display_name: String,
    org_id: String,
    roles: Vec<String>,
}

async fn new_user_page(
    state: &AppState,
    user: &PageUser,
    form: NewUserForm,
    errors: Vec<FieldError>,
    created: (String, String),
) -> Result<Response, PageError> {
    user.actor.require(Permission::UserManage)?;
    let orgs = state
        .app
        .store
        .begin_read()
        .await?
        .orgs(&OrgQuery {
            limit: 2000,
            ..Default::default()
        })
        .await?
        .rows
        .into_iter()
        .filter(|o| o.kind != OrgKind::Public.code())
        .collect();
    let status = form_status(&errors);
    Ok(render_with(
        status,
        &NewUserPage {
            layout: Layout::new("新建账号", Some(&user.actor), "/admin/users"),
            form,
            orgs,
            roles: role_options(),
            errors,
            created_username: created.0,
            one_time_password: created.1,
        },
    ))
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    new_user_page(&state, &user, NewUserForm::default(), vec![], Default::default()).await
}

async fn create(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    user: PageUser,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> Result<Response, PageError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if let Err(r) = user.check_csrf(&get("_csrf")) {
        return Ok(r);
    }
    let form = NewUserForm {
        username: get("username"),
        display_name: get("display_name"),
        org_id: get("org_id"),
        roles: pairs
            .iter()
            .filter(|(k, _)| k == "roles")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    let Ok(org_id) = form.org_id.trim().parse::<i64>() else {
        let errors = vec![FieldError::new("org_id", "所属机构：请选择一个机构")];
        return new_user_page(&state, &user, form, errors, Default::default()).await;
    };
    let input = CreateUser {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        org_id,
        roles: form.roles.clone(),
    };
    match state.app.create_user(&user.actor, &input, &ctx).await {
        Ok((_, password)) => {
            new_user_page(
                &state,
                &user,
                NewUserForm::default(),
                vec![],
                (input.username, password),
            )
            .await
        }
        Err(e) if !e.field_errors().is_empty() => {
            new_user_page(&state, &user, form, e.field_errors(), Default::default()).await
        }
        Err(e) => Err(e.into()),
    }
}
