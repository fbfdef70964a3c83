//! Accounts: list, create without roles (system admin), proposals to unlock / reset / change
//! roles (security admin) confirmed or rejected by another administrator (双人复核, ADR 0009),
//! disable and enable (system admin). Every action with a reason is audited.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use yincai_app::accounts::{AccountAction, CreateUser, ProposalKind, ProposalView, UserView};
use yincai_app::clock::format_beijing;
use yincai_app::{AppError, FieldError, OrgKind, Permission, Role};
use yincai_store::{OrgQuery, OrgRow, UserQuery};

use crate::auth::{Form, PageCall};
use crate::layout::Layout;
use crate::pages::{FieldErrors, Pager, Paging, after_submit, form_status, render, render_with};
use crate::{AppState, PageResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{id}", get(show))
        .route("/admin/users/{id}/roles", post(set_roles))
        .route("/admin/users/{id}/{action}", post(account_action))
        .route("/admin/proposals/{pid}/{decision}", post(decide))
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
    /// `locked`: only accounts locked now.
    status: Option<String>,
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
    locked_only: bool,
    /// Accounts locked now (the security admin's attention).
    locked_count: i64,
    /// Every pending proposal (双人复核).
    pending: Vec<ProposalView>,
}

async fn list(call: PageCall, Query(query): Query<ListQuery>) -> PageResult {
    let q = query.q.unwrap_or_default();
    let role = query.role.unwrap_or_default();
    let status = query.status.unwrap_or_default();
    let locked_only = status == "locked";
    let now = call.app.now();
    let page = call
        .app
        .users(
            &call.actor,
            &UserQuery {
                text: Some(q.clone()),
                role: Some(role.clone()).filter(|r| !r.is_empty()),
                locked_at: locked_only.then_some(now),
                offset: query.paging.offset(),
                limit: query.paging.limit(),
                ..Default::default()
            },
        )
        .await?;
    let locked_count = call
        .app
        .users(
            &call.actor,
            &UserQuery {
                locked_at: Some(now),
                limit: 1,
                ..Default::default()
            },
        )
        .await?
        .total;
    let pending = call.app.account_proposals(&call.actor, None).await?;
    let pager = Pager::new(
        page.total,
        &query.paging,
        &[("q", &q), ("role", &role), ("status", &status)],
    );
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
        can_create: call.actor.has(Permission::UserManage),
        layout: call.layout("账号", "/admin/users"),
        rows,
        roles: role_options(),
        role,
        q,
        pager,
        locked_only,
        locked_count,
        pending,
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
    /// May propose (security admin) on this account: not on one's own.
    can_propose: bool,
    can_manage: bool,
    role_options: Vec<RoleOption>,
    /// One half of a one-time password just issued, shown once to this administrator.
    password_part: String,
    /// Which half: 前半段 (proposer) or 后半段 (confirmer).
    part_label: &'static str,
    notice: String,
    errors: FieldErrors,
    /// Proposals on this account, newest first.
    proposals: Vec<ProposalView>,
    viewer_id: i64,
    can_confirm: bool,
}

impl DetailPage {
    fn has_role(&self, code: &&str) -> bool {
        self.user.roles.iter().any(|r| r == code)
    }
    /// Whether the viewer may confirm or reject this proposal: pending, someone else's,
    /// not about the viewer's own account.
    fn may_decide(&self, p: &&ProposalView) -> bool {
        self.can_confirm
            && p.row.status == "pending"
            && p.row.proposed_by != self.viewer_id
            && p.row.user_id != self.viewer_id
    }
    fn status_zh(&self, p: &&ProposalView) -> &'static str {
        match p.row.status.as_str() {
            "pending" => "待复核",
            "confirmed" => "已复核生效",
            "rejected" => "已驳回",
            _ => "",
        }
    }
    fn when(&self, ms: &i64) -> String {
        format_beijing(*ms)
    }
    fn decided(&self, p: &&ProposalView) -> String {
        p.row.decided_at.map(format_beijing).unwrap_or_default()
    }
}

/// What the detail page shows besides the account: a notice, a password half, errors.
#[derive(Default)]
struct Outcome {
    notice: String,
    password_part: String,
    part_label: &'static str,
    errors: FieldErrors,
    status: Option<axum::http::StatusCode>,
}

async fn detail(call: &PageCall, id: i64, outcome: Outcome) -> PageResult {
    let target = call.app.user(&call.actor, id).await?;
    let org_name = call
        .app
        .store
        .begin_read()
        .await?
        .org(target.user.org_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let proposals = call.app.account_proposals(&call.actor, Some(id)).await?;
    let status = outcome.status.unwrap_or_else(|| form_status(&outcome.errors));
    Ok(render_with(
        status,
        &DetailPage {
            layout: call.layout(format!("账号：{}", target.user.display_name), "/admin/users"),
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
            can_propose: call.actor.has(Permission::UserSecurity) && id != call.actor.user_id,
            can_manage: call.actor.has(Permission::UserManage),
            role_options: role_options(),
            user: target,
            password_part: outcome.password_part,
            part_label: outcome.part_label,
            notice: outcome.notice,
            errors: outcome.errors,
            proposals,
            viewer_id: call.actor.user_id,
            can_confirm: call.actor.has(Permission::UserConfirm),
        },
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
struct DetailQuery {
    ok: Option<String>,
}

async fn show(call: PageCall, Path(id): Path<i64>, Query(q): Query<DetailQuery>) -> PageResult {
    let notice = match q.ok.as_deref() {
        Some("created") => {
            "账号已创建：没有任何角色，也没有可用的密码。请由安全管理员提出“调整角色”和“重置密码”（发放初始密码）申请，经另一名管理员复核后生效"
        }
        Some("proposed") => "申请已提交，须由另一名安全管理员或系统管理员复核后才生效",
        Some("confirmed") => "已复核，变更已生效；该账号的登录会话已按需结束",
        Some("rejected") => "已驳回该申请，账号未作任何变更",
        Some("user_disabled") => "账号已停用",
        Some("user_enabled") => "账号已启用",
        _ => "",
    };
    let outcome = Outcome {
        notice: notice.into(),
        ..Default::default()
    };
    detail(&call, id, outcome).await
}

#[derive(Debug, Default, serde::Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// Shows a refusal on the account's page, in Chinese, with the error's status.
async fn refused(call: &PageCall, id: i64, e: AppError) -> PageResult {
    let errors = match e.field_errors() {
        errors if !errors.is_empty() => errors,
        _ => vec![FieldError::new("", e.to_string())],
    };
    let status = crate::error::status_of(&e);
    if matches!(
        e,
        AppError::NotFound(_) | AppError::Internal(_) | AppError::PasswordChangeRequired
    ) {
        return Err(e.into());
    }
    let outcome = Outcome {
        errors: errors.into(),
        status: Some(status),
        ..Default::default()
    };
    detail(call, id, outcome).await
}

/// `/admin/users/{id}/unlock | reset-password | disable | enable`: disabling and enabling
/// take effect at once; unlocking and resetting are proposals for another administrator.
async fn account_action(call: PageCall, Path((id, slug)): Path<(i64, String)>, form: Form<ReasonForm>) -> PageResult {
    if let Some(action) = AccountAction::from_slug(&slug) {
        return match call
            .app
            .account_action(&call.actor, id, action, &form.value.reason, &call.ctx)
            .await
        {
            Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?ok={}", action.code())).into_response()),
            Err(e) => refused(&call, id, e).await,
        };
    }
    match ProposalKind::from_slug(&slug) {
        Some(kind @ (ProposalKind::Unlock | ProposalKind::ResetPassword)) => {
            let result = call
                .app
                .propose_account_change(&call.actor, id, kind, &[], &form.value.reason, &call.ctx)
                .await;
            proposed(&call, id, result).await
        }
        _ => Ok(crate::pages::not_found().await),
    }
}

/// After a proposal: a reset shows the proposer's half of the password once.
async fn proposed(call: &PageCall, id: i64, result: Result<(i64, Option<String>), AppError>) -> PageResult {
    match result {
        Ok((_, Some(part))) => {
            let outcome = Outcome {
                notice: "重置密码申请已提交，须由另一名管理员复核。下方是一次性密码的前半段，仅显示这一次：请当面或通过安全渠道交给本人；后半段由复核人交给本人，两段连在一起即为一次性密码".into(),
                password_part: part,
                part_label: "前半段",
                ..Default::default()
            };
            detail(call, id, outcome).await
        }
        Ok((_, None)) => Ok(Redirect::to(&format!("/admin/users/{id}?ok=proposed")).into_response()),
        Err(e) => refused(call, id, e).await,
    }
}

/// The first value of `name` in a form read as pairs (the role checkboxes repeat their key), or "".
fn first_value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

async fn set_roles(call: PageCall, Path(id): Path<i64>, form: Form<Vec<(String, String)>>) -> PageResult {
    // Checkboxes repeat the `roles` key, which only a list of pairs can hold.
    let pairs = form.value;
    let get = |k: &str| first_value(&pairs, k);
    let roles: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "roles")
        .map(|(_, v)| v.clone())
        .collect();
    let result = call
        .app
        .propose_account_change(&call.actor, id, ProposalKind::Roles, &roles, &get("reason"), &call.ctx)
        .await;
    proposed(&call, id, result).await
}

/// `/admin/proposals/{pid}/confirm | reject`: another administrator decides.
async fn decide(call: PageCall, Path((pid, decision)): Path<(i64, String)>, form: Form<ReasonForm>) -> PageResult {
    let proposal = call.app.store.begin_read().await?.account_proposal(pid).await?;
    let (Some(proposal), true) = (proposal, call.actor.has(Permission::UserConfirm)) else {
        call.actor.require(Permission::UserConfirm)?;
        return Ok(crate::pages::not_found().await);
    };
    let id = proposal.user_id;
    match decision.as_str() {
        "confirm" => match call
            .app
            .confirm_account_proposal(&call.actor, pid, &form.value.reason, &call.ctx)
            .await
        {
            Ok(Some(part)) => {
                let outcome = Outcome {
                    notice: "已复核，密码已重置，该账号的登录会话已结束。下方是一次性密码的后半段，仅显示这一次：请当面或通过安全渠道交给本人；本人将申请人交付的前半段与此后半段连在一起登录，并须立即修改密码".into(),
                    password_part: part,
                    part_label: "后半段",
                    ..Default::default()
                };
                detail(&call, id, outcome).await
            }
            Ok(None) => Ok(Redirect::to(&format!("/admin/users/{id}?ok=confirmed")).into_response()),
            Err(e) => refused(&call, id, e).await,
        },
        "reject" => match call
            .app
            .reject_account_proposal(&call.actor, pid, &form.value.reason, &call.ctx)
            .await
        {
            Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?ok=rejected")).into_response()),
            Err(e) => refused(&call, id, e).await,
        },
        _ => Ok(crate::pages::not_found().await),
    }
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct NewUserPage {
    layout: Layout,
    form: NewUserForm,
    orgs: Vec<OrgRow>,
    errors: FieldErrors,
}

impl NewUserPage {
    fn org_is(&self, id: &i64) -> bool {
        self.form.org_id == id.to_string()
    }
}

#[derive(Debug, Default, Clone)]
struct NewUserForm {
    username: String,
    display_name: String,
    org_id: String,
    /// Posted roles are refused (an account is created without roles); kept to say so.
    roles: Vec<String>,
}

async fn new_user_page(call: &PageCall, form: NewUserForm, errors: FieldErrors) -> PageResult {
    call.actor.require(Permission::UserManage)?;
    let orgs = call
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
            layout: call.layout("新建账号", "/admin/users"),
            form,
            orgs,
            errors,
        },
    ))
}

async fn new_form(call: PageCall) -> PageResult {
    new_user_page(&call, NewUserForm::default(), FieldErrors::default()).await
}

async fn create(call: PageCall, form: Form<Vec<(String, String)>>) -> PageResult {
    let pairs = form.value;
    let get = |k: &str| first_value(&pairs, k);
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
        return new_user_page(&call, form, errors.into()).await;
    };
    let input = CreateUser {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        org_id,
        roles: form.roles.clone(),
    };
    let result = call.app.create_user(&call.actor, &input, &call.ctx).await;
    after_submit(
        result,
        |id| format!("/admin/users/{id}?ok=created"),
        |errors| new_user_page(&call, form, errors),
    )
    .await
}
