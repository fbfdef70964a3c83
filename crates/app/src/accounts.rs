//! Accounts: login with lockout, sessions with idle and absolute timeouts, passwords,
//! self-registration of applicants, and account administration: the system admin creates
//! accounts without roles; role changes, password resets and unlocks are proposed by the
//! security admin and confirmed by another administrator (双人复核, ADR 0009).

use serde::Serialize;
use yincai_domain::crypto::{random_token, token_digest};
use yincai_domain::password::check_strength;
use yincai_domain::roles::check_role_set;
use yincai_domain::{OrgKind, Role};
use yincai_store::{
    AccountProposalRow, NewAccountProposal, NewAudit, NewTask, NewUser, Page, SessionRow, Tx, UserQuery, UserRow,
};

use crate::clock::format_beijing;
use crate::{Actor, App, AppError, FieldError, Permission, RequestCtx, Result, passwords};

/// After this many wrong passwords in a row the account is locked...
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// ...for this long.
pub const LOCK_MINUTES: i64 = 30;
/// A session ends this long after its login, however active it is (等保: absolute lifetime).
pub const SESSION_MAX_HOURS: i64 = 12;
/// A session's last-seen time is written at most this often.
const TOUCH_EVERY_MS: i64 = 60_000;

const UNIQUE_USERNAME: (&str, &str, &str) = ("users.username", "username", "用户名：已被使用，请换一个");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session (cookie + CSRF token).
    Web,
    /// A bearer token for the JSON API.
    Api,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// Administrative actions one administrator takes alone; each needs a reason. What could
/// hand someone an account (roles, passwords, unlocking) is a [`ProposalKind`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    /// System admin: the account can no longer log in; its sessions end.
    Disable,
    /// System admin: the account can log in again.
    Enable,
}

impl AccountAction {
    /// The action's code in URLs and the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            AccountAction::Disable => "user_disabled",
            AccountAction::Enable => "user_enabled",
        }
    }

    /// Parses the last segment of `/admin/users/{id}/{action}`.
    pub fn from_slug(slug: &str) -> Option<AccountAction> {
        match slug {
            "disable" => Some(AccountAction::Disable),
            "enable" => Some(AccountAction::Enable),
            _ => None,
        }
    }

    fn verb_zh(self) -> &'static str {
        match self {
            AccountAction::Disable => "停用",
            AccountAction::Enable => "启用",
        }
    }
}

/// A change to an account that takes two administrators (双人复核, ADR 0009): the security
/// admin proposes, another administrator (security or system admin) confirms or rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// Replace the account's roles (granting a business role, any role change).
    Roles,
    /// A new one-time password, in two halves: the proposer's and the confirmer's.
    ResetPassword,
    /// Lift a lockout.
    Unlock,
}

impl ProposalKind {
    pub fn code(self) -> &'static str {
        match self {
            ProposalKind::Roles => "roles",
            ProposalKind::ResetPassword => "reset_password",
            ProposalKind::Unlock => "unlock",
        }
    }

    pub fn parse(code: &str) -> Option<ProposalKind> {
        [ProposalKind::Roles, ProposalKind::ResetPassword, ProposalKind::Unlock]
            .into_iter()
            .find(|k| k.code() == code)
    }

    /// Parses the last segment of `/admin/users/{id}/{action}` (`reset-password`, `unlock`, `roles`).
    pub fn from_slug(slug: &str) -> Option<ProposalKind> {
        ProposalKind::parse(&slug.replace('-', "_"))
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ProposalKind::Roles => "调整角色",
            ProposalKind::ResetPassword => "重置密码",
            ProposalKind::Unlock => "解锁",
        }
    }
}

/// One half of a one-time password: the proposer's are the first eight characters, the
/// confirmer's the last eight. The user types them together.
pub const PASSWORD_PART_LEN: usize = 8;

/// A proposal with the names people read.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    #[serde(flatten)]
    pub row: AccountProposalRow,
    pub username: String,
    pub kind_zh: &'static str,
    /// For a role change: the proposed roles in Chinese (or “无角色”).
    pub roles_zh: String,
    pub proposer: String,
    pub decider: String,
}

/// What a user is shown at login: when the password was last set (changed or reset) and
/// the last successful login before the current one (epoch ms).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct LoginInfo {
    pub password_changed_at: Option<i64>,
    pub previous_login_at: Option<i64>,
}

impl LoginInfo {
    /// The facts in words, for the workbench and the login answer.
    pub fn notice_zh(&self) -> String {
        let last = self
            .previous_login_at
            .map_or("无（这是首次登录）".to_string(), format_beijing);
        let changed = self.password_changed_at.map_or("从未修改".to_string(), format_beijing);
        format!("上次登录：{last}；密码最近一次修改或重置：{changed}。如非本人操作，请立即修改密码并联系安全管理员")
    }
}

fn roles_zh(codes: &str) -> String {
    let names: Vec<_> = codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| Role::parse(c).map_or(c, |r| r.name_zh()))
        .collect();
    if names.is_empty() {
        "无角色".into()
    } else {
        names.join("、")
    }
}

/// What a successful login hands back: the token (shown once, stored only as a digest).
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: String,
    pub actor: Actor,
}

/// A user account as the admin pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    #[serde(flatten)]
    pub user: UserRow,
    pub roles: Vec<String>,
    pub locked: bool,
}

/// Input for creating an account (system admin).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub roles: Vec<String>,
}

/// Input of the public registration form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Registration {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

fn anonymous_audit(
    app: &App,
    ctx: &RequestCtx,
    action: &str,
    username: &str,
    summary: String,
    result: &str,
) -> NewAudit {
    NewAudit {
        at: app.now(),
        actor_id: None,
        actor_name: username.into(),
        actor_role: String::new(),
        action: action.into(),
        object_type: "user".into(),
        object_id: username.into(),
        summary,
        reason: String::new(),
        request_id: ctx.request_id.clone(),
        result: result.into(),
    }
}

fn check_username(username: &str) -> Option<FieldError> {
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '@'));
    let len = username.chars().count();
    if !(3..=32).contains(&len) || !ok_chars {
        return Some(FieldError::new(
            "username",
            "用户名：3-32 位，只能使用字母、数字和 _ . - @，请修改",
        ));
    }
    None
}

fn check_display_name(name: &str) -> Option<FieldError> {
    let len = name.trim().chars().count();
    if len == 0 || len > 50 {
        return Some(FieldError::new("display_name", "姓名：必填，最多 50 个字，请填写"));
    }
    None
}

fn parse_roles(codes: &[String]) -> Result<Vec<Role>> {
    codes
        .iter()
        .map(|c| {
            Role::parse(c.trim())
                .ok_or_else(|| AppError::invalid("roles", format!("角色：未知的角色代码“{c}”，请从列表中选择")))
        })
        .collect()
}

impl App {
    /// Loads the actor of a user id (with roles and organisation).
    pub(crate) async fn load_actor(&self, tx: &mut Tx, user: &UserRow, csrf_token: String) -> Result<Actor> {
        let org = tx
            .org(user.org_id)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("user without organisation")))?;
        let roles = tx
            .user_roles(user.id)
            .await?
            .iter()
            .filter_map(|c| Role::parse(c))
            .collect();
        Ok(Actor {
            user_id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            org_id: org.id,
            org_name: org.name,
            org_kind: OrgKind::parse(&org.kind).unwrap_or(OrgKind::Public),
            roles,
            must_change_password: user.must_change_password,
            csrf_token,
        })
    }

    /// Checks a user name and password. Five wrong passwords in a row lock the account
    /// for 30 minutes; while locked even the right password is refused.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        kind: SessionKind,
        ctx: &RequestCtx,
    ) -> Result<LoginOutcome> {
        let username = username.trim();
        let mut missing = Vec::new();
        if username.is_empty() {
            missing.push(FieldError::new("username", "用户名：必填，请输入"));
        }
        if password.is_empty() {
            missing.push(FieldError::new("password", "密码：必填，请输入"));
        }
        if !missing.is_empty() {
            return Err(AppError::Invalid(missing));
        }
        // Verify outside the write transaction: argon2 takes tens of milliseconds and
        // SQLite has one writer.
        let user = self.store.begin_read().await?.user_by_username(username).await?;
        let password_ok = passwords::verify(
            password,
            user.as_ref().map_or(passwords::DUMMY_HASH, |u| &u.password_hash),
        )
        .await;

        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let refusal =
            |action: &'static str, summary: String| anonymous_audit(self, ctx, action, username, summary, "refused");
        let Some(user) = (match user {
            Some(u) => tx.user(u.id).await?,
            None => None,
        }) else {
            tx.append_audit(&refusal("login_failed", "未知用户名登录失败".into()))
                .await?;
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        };
        // Whether an account exists, is disabled or is locked is told only to whoever knows
        // its password: to anyone else every refusal reads "用户名或密码错误" (issue 9, F7).
        let locked_until = user.locked_until.filter(|until| *until > now);
        let barred = if user.disabled {
            Some(("账号已停用", AppError::Disabled))
        } else {
            locked_until.map(|until| {
                let until = format_beijing(until);
                ("账号锁定期间尝试登录", AppError::Locked { until })
            })
        };
        if let Some((summary, error)) = barred {
            let (action, summary, error) = if password_ok {
                ("login_refused", summary.to_string(), error)
            } else {
                (
                    "login_failed",
                    format!("{summary}，且密码错误"),
                    AppError::BadCredentials,
                )
            };
            tx.append_audit(&refusal(action, summary)).await?;
            tx.commit().await?;
            return Err(error);
        }
        if !password_ok {
            let lock_until = now + LOCK_MINUTES * 60_000;
            let (failures, locked_until) = tx
                .record_login_failure(user.id, LOCK_AFTER_FAILURES, lock_until, now)
                .await?;
            let now_locked = locked_until == Some(lock_until);
            let summary = if now_locked {
                format!(
                    "连续 {LOCK_AFTER_FAILURES} 次密码错误，账号锁定至 {}",
                    format_beijing(lock_until)
                )
            } else {
                format!("密码错误（连续第 {failures} 次）")
            };
            tx.append_audit(&refusal(
                if now_locked { "account_locked" } else { "login_failed" },
                summary,
            ))
            .await?;
            // A lock stops new logins only: the failures may be anyone's, so the account's
            // live sessions stay (nobody can end a leader's session by guessing at her name),
            // and the caller is not told (the security administrator is, by a task).
            if now_locked {
                tx.insert_task(
                    &NewTask {
                        kind: "account_locked".into(),
                        title: format!("账号 {} 因连续密码错误被锁定，请核实后决定是否解锁", user.username),
                        link: format!("/admin/users/{}", user.id),
                        role: Some(Role::SecAdmin.code().into()),
                        org_id: None,
                        user_id: None,
                        object_type: "user".into(),
                        object_id: user.id.to_string(),
                        due_date: None,
                    },
                    now,
                )
                .await?;
            }
            tx.commit().await?;
            return Err(AppError::BadCredentials);
        }

        tx.record_login_success(user.id, now).await?;
        let token = random_token(32);
        let csrf = random_token(24);
        tx.insert_session(&SessionRow {
            token_digest: token_digest(&token),
            user_id: user.id,
            kind: kind.code().into(),
            csrf_token: csrf.clone(),
            created_at: now,
            last_seen_at: now,
        })
        .await?;
        let actor = self.load_actor(&mut tx, &user, csrf).await?;
        let audit = self.audit_by(
            &actor,
            ctx,
            "login",
            ("user", user.id.to_string()),
            format!("登录成功（{}）", kind.code()),
        );
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(LoginOutcome { token, actor })
    }

    /// Resolves a session token to its actor, enforcing the idle timeout
    /// (15 minutes for staff, 30 for applicants) and the absolute lifetime
    /// ([`SESSION_MAX_HOURS`] after login, whatever the activity).
    pub async fn authenticate(&self, token: &str) -> Result<Actor> {
        let digest = token_digest(token);
        let now = self.now();
        let mut tx = self.store.begin_read().await?;
        let session = tx.session(&digest).await?.ok_or(AppError::Unauthenticated)?;
        let user = tx.user(session.user_id).await?.ok_or(AppError::Unauthenticated)?;
        let actor = self.load_actor(&mut tx, &user, session.csrf_token.clone()).await?;
        drop(tx);
        if user.disabled {
            return Err(AppError::Disabled);
        }
        let idle_minutes = actor.roles.iter().map(|r| r.idle_timeout_minutes()).min().unwrap_or(15);
        let too_old = now - session.created_at > SESSION_MAX_HOURS * 3_600_000;
        if too_old || now - session.last_seen_at > idle_minutes * 60_000 {
            let mut tx = self.store.begin_write().await?;
            tx.delete_session(&digest).await?;
            tx.commit().await?;
            return Err(if too_old {
                AppError::SessionExpired {
                    minutes: SESSION_MAX_HOURS * 60,
                    absolute: true,
                }
            } else {
                AppError::SessionExpired {
                    minutes: idle_minutes,
                    absolute: false,
                }
            });
        }
        if now - session.last_seen_at > TOUCH_EVERY_MS {
            let mut tx = self.store.begin_write().await?;
            tx.touch_session(&digest, now).await?;
            tx.commit().await?;
        }
        Ok(actor)
    }

    pub async fn logout(&self, actor: &Actor, token: &str, ctx: &RequestCtx) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        if tx.delete_session(&token_digest(token)).await? {
            tx.append_audit(&self.audit_by(
                actor,
                ctx,
                "logout",
                ("user", actor.user_id.to_string()),
                "退出登录".into(),
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Changes one's own password; the account's other sessions end, the one of `token`
    /// (where the change is made) stays.
    pub async fn change_password(
        &self,
        actor: &Actor,
        token: &str,
        current: &str,
        new: &str,
        confirm: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let mut errors = Vec::new();
        if let Err(e) = check_strength(new, &actor.username) {
            errors.push(FieldError::new(
                "new_password",
                e.to_string().replacen("密码", "新密码", 1),
            ));
        }
        if new != confirm {
            errors.push(FieldError::new(
                "new_password_confirm",
                "确认新密码：与新密码不一致，请重新输入",
            ));
        }
        if new == current && errors.is_empty() {
            errors.push(FieldError::new("new_password", "新密码：不能与当前密码相同，请换一个"));
        }
        let user = self
            .store
            .begin_read()
            .await?
            .user(actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !passwords::verify(current, &user.password_hash).await {
            errors.insert(0, FieldError::new("current_password", "当前密码：不正确，请重新输入"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let hash = passwords::hash(new).await?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        tx.set_password(actor.user_id, &hash, false, now).await?;
        let ended = tx.delete_other_sessions(actor.user_id, &token_digest(token)).await?;
        tx.append_audit(&self.audit_by(
            actor,
            ctx,
            "password_changed",
            ("user", actor.user_id.to_string()),
            format!("修改本人密码，结束其他 {ended} 个登录会话"),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Public self-registration of an applicant (人才/申请人).
    pub async fn register(&self, form: &Registration, ctx: &RequestCtx) -> Result<i64> {
        let username = form.username.trim();
        let mut errors: Vec<FieldError> = [check_username(username), check_display_name(&form.display_name)]
            .into_iter()
            .flatten()
            .collect();
        if let Err(e) = check_strength(&form.password, username) {
            errors.push(FieldError::new("password", e.to_string()));
        }
        if form.password != form.password_confirm {
            errors.push(FieldError::new(
                "password_confirm",
                "确认密码：与密码不一致，请重新输入",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let hash = passwords::hash(&form.password).await?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let public = tx
            .org_by_name("社会公众")
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("public organisation missing")))?;
        let id = tx
            .insert_user(
                &NewUser {
                    username: username.into(),
                    display_name: form.display_name.trim().into(),
                    org_id: public.id,
                    password_hash: hash,
                    must_change_password: false,
                    roles: vec![Role::Talent.code().into()],
                },
                now,
            )
            .await
            .map_err(|e| AppError::from_store(e, &[UNIQUE_USERNAME]))?;
        let mut audit = anonymous_audit(
            self,
            ctx,
            "register",
            username,
            format!("申请人自助注册：{}", form.display_name.trim()),
            "ok",
        );
        audit.actor_id = Some(id);
        audit.actor_role = Role::Talent.code().into();
        audit.object_id = id.to_string();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a staff account (system admin) with no role and no usable password: roles
    /// come only by a confirmed role proposal, the first password by a confirmed reset
    /// (ADR 0009). Applicants register themselves; an account of 社会公众 is not created here.
    pub async fn create_user(&self, actor: &Actor, input: &CreateUser, ctx: &RequestCtx) -> Result<i64> {
        actor.require(Permission::UserManage)?;
        let username = input.username.trim();
        let mut errors: Vec<FieldError> = [check_username(username), check_display_name(&input.display_name)]
            .into_iter()
            .flatten()
            .collect();
        if input.roles.iter().any(|r| !r.trim().is_empty()) {
            errors.push(FieldError::new(
                "roles",
                "角色：系统管理员创建账号时不能授予任何角色；请创建后由安全管理员提出角色申请，经另一名管理员复核后生效",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        match tx.org(input.org_id).await? {
            None => errors.push(FieldError::new("org_id", "所属机构：请选择一个已有机构")),
            Some(org) if org.kind == OrgKind::Public.code() => errors.push(FieldError::new(
                "org_id",
                "所属机构：社会公众（申请人）的账号由本人自助注册，请选择工作人员所在的机构",
            )),
            Some(_) => {}
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        // Nobody knows this password: the first one is issued by a confirmed reset.
        let hash = passwords::hash(&random_token(32)).await?;
        let now = self.now();
        let id = tx
            .insert_user(
                &NewUser {
                    username: username.into(),
                    display_name: input.display_name.trim().into(),
                    org_id: input.org_id,
                    password_hash: hash,
                    must_change_password: true,
                    roles: Vec::new(),
                },
                now,
            )
            .await
            .map_err(|e| AppError::from_store(e, &[UNIQUE_USERNAME]))?;
        let summary = format!(
            "创建账号 {username}（{}），无角色；角色与初始密码须经安全管理员申请、另一名管理员复核",
            input.display_name.trim()
        );
        tx.append_audit(&self.audit_by(actor, ctx, "user_created", ("user", id.to_string()), summary))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// When one's password was last set and one's last login before this one.
    pub async fn login_info(&self, actor: &Actor) -> Result<LoginInfo> {
        let user = self
            .store
            .begin_read()
            .await?
            .user(actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        Ok(LoginInfo {
            password_changed_at: user.password_changed_at,
            previous_login_at: user.previous_login_at,
        })
    }

    pub async fn users(&self, actor: &Actor, q: &UserQuery) -> Result<Page<UserView>> {
        actor.require(Permission::UserRead)?;
        let now = self.now();
        let mut tx = self.store.begin_read().await?;
        let page = tx.users(q).await?;
        let mut rows = Vec::with_capacity(page.rows.len());
        for user in page.rows {
            let roles = tx.user_roles(user.id).await?;
            let locked = user.locked_until.is_some_and(|t| t > now);
            rows.push(UserView { user, roles, locked });
        }
        Ok(Page {
            rows,
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    pub async fn user(&self, actor: &Actor, id: i64) -> Result<UserView> {
        actor.require(Permission::UserRead)?;
        let now = self.now();
        let mut tx = self.store.begin_read().await?;
        let user = tx.user(id).await?.ok_or_else(|| AppError::NotFound("账号".into()))?;
        let roles = tx.user_roles(id).await?;
        let locked = user.locked_until.is_some_and(|t| t > now);
        Ok(UserView { user, roles, locked })
    }

    /// An action one administrator takes alone (disable, enable), always with a reason
    /// (recorded in the audit trail).
    pub async fn account_action(
        &self,
        actor: &Actor,
        id: i64,
        action: AccountAction,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::UserManage)?;
        let reason = require_reason(reason)?;
        if id == actor.user_id && action == AccountAction::Disable {
            return Err(AppError::Forbidden("不能停用本人账号".into()));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let user = tx.user(id).await?.ok_or_else(|| AppError::NotFound("账号".into()))?;
        match action {
            AccountAction::Disable => {
                tx.set_user_disabled(id, true, now).await?;
                tx.delete_user_sessions(id).await?;
            }
            AccountAction::Enable => tx.set_user_disabled(id, false, now).await?,
        }
        let summary = format!("{}账号 {}", action.verb_zh(), user.username);
        let mut audit = self.audit_by(actor, ctx, action.code(), ("user", id.to_string()), summary);
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Proposes a role change, a password reset or an unlock (security admin). Nothing
    /// changes until another administrator confirms. Returns the proposal's id and, for a
    /// reset, the proposer's half of the one-time password (shown once, to the proposer only).
    pub async fn propose_account_change(
        &self,
        actor: &Actor,
        id: i64,
        kind: ProposalKind,
        role_codes: &[String],
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<(i64, Option<String>)> {
        actor.require(Permission::UserSecurity)?;
        let reason = require_reason(reason)?;
        let roles = if kind == ProposalKind::Roles {
            parse_roles(role_codes)?
        } else {
            Vec::new()
        };
        let mut tx = self.store.begin_write().await?;
        let user = tx.user(id).await?.ok_or_else(|| AppError::NotFound("账号".into()))?;
        if id == actor.user_id {
            return Err(AppError::Forbidden(
                "不能为本人账号提出角色、密码或解锁申请，请由其他管理员办理".into(),
            ));
        }
        if kind == ProposalKind::Roles {
            check_roles_for(&mut tx, &user, &roles).await?;
        }
        if kind == ProposalKind::Unlock && user.locked_until.is_none_or(|t| t <= self.now()) {
            return Err(AppError::invalid("reason", "解锁：该账号当前未被锁定，无需解锁"));
        }
        let pending = tx.account_proposals(Some(id), 100).await?;
        if pending.iter().any(|p| p.status == "pending" && p.kind == kind.code()) {
            return Err(AppError::AlreadyHandled(format!(
                "该账号已有一项待复核的“{}”申请，请先由另一名管理员复核或驳回",
                kind.name_zh()
            )));
        }
        let part = (kind == ProposalKind::ResetPassword)
            .then(|| passwords::one_time_password()[..PASSWORD_PART_LEN].to_string());
        let codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
        let now = self.now();
        let pid = tx
            .insert_account_proposal(
                &NewAccountProposal {
                    user_id: id,
                    kind: kind.code().into(),
                    roles: codes.join(","),
                    reason: reason.clone(),
                    proposed_by: actor.user_id,
                    password_part: part.clone().unwrap_or_default(),
                },
                now,
            )
            .await?;
        for role in [Role::SecAdmin, Role::SysAdmin] {
            tx.insert_task(
                &NewTask {
                    kind: "account_proposal".into(),
                    title: format!(
                        "待复核：{} 申请{}账号 {}",
                        actor.display_name,
                        kind.name_zh(),
                        user.username
                    ),
                    link: format!("/admin/users/{id}"),
                    role: Some(role.code().into()),
                    org_id: None,
                    user_id: None,
                    object_type: "account_proposal".into(),
                    object_id: pid.to_string(),
                    due_date: None,
                },
                now,
            )
            .await?;
        }
        let detail = if kind == ProposalKind::Roles {
            format!(
                "：{} → {}",
                roles_zh(&tx.user_roles(id).await?.join(",")),
                roles_zh(&codes.join(","))
            )
        } else {
            String::new()
        };
        let mut audit = self.audit_by(
            actor,
            ctx,
            "account_change_proposed",
            ("user", id.to_string()),
            format!(
                "申请{}账号 {}{detail}（申请 {pid}，待另一名管理员复核）",
                kind.name_zh(),
                user.username
            ),
        );
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok((pid, part))
    }

    /// Confirms another administrator's proposal: the change takes effect now. Returns, for
    /// a reset, the confirmer's half of the one-time password (shown once, to the confirmer).
    pub async fn confirm_account_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<Option<String>> {
        actor.require(Permission::UserConfirm)?;
        let reason = reason.trim().to_string();
        if reason.chars().count() > 500 {
            return Err(AppError::invalid("reason", "复核意见：最多 500 字，请精简"));
        }
        let second = passwords::one_time_password()[PASSWORD_PART_LEN..].to_string();
        // Hash outside the write transaction (argon2 takes tens of milliseconds and SQLite has
        // one writer); the proposal is read again, and must be unchanged, inside it.
        let first = self
            .store
            .begin_read()
            .await?
            .account_proposal(proposal_id)
            .await?
            .filter(|p| p.kind == ProposalKind::ResetPassword.code() && p.status == "pending")
            .map(|p| p.password_part);
        let new_hash = match &first {
            Some(first) => Some(passwords::hash(&format!("{first}{second}")).await?),
            None => None,
        };
        let mut tx = self.store.begin_write().await?;
        let (p, user) = self.decidable(&mut tx, actor, proposal_id).await?;
        let kind = ProposalKind::parse(&p.kind).ok_or_else(|| AppError::Internal(anyhow::anyhow!("proposal kind")))?;
        let now = self.now();
        let mut half = None;
        match kind {
            ProposalKind::Roles => {
                let roles = parse_roles(
                    &p.roles
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(String::from)
                        .collect::<Vec<_>>(),
                )?;
                // The organisation may have changed since the proposal: check again.
                check_roles_for(&mut tx, &user, &roles).await?;
                let codes: Vec<String> = roles.iter().map(|r| r.code().to_string()).collect();
                tx.set_roles(user.id, &codes).await?;
                tx.delete_user_sessions(user.id).await?;
            }
            ProposalKind::ResetPassword => {
                let (Some(hash), true) = (&new_hash, first.as_deref() == Some(p.password_part.as_str())) else {
                    return Err(AppError::AlreadyHandled(
                        "该申请已被其他管理员处理，请刷新后查看".into(),
                    ));
                };
                tx.set_password(user.id, hash, true, now).await?;
                tx.delete_user_sessions(user.id).await?;
                half = Some(second);
            }
            ProposalKind::Unlock => {
                tx.unlock_user(user.id, now).await?;
                tx.close_tasks("account_locked", "user", &user.id.to_string(), now)
                    .await?;
            }
        }
        record_decision(&mut tx, p.id, "confirmed", actor, &reason, now).await?;
        let detail = if kind == ProposalKind::Roles {
            format!("，角色改为：{}", roles_zh(&p.roles))
        } else {
            String::new()
        };
        let mut audit = self.audit_by(
            actor,
            ctx,
            "account_change_confirmed",
            ("user", user.id.to_string()),
            format!(
                "复核通过申请 {}：{}账号 {}{detail}",
                p.id,
                kind.name_zh(),
                user.username
            ),
        );
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(half)
    }

    /// Rejects another administrator's proposal, with a reason; nothing changes.
    pub async fn reject_account_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        actor.require(Permission::UserConfirm)?;
        let reason = require_reason(reason)?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let (p, user) = self.decidable(&mut tx, actor, proposal_id).await?;
        record_decision(&mut tx, p.id, "rejected", actor, &reason, now).await?;
        let kind = ProposalKind::parse(&p.kind).map_or("", |k| k.name_zh());
        let mut audit = self.audit_by(
            actor,
            ctx,
            "account_change_rejected",
            ("user", user.id.to_string()),
            format!("驳回申请 {}：{kind}账号 {}", p.id, user.username),
        );
        audit.reason = reason;
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A pending proposal the actor may decide: not their own, not on their own account.
    async fn decidable(&self, tx: &mut Tx, actor: &Actor, proposal_id: i64) -> Result<(AccountProposalRow, UserRow)> {
        let p = tx
            .account_proposal(proposal_id)
            .await?
            .ok_or_else(|| AppError::NotFound("账号变更申请".into()))?;
        if p.status != "pending" {
            return Err(AppError::AlreadyHandled(
                "该申请已处理（已复核通过或已驳回），不能再次处理".into(),
            ));
        }
        if p.proposed_by == actor.user_id {
            return Err(AppError::Forbidden(
                "不能复核本人提出的申请，须由另一名安全管理员或系统管理员复核".into(),
            ));
        }
        if p.user_id == actor.user_id {
            return Err(AppError::Forbidden("不能复核针对本人账号的申请".into()));
        }
        let user = tx
            .user(p.user_id)
            .await?
            .ok_or_else(|| AppError::NotFound("账号".into()))?;
        Ok((p, user))
    }

    /// Proposals on one account (newest first), or all pending ones (oldest first).
    pub async fn account_proposals(&self, actor: &Actor, user_id: Option<i64>) -> Result<Vec<ProposalView>> {
        actor.require(Permission::UserRead)?;
        let mut tx = self.store.begin_read().await?;
        let rows = tx.account_proposals(user_id, 200).await?;
        let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut name = async |tx: &mut Tx, id: Option<i64>| -> Result<String> {
                let Some(id) = id else { return Ok(String::new()) };
                if let Some(n) = names.get(&id) {
                    return Ok(n.clone());
                }
                let n = tx.user(id).await?.map(|u| u.username).unwrap_or_default();
                names.insert(id, n.clone());
                Ok(n)
            };
            let username = name(&mut tx, Some(row.user_id)).await?;
            let proposer = name(&mut tx, Some(row.proposed_by)).await?;
            let decider = name(&mut tx, row.decided_by).await?;
            out.push(ProposalView {
                kind_zh: ProposalKind::parse(&row.kind).map_or("", |k| k.name_zh()),
                roles_zh: roles_zh(&row.roles),
                username,
                proposer,
                decider,
                row,
            });
        }
        Ok(out)
    }
}

/// Whether `roles` may be held by `user` in its organisation (admin and business roles never
/// together; each role in its kind of organisation). An empty set (no role) is allowed.
async fn check_roles_for(tx: &mut Tx, user: &UserRow, roles: &[Role]) -> Result<()> {
    if roles.is_empty() {
        return Ok(());
    }
    let org = tx
        .org(user.org_id)
        .await?
        .ok_or_else(|| AppError::NotFound("机构".into()))?;
    check_role_set(roles, OrgKind::parse(&org.kind).unwrap_or(OrgKind::Public))
        .map_err(|e| AppError::invalid("roles", e.to_string()))
}

pub(crate) fn require_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "原因：必填，请说明操作原因（将记入审计日志）",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", "原因：最多 500 字，请精简"));
    }
    Ok(reason.into())
}

impl App {
    /// Creates the first administrator of each kind on a fresh installation from the command
    /// line (there are no default accounts). Returns the one-time password to hand over. Only
    /// the first of each admin role: later administrators are created without roles and
    /// granted one by a confirmed proposal (ADR 0009), so the shell is no side door.
    pub async fn bootstrap_admin(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        ctx: &RequestCtx,
    ) -> Result<String> {
        if !role.is_separated_admin() {
            return Err(AppError::invalid(
                "role",
                "角色：只能是 sys_admin、sec_admin 或 audit_admin",
            ));
        }
        let errors: Vec<FieldError> = [check_username(username.trim()), check_display_name(display_name)]
            .into_iter()
            .flatten()
            .collect();
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let password = passwords::one_time_password();
        let hash = passwords::hash(&password).await?;
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let existing = tx
            .users(&UserQuery {
                role: Some(role.code().into()),
                limit: 1,
                ..Default::default()
            })
            .await?;
        if existing.total > 0 {
            return Err(AppError::invalid(
                "role",
                format!(
                    "角色：已有{}账号；后续管理员须由系统管理员在系统中创建，并经安全管理员申请、另一名管理员复核授予角色",
                    role.name_zh()
                ),
            ));
        }
        const IT_CENTRE: &str = "信息中心";
        let org_id = match tx
            .orgs(&yincai_store::OrgQuery {
                kind: Some(OrgKind::ItCentre.code().into()),
                limit: 1,
                ..Default::default()
            })
            .await?
            .rows
            .first()
        {
            Some(org) => org.id,
            None => {
                let org = yincai_store::NewOrg {
                    name: IT_CENTRE.into(),
                    kind: OrgKind::ItCentre.code().into(),
                    credit_code: None,
                    parent_id: None,
                };
                tx.insert_org(&org, now).await?
            }
        };
        let id = tx
            .insert_user(
                &NewUser {
                    username: username.trim().into(),
                    display_name: display_name.trim().into(),
                    org_id,
                    password_hash: hash,
                    must_change_password: true,
                    roles: vec![role.code().into()],
                },
                now,
            )
            .await
            .map_err(|e| AppError::from_store(e, &[UNIQUE_USERNAME]))?;
        let mut audit = anonymous_audit(
            self,
            ctx,
            "admin_bootstrapped",
            "system",
            format!("命令行创建管理员 {username}（{}）", role.name_zh()),
            "ok",
        );
        audit.actor_role = "system".into();
        audit.object_id = id.to_string();
        tx.append_audit(&audit).await?;
        tx.commit().await?;
        Ok(password)
    }
}

/// Marks a proposal decided (once: a second decision is "already handled") and closes its task.
async fn record_decision(
    tx: &mut Tx,
    proposal_id: i64,
    status: &str,
    actor: &Actor,
    reason: &str,
    now: i64,
) -> Result<()> {
    if !tx
        .decide_account_proposal(proposal_id, status, actor.user_id, reason, now)
        .await?
    {
        return Err(AppError::AlreadyHandled(
            "该申请已被其他管理员处理，请刷新后查看".into(),
        ));
    }
    tx.close_tasks("account_proposal", "account_proposal", &proposal_id.to_string(), now)
        .await?;
    Ok(())
}
